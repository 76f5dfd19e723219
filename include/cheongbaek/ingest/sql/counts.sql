select count(*)                                          as rows_in,
       count(*) filter (where _reason is null)           as rows_loaded,
       count(*) filter (where _reason is not null)       as rows_quarantined,
       count(*) filter (where _reason is null and _warn) as rows_warned
from _ld;
