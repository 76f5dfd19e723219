-- core.contract versions from staging.fin_contract (database rows: a version is known from its upd_dt).
select s.batch_id, s.upd_dt as version_at, 0 as src_order,
       s.cntr_no, s.fscl_yr, s.dept_cd, s.biz_cd, s.cntr_nm, s.cntr_mthd_cd, s.vndr_id, s.cntr_amt,
       s.cntr_dt, s.strt_dt, s.end_dt, s.aprv_emp_no, s.del_yn
from staging.fin_contract s
join audit.batch b on b.batch_id = s.batch_id and b.status = 'loaded'
