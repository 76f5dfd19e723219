-- Ingestion engine: what the loader needs beyond the 0002 accounting tables.

-- Database increments re-read an overlap before the high-water mark; a row
-- version already staged is skipped by its key, and one already quarantined
-- by this source key ('key|...|version' as text), so each version lands once.
alter table quarantine.record add column if not exists src_key text;
create index if not exists record_src_key_idx on quarantine.record (system, source_name, src_key)
    where src_key is not null;

create index if not exists batch_status_idx on audit.batch (system, status, delivery_date);

-- The balance every loaded batch must hold (also a CHECK on audit.batch):
-- rows_in = rows_loaded + rows_quarantined, and the quarantine table holds
-- exactly rows_quarantined records of the batch. An auditor query: any row
-- with balanced = false is a defect of the pipeline.
create or replace view audit.batch_balance as
select b.batch_id,
       b.system,
       b.source_name,
       b.delivery_date,
       b.status,
       b.rows_in,
       b.rows_loaded,
       b.rows_quarantined,
       b.rows_warned,
       coalesce(q.n, 0) as quarantine_records,
       (b.rows_in = b.rows_loaded + b.rows_quarantined
        and b.rows_quarantined = coalesce(q.n, 0)) as balanced
from audit.batch b
left join (select batch_id, count(*) as n from quarantine.record group by batch_id) q using (batch_id)
where b.status = 'loaded';
