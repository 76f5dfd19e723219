-- core.vendor versions from staging.fin_vendor (database rows: a version is known from its upd_dt).
select s.batch_id, s.upd_dt as version_at, 0 as src_order,
       s.vndr_id, s.brn, s.vndr_nm, s.rep_nm, s.rep_rrn, s.rep_rrn_status, s.bank_cd, s.acct_no,
       s.biz_stat_cd, s.clsd_dt
from staging.fin_vendor s
join audit.batch b on b.batch_id = s.batch_id and b.status = 'loaded'
