insert into {table} (batch_id, delivery_date, line_no, {cols})
select %(batch_id)s, %(delivery_date)s, _line, {cols}
from _ld
where _reason is null;
