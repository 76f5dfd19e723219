-- A day delivered again replaces the earlier load of the same file entirely.
delete from {table} where batch_id = %(old_batch)s;
delete from quarantine.record where batch_id = %(old_batch)s;
update audit.batch
set status = 'superseded', ended_at = coalesce(ended_at, clock_timestamp())
where batch_id = %(old_batch)s;
