-- core.procedure versions from staging.civ_proc_code (a code table read whole each run:
-- a version is known from the run that read it).
select s.batch_id, b.logical_date::timestamp as version_at, 0 as src_order,
       s.proc_cd, s.sector_cd, s.proc_nm, s.legal_days, s.open_yn
from staging.civ_proc_code s
join audit.batch b on b.batch_id = s.batch_id and b.status = 'loaded'
