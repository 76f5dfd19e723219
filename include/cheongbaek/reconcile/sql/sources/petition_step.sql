-- core.petition_step versions from staging.civ_petition_step (database rows: a version is known from its upd_dtm).
select s.batch_id, s.upd_dtm as version_at, 0 as src_order,
       s.ptn_no, s.step_seq, s.step_cd, s.step_dtm, s.emp_no, s.dept_cd
from staging.civ_petition_step s
join audit.batch b on b.batch_id = s.batch_id and b.status = 'loaded'
