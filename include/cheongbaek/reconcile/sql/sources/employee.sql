-- core.employee versions from staging.hr_emp (file deliveries: a version is known from its day folder).
select s.batch_id, s.delivery_date::timestamp as version_at, s.line_no as src_order,
       s.emp_no, s.emp_nm, s.rrn, s.rrn_status, s.dept_cd, s.grade, s.title, s.hire_dt, s.retire_dt,
       s.status, s.bank_cd, s.acct_no
from staging.hr_emp s
join audit.batch b on b.batch_id = s.batch_id and b.status = 'loaded'
