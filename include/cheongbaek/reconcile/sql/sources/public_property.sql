-- core.public_property versions from staging.fin_pub_prop (database rows: a version is known from its upd_dt).
select s.batch_id, s.upd_dt as version_at, 0 as src_order,
       s.prop_no, s.pnu, s.prop_type_cd, s.area_m2, s.acq_dt, s.disp_dt, s.disp_party_type,
       s.disp_party_id, s.disp_party_id_status, s.disp_amt
from staging.fin_pub_prop s
join audit.batch b on b.batch_id = s.batch_id and b.status = 'loaded'
