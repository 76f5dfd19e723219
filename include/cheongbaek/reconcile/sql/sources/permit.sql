-- core.permit versions from staging.civ_permit (database rows: a version is known from its upd_dtm).
select s.batch_id, s.upd_dtm as version_at, 0 as src_order,
       s.prmt_no, s.prmt_type_cd, s.biz_type_cd, s.holder_type, s.holder_id, s.holder_id_status,
       s.holder_nm, s.pnu, s.area_m2, s.strt_dt, s.end_dt, s.ptn_no
from staging.civ_permit s
join audit.batch b on b.batch_id = s.batch_id and b.status = 'loaded'
