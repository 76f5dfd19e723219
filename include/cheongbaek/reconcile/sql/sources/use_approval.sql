-- core.use_approval versions from staging.bld_useapr (file deliveries: a version is known from its day folder).
select s.batch_id, s.delivery_date::timestamp as version_at, s.line_no as src_order,
       s.mgm_pmsrgst_pk, s.use_apr_day, s.tot_area, s.main_purps_cd, s.ownr_gb_cd, s.ownr_id,
       s.ownr_id_status, s.ownr_nm, s.last_upd_dt
from staging.bld_useapr s
join audit.batch b on b.batch_id = s.batch_id and b.status = 'loaded'
