-- core.building versions from staging.bld_permit (file deliveries: a version is known from its day folder).
select s.batch_id, s.delivery_date::timestamp as version_at, s.line_no as src_order,
       s.mgm_pmsrgst_pk, s.pnu, s.plat_gb_cd, s.sigungu_cd, s.bjdong_cd, s.bun, s.ji, s.main_purps_cd,
       s.main_purps_cd_nm, s.tot_area, s.arch_pms_day, s.ownr_gb_cd, s.ownr_id, s.ownr_id_status, s.ownr_nm, s.stat,
       s.last_upd_dt
from staging.bld_permit s
join audit.batch b on b.batch_id = s.batch_id and b.status = 'loaded'
