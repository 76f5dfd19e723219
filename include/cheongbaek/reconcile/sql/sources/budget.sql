-- core.budget versions from staging.fin_budget (database rows: a version is known from its upd_dt).
select s.batch_id, s.upd_dt as version_at, 0 as src_order,
       s.fscl_yr, s.biz_cd, s.dept_cd, s.biz_nm, s.bdgt_amt, s.supl_amt
from staging.fin_budget s
join audit.batch b on b.batch_id = s.batch_id and b.status = 'loaded'
