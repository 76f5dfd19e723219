-- Family "civil affairs": permits, inspections, petitions with their EXTN
-- count, procedure codes, newest version on or before D (upd_dtm).

drop table if exists scenario_input.permit;
create unlogged table scenario_input.permit as
select distinct on (p.prmt_no)
       p.prmt_no, p.prmt_type_cd, p.biz_type_cd, p.holder_type, p.holder_id, p.pnu, p.area_m2,
       p.strt_dt, p.end_dt, p.ptn_no
from staging.civ_permit p
join audit.batch b on b.batch_id = p.batch_id and b.status = 'loaded'
where p.upd_dtm < scenario_input.as_of() + 1
order by p.prmt_no, p.upd_dtm desc;
create index on scenario_input.permit (pnu) where prmt_type_cd = 'FOOD';
comment on table scenario_input.permit is 'Civil permits, newest version known by the as-of date.';

drop table if exists scenario_input.inspection;
create unlogged table scenario_input.inspection as
select distinct on (i.insp_no)
       i.insp_no, i.prmt_no, i.insp_dt, i.viol_yn, i.sanction_cd, i.sanction_amt
from staging.civ_inspection i
join audit.batch b on b.batch_id = i.batch_id and b.status = 'loaded'
where i.upd_dtm < scenario_input.as_of() + 1
order by i.insp_no, i.upd_dtm desc;
comment on table scenario_input.inspection is 'Inspections, newest version known by the as-of date.';

-- proc_code has no upd_dtm: it is read whole each time; the newest loaded
-- read logged on or before D wins (else the oldest one, for earlier dates).
drop table if exists scenario_input.proc_code;
create unlogged table scenario_input.proc_code as
select distinct on (c.proc_cd)
       c.proc_cd, c.sector_cd, c.legal_days, c.open_yn
from staging.civ_proc_code c
join audit.batch b on b.batch_id = c.batch_id and b.status = 'loaded'
order by c.proc_cd,
         (coalesce(b.logical_date, b.delivery_date, scenario_input.as_of()) <= scenario_input.as_of()) desc,
         case when coalesce(b.logical_date, b.delivery_date, scenario_input.as_of()) <= scenario_input.as_of()
              then -c.batch_id else c.batch_id end;
comment on table scenario_input.proc_code is 'Procedure codes (legal_days, open_yn) as read on or before the as-of date.';

drop table if exists scenario_input.petition;
create unlogged table scenario_input.petition as
with ptn as (
    select distinct on (p.ptn_no)
           p.ptn_no, p.proc_cd, p.rcpt_dtm, p.apln_type, p.apln_id, p.dept_cd, p.chrg_emp_no, p.stat_cd,
           p.rslt_cd, p.cmpl_dtm
    from staging.civ_petition p
    join audit.batch b on b.batch_id = p.batch_id and b.status = 'loaded'
    where p.upd_dtm < scenario_input.as_of() + 1
    order by p.ptn_no, p.upd_dtm desc
), step as (
    select distinct on (s.ptn_no, s.step_seq) s.ptn_no, s.step_seq, s.step_cd
    from staging.civ_petition_step s
    join audit.batch b on b.batch_id = s.batch_id and b.status = 'loaded'
    where s.upd_dtm < scenario_input.as_of() + 1
    order by s.ptn_no, s.step_seq, s.upd_dtm desc
), extn as (
    select ptn_no, count(*)::int as extn_count from step where step_cd = 'EXTN' group by ptn_no
)
select ptn.*, coalesce(extn.extn_count, 0) as extn_count
from ptn left join extn using (ptn_no);
create index on scenario_input.petition (apln_id);
comment on table scenario_input.petition is 'Petitions, newest version known by the as-of date, with their number of EXTN steps.';
