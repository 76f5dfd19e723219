insert into quarantine.record (batch_id, system, source_name, line_no, reason, detail, record, src_key)
select %(batch_id)s, %(system)s, %(source_name)s, _line, _reason, _detail, coalesce(_record, ''), _src_key
from _ld
where _reason is not null;
