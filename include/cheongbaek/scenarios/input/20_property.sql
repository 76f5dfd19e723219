-- Family "parcels and owners": public property and its uses (finance), land
-- transfers and real-name violations (realestate), use approvals with the PNU
-- of their permit and illegal buildings (construction), as known by D.
-- Database rows: newest upd_dt on or before D; file rows: newest delivery.

drop table if exists scenario_input.pub_prop;
create unlogged table scenario_input.pub_prop as
select distinct on (p.prop_no)
       p.prop_no, p.pnu, p.prop_type_cd, p.area_m2, p.disp_dt, p.disp_party_type, p.disp_party_id, p.disp_amt
from staging.fin_pub_prop p
join audit.batch b on b.batch_id = p.batch_id and b.status = 'loaded'
where p.upd_dt < scenario_input.as_of() + 1
order by p.prop_no, p.upd_dt desc;
comment on table scenario_input.pub_prop is 'Public property (tb_pub_prop), newest version known by the as-of date.';

drop table if exists scenario_input.pub_prop_use;
create unlogged table scenario_input.pub_prop_use as
select distinct on (u.use_no)
       u.use_no, u.prop_no, u.user_party_type, u.user_party_id, u.area_m2, u.strt_dt, u.end_dt
from staging.fin_pub_prop_use u
join audit.batch b on b.batch_id = u.batch_id and b.status = 'loaded'
where u.upd_dt < scenario_input.as_of() + 1
order by u.use_no, u.upd_dt desc;
comment on table scenario_input.pub_prop_use is 'Uses of public property (tb_pub_prop_use), newest version known by the as-of date.';

drop table if exists scenario_input.transfer;
create unlogged table scenario_input.transfer as
select distinct on (t.trnsf_id)
       t.trnsf_id, t.pnu, t.obj_type, t.cntr_dt, t.rgst_dt, t.price, t.to_type, t.to_id, t.cause
from staging.re_transfer t
join audit.batch b on b.batch_id = t.batch_id and b.status = 'loaded'
where t.delivery_date <= scenario_input.as_of()
order by t.trnsf_id, t.delivery_date desc, t.line_no desc;
create index on scenario_input.transfer (pnu);
comment on table scenario_input.transfer is 'Land-register transfers, newest delivery of trnsf_id known by the as-of date.';

drop table if exists scenario_input.realname_viol;
create unlogged table scenario_input.realname_viol as
select distinct on (v.viol_id)
       v.viol_id, v.pnu, v.party_type, v.party_id, v.dtct_dt, v.prop_value
from staging.re_realname_viol v
join audit.batch b on b.batch_id = v.batch_id and b.status = 'loaded'
where v.delivery_date <= scenario_input.as_of()
order by v.viol_id, v.delivery_date desc, v.line_no desc;
comment on table scenario_input.realname_viol is 'Real-name-law violations, newest delivery known by the as-of date.';

-- A use approval has no parcel of its own: it is the approval of the permit
-- with the same mgmPmsrgstPk, whose PNU it takes (null for a block site).
drop table if exists scenario_input.use_approval;
create unlogged table scenario_input.use_approval as
with apr as (
    select distinct on (a.mgm_pmsrgst_pk)
           a.mgm_pmsrgst_pk, a.use_apr_day, a.tot_area, a.main_purps_cd, a.ownr_gb_cd, a.ownr_id
    from staging.bld_useapr a
    join audit.batch b on b.batch_id = a.batch_id and b.status = 'loaded'
    where a.delivery_date <= scenario_input.as_of()
    order by a.mgm_pmsrgst_pk, a.delivery_date desc, a.line_no desc
), pmt as (
    select distinct on (p.mgm_pmsrgst_pk) p.mgm_pmsrgst_pk, p.pnu
    from staging.bld_permit p
    join audit.batch b on b.batch_id = p.batch_id and b.status = 'loaded'
    where p.delivery_date <= scenario_input.as_of()
    order by p.mgm_pmsrgst_pk, p.delivery_date desc, p.line_no desc
)
select apr.*, pmt.pnu
from apr left join pmt using (mgm_pmsrgst_pk);
create index on scenario_input.use_approval (pnu, use_apr_day);
comment on table scenario_input.use_approval is
    'Use approvals known by the as-of date, with the PNU of their building permit (null: block site or unknown permit).';

drop table if exists scenario_input.violation;
create unlogged table scenario_input.violation as
select distinct on (v.viol_pk)
       v.viol_pk, v.pnu, v.viol_day, v.viol_area, v.ownr_gb_cd, v.ownr_id, v.crct_day
from staging.bld_violation v
join audit.batch b on b.batch_id = v.batch_id and b.status = 'loaded'
where v.delivery_date <= scenario_input.as_of()
order by v.viol_pk, v.delivery_date desc, v.line_no desc;
comment on table scenario_input.violation is 'Illegal buildings (bld_violation), newest delivery known by the as-of date.';
