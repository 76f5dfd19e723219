-- The same key twice in one file: the later line wins, every earlier line of
-- the key goes to quarantine as 'duplicate_key'. Only rows that passed
-- validation compete: a quarantined line can win nothing.
update _ld t
set _reason = 'duplicate_key',
    _detail = 'the same key appears again at line ' || d.winner,
    _warn = false
from (
    select _line, max(_line) over (partition by {keys}) as winner
    from _ld
    where _reason is null
) d
where t._line = d._line and d._line < d.winner;
