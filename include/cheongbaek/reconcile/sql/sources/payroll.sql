-- core.payroll versions from staging.hr_pay (file deliveries: a version is known from its day folder).
select s.batch_id, s.delivery_date::timestamp as version_at, s.line_no as src_order,
       s.pay_ym, s.emp_no, s.gross_amt, s.net_amt, s.pay_dt, s.bank_cd, s.acct_no
from staging.hr_pay s
join audit.batch b on b.batch_id = s.batch_id and b.status = 'loaded'
