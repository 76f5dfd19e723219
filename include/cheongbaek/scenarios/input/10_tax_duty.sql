-- Family "documents that settle a case": live tax assessments and live duties
-- known by D, newest delivery of each key (delivery_date, then line_no), from
-- loaded batches only. paid_krw is what has been collected on the document by
-- D: the collected amount of an alert the document resolves.

drop table if exists scenario_input.tax_live;
create unlogged table scenario_input.tax_live as
select asmt_no, tax_item_cd, party_type, party_id, pnu, cause_dt, tax_amt, status_cd, dept_cd,
       case when status_cd = '02' or paid_dt <= scenario_input.as_of() then tax_amt else 0 end::bigint as paid_krw
from (
    select distinct on (t.asmt_no)
           t.asmt_no, t.tax_item_cd, t.party_type, t.party_id, t.pnu, t.cause_dt, t.tax_amt, t.paid_dt,
           t.status_cd, t.dept_cd
    from staging.tax_assessment t
    join audit.batch b on b.batch_id = t.batch_id and b.status = 'loaded'
    where t.delivery_date <= scenario_input.as_of()
    order by t.asmt_no, t.delivery_date desc, t.line_no desc
) newest
where status_cd <> '09';
create index on scenario_input.tax_live (pnu, party_id, cause_dt) where tax_item_cd in ('101', '102');
create index on scenario_input.tax_live (party_id, cause_dt) where tax_item_cd = '301';
comment on table scenario_input.tax_live is
    'Live tax assessments (newest delivery of asmt_no, status_cd <> 09) known by the as-of date.';

drop table if exists scenario_input.duty_live;
create unlogged table scenario_input.duty_live as
select imps_no, duty_cd, party_type, party_id, pnu, basis_no, imps_amt, imps_dt, status, dept_cd,
       case when status = '수납' or paid_dt <= scenario_input.as_of() then imps_amt else 0 end::bigint as paid_krw
from (
    select distinct on (d.imps_no)
           d.imps_no, d.duty_cd, d.party_type, d.party_id, d.pnu, d.basis_no, d.imps_amt, d.imps_dt, d.paid_dt,
           d.status, d.dept_cd
    from staging.duty d
    join audit.batch b on b.batch_id = d.batch_id and b.status = 'loaded'
    where d.delivery_date <= scenario_input.as_of()
    order by d.imps_no, d.delivery_date desc, d.line_no desc
) newest
where status <> '취소';
create index on scenario_input.duty_live (basis_no, duty_cd, imps_dt);
comment on table scenario_input.duty_live is
    'Live duties (newest delivery of imps_no, status <> 취소) known by the as-of date.';
