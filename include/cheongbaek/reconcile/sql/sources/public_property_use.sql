-- core.public_property_use versions from staging.fin_pub_prop_use (database rows: a version is known from its upd_dt).
select s.batch_id, s.upd_dt as version_at, 0 as src_order,
       s.use_no, s.prop_no, s.user_party_type, s.user_party_id,
       s.user_party_id_status, s.user_nm, s.area_m2, s.strt_dt, s.end_dt
from staging.fin_pub_prop_use s
join audit.batch b on b.batch_id = s.batch_id and b.status = 'loaded'
