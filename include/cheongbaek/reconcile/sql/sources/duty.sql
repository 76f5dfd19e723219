-- core.duty versions from staging.duty (file deliveries: a version is known from its day folder).
select s.batch_id, s.delivery_date::timestamp as version_at, s.line_no as src_order,
       s.imps_no, s.duty_cd, s.party_type, s.party_id, s.party_id_status, s.party_nm, s.pnu, s.basis_no,
       s.imps_amt, s.imps_dt, s.due_dt, s.paid_dt, s.status, s.dept_cd
from staging.duty s
join audit.batch b on b.batch_id = s.batch_id and b.status = 'loaded'
