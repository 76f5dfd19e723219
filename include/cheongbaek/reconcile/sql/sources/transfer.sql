-- core.transfer versions from staging.re_transfer (file deliveries: a version is known from its day folder).
select s.batch_id, s.delivery_date::timestamp as version_at, s.line_no as src_order,
       s.trnsf_id, s.pnu, s.obj_type, s.cntr_dt, s.rgst_dt, s.price, s.from_type, s.from_id,
       s.from_id_status, s.to_type, s.to_id, s.to_id_status, s.to_nm, s.cause
from staging.re_transfer s
join audit.batch b on b.batch_id = s.batch_id and b.status = 'loaded'
