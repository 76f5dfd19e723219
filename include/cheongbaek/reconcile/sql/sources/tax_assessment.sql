-- core.tax_assessment versions from staging.tax_assessment (file deliveries: a version is known from its day folder).
select s.batch_id, s.delivery_date::timestamp as version_at, s.line_no as src_order,
       s.asmt_no, s.tax_item_cd, s.party_type, s.party_id, s.party_id_status, s.party_nm, s.pnu,
       s.tax_base_amt, s.tax_amt, s.cause_dt, s.asmt_dt, s.due_dt, s.paid_dt, s.status_cd, s.dept_cd
from staging.tax_assessment s
join audit.batch b on b.batch_id = s.batch_id and b.status = 'loaded'
