-- The overlap before the high-water mark is read again: a row version already
-- staged (same key and version) or already quarantined (same source key) is
-- dropped here, so each version lands exactly once.
delete from _ld t
using {table} s
where t._reason is null and {keyjoin};

delete from _ld t
where t._reason is not null
  and exists (select 1 from quarantine.record q
              where q.system = %(system)s and q.source_name = %(source_name)s and q.src_key = t._src_key);
