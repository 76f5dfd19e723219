-- Family "parcels and owners": public property and its uses (finance), land
-- transfers and real-name violations (realestate), use approvals with the PNU
-- of their building permit and illegal buildings (construction), read from
-- core as known by D: the version valid on D (valid_from <= D < valid_to;
-- valid_from is the upd_dt of a database row, the delivery day of a file row).

drop table if exists scenario_input.pub_prop;
create unlogged table scenario_input.pub_prop as
select i.prop_no, h.pnu, h.prop_type_cd, h.area_m2, h.disp_dt, h.disp_party_type, h.disp_party_id, h.disp_amt
from core.public_property_history h
join core.public_property i on i.public_property_sk = h.public_property_sk
where h.valid_from < (select scenario_input.as_of() + 1)
  and (h.valid_to is null or h.valid_to >= (select scenario_input.as_of() + 1));
comment on table scenario_input.pub_prop is 'Public property (tb_pub_prop), version valid on the as-of date, from core.public_property.';

drop table if exists scenario_input.pub_prop_use;
create unlogged table scenario_input.pub_prop_use as
select i.use_no, h.prop_no, h.user_party_type, h.user_party_id, h.area_m2, h.strt_dt, h.end_dt
from core.public_property_use_history h
join core.public_property_use i on i.public_property_use_sk = h.public_property_use_sk
where h.valid_from < (select scenario_input.as_of() + 1)
  and (h.valid_to is null or h.valid_to >= (select scenario_input.as_of() + 1));
comment on table scenario_input.pub_prop_use is
    'Uses of public property (tb_pub_prop_use), version valid on the as-of date, from core.public_property_use.';

drop table if exists scenario_input.transfer;
create unlogged table scenario_input.transfer as
select i.trnsf_id, h.pnu, h.obj_type, h.cntr_dt, h.rgst_dt, h.price, h.to_type, h.to_id, h.cause
from core.transfer_history h
join core.transfer i on i.transfer_sk = h.transfer_sk
where h.valid_from < (select scenario_input.as_of() + 1)
  and (h.valid_to is null or h.valid_to >= (select scenario_input.as_of() + 1));
create index on scenario_input.transfer (pnu);
comment on table scenario_input.transfer is 'Land-register transfers, version valid on the as-of date, from core.transfer.';

drop table if exists scenario_input.realname_viol;
create unlogged table scenario_input.realname_viol as
select i.viol_id, h.pnu, h.party_type, h.party_id, h.dtct_dt, h.prop_value
from core.realname_violation_history h
join core.realname_violation i on i.realname_violation_sk = h.realname_violation_sk
where h.valid_from < (select scenario_input.as_of() + 1)
  and (h.valid_to is null or h.valid_to >= (select scenario_input.as_of() + 1));
comment on table scenario_input.realname_viol is
    'Real-name-law violations, version valid on the as-of date, from core.realname_violation.';

-- A use approval has no parcel of its own: it is the approval of the building
-- permit with the same mgmPmsrgstPk (core resolves it to building_sk), whose
-- PNU as known by D it takes (null for a block site or a permit not known by D).
drop table if exists scenario_input.use_approval;
create unlogged table scenario_input.use_approval as
select i.mgm_pmsrgst_pk, a.use_apr_day, a.tot_area, a.main_purps_cd, a.ownr_gb_cd, a.ownr_id, b.pnu
from core.use_approval_history a
join core.use_approval i on i.use_approval_sk = a.use_approval_sk
left join core.building_history b
  on b.building_sk = a.building_sk
 and b.valid_from < (select scenario_input.as_of() + 1)
 and (b.valid_to is null or b.valid_to >= (select scenario_input.as_of() + 1))
where a.valid_from < (select scenario_input.as_of() + 1)
  and (a.valid_to is null or a.valid_to >= (select scenario_input.as_of() + 1));
create index on scenario_input.use_approval (pnu, use_apr_day);
comment on table scenario_input.use_approval is
    'Use approvals valid on the as-of date (core.use_approval), with the PNU of their building permit as known '
    'then (core.building; null: block site or unknown permit).';

drop table if exists scenario_input.violation;
create unlogged table scenario_input.violation as
select i.viol_pk, h.pnu, h.viol_day, h.viol_area, h.ownr_gb_cd, h.ownr_id, h.crct_day
from core.building_violation_history h
join core.building_violation i on i.building_violation_sk = h.building_violation_sk
where h.valid_from < (select scenario_input.as_of() + 1)
  and (h.valid_to is null or h.valid_to >= (select scenario_input.as_of() + 1));
comment on table scenario_input.violation is
    'Illegal buildings (bld_violation), version valid on the as-of date, from core.building_violation.';
