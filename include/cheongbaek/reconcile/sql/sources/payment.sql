-- core.payment versions from staging.fin_payment (database rows: a version is known from its upd_dt).
select s.batch_id, s.upd_dt as version_at, 0 as src_order,
       s.pay_no, s.fscl_yr, s.dept_cd, s.biz_cd, s.cntr_no, s.vndr_id, s.invc_no, s.pay_amt, s.pay_dt,
       s.bank_cd, s.acct_no, s.aprv_emp_no, s.del_yn
from staging.fin_payment s
join audit.batch b on b.batch_id = s.batch_id and b.status = 'loaded'
