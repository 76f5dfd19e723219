-- core.parcel versions from staging.re_parcel (file deliveries: a version is known from its day folder).
select s.batch_id, s.delivery_date::timestamp as version_at, s.line_no as src_order,
       s.pnu, s.jimok, s.area_m2, s.ofcl_price, s.owner_type, s.owner_id, s.owner_id_status, s.owner_nm,
       s.public_yn, s.chg_dt
from staging.re_parcel s
join audit.batch b on b.batch_id = s.batch_id and b.status = 'loaded'
