-- The same key twice in one file: the later line wins, every earlier line of
-- the key goes to quarantine as 'duplicate_key'. Only rows that passed
-- validation compete (a quarantined line can win nothing); only keys seen
-- more than once are touched (a hash aggregate, no sort of the whole batch).
-- Key columns are never null here: every suite requires them (blocking).
update _ld t
set _reason = 'duplicate_key',
    _detail = 'the same key appears again at line ' || d.winner,
    _warn = false
from (
    select {keys}, max(_line) as winner
    from _ld
    where _reason is null
    group by {keys}
    having count(*) > 1
) d
where t._reason is null and {dupjoin} and t._line < d.winner;
