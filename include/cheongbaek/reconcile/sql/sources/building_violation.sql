-- core.building_violation versions from staging.bld_violation (file deliveries: a version is known from its day folder).
select s.batch_id, s.delivery_date::timestamp as version_at, s.line_no as src_order,
       s.viol_pk, s.pnu, s.plat_gb_cd, s.sigungu_cd, s.bjdong_cd, s.bun, s.ji, s.viol_day,
       s.viol_area, s.ownr_gb_cd, s.ownr_id, s.ownr_id_status, s.ownr_nm, s.crct_day, s.last_upd_dt
from staging.bld_violation s
join audit.batch b on b.batch_id = s.batch_id and b.status = 'loaded'
