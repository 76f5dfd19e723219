-- Ingest hardening: a rejected file is a property of its contents, a crash is not.
--
-- `rejected` marks a failed batch whose file the pipeline (or the database)
-- refused as a whole: corrupt, trailer mismatch, bytes COPY cannot store, a
-- symbolic link. The same contents delivered again stay rejected without
-- being read twice. A batch that failed for any other reason (a lost
-- connection, a killed worker) is not rejected: the next run loads the file
-- again.
alter table audit.batch add column if not exists rejected boolean not null default false;
create index if not exists batch_rejected_idx on audit.batch (system, logical_date) where rejected;
