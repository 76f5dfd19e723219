-- core.petition versions from staging.civ_petition (database rows: a version is known from its upd_dtm).
select s.batch_id, s.upd_dtm as version_at, 0 as src_order,
       s.ptn_no, s.proc_cd, s.rcpt_dtm, s.apln_type, s.apln_id, s.apln_id_status, s.apln_nm, s.pnu,
       s.dept_cd, s.chrg_emp_no, s.due_dt, s.stat_cd, s.rslt_cd, s.cmpl_dtm
from staging.civ_petition s
join audit.batch b on b.batch_id = s.batch_id and b.status = 'loaded'
