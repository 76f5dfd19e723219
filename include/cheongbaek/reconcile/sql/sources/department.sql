-- core.department versions from staging.hr_dept (file deliveries: a version is known from its day folder).
select s.batch_id, s.delivery_date::timestamp as version_at, s.line_no as src_order,
       s.dept_cd, s.dept_nm, s.upper_dept_cd
from staging.hr_dept s
join audit.batch b on b.batch_id = s.batch_id and b.status = 'loaded'
