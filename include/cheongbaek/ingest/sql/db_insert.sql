insert into {table} (batch_id, {cols})
select %(batch_id)s, {cols}
from _ld
where _reason is null;
