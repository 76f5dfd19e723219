-- core.inspection versions from staging.civ_inspection (database rows: a version is known from its upd_dtm).
select s.batch_id, s.upd_dtm as version_at, 0 as src_order,
       s.insp_no, s.prmt_no, s.insp_dt, s.viol_yn, s.viol_cd, s.sanction_cd, s.sanction_amt
from staging.civ_inspection s
join audit.batch b on b.batch_id = s.batch_id and b.status = 'loaded'
