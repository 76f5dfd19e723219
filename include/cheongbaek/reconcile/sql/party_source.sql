-- Every party (person by RRN pseudonym, business by BRN) named anywhere in staging,
-- with the name it was given there and the day it was seen. Parties are matched by
-- identifier only, never by name (scenarios.md); every name variant is kept.
select s.batch_id, 'tax'::text as system, s.party_type::text as party_type, s.party_id::text as party_id, s.party_id_status::text as id_status,
       s.party_nm::text as party_nm, s.delivery_date::date as seen_on
from staging.tax_assessment s where s.party_id is not null and s.party_type in ('1', '2')
union all
select s.batch_id, 'duties'::text as system, s.party_type::text as party_type, s.party_id::text as party_id, s.party_id_status::text as id_status,
       s.party_nm::text as party_nm, s.delivery_date::date as seen_on
from staging.duty s where s.party_id is not null and s.party_type in ('1', '2')
union all
select s.batch_id, 'hr'::text as system, '1'::text as party_type, s.rrn::text as party_id, s.rrn_status::text as id_status,
       s.emp_nm::text as party_nm, s.delivery_date::date as seen_on
from staging.hr_emp s where s.rrn is not null and '1' in ('1', '2')
union all
select s.batch_id, 'construction'::text as system, s.ownr_gb_cd::text as party_type, s.ownr_id::text as party_id, s.ownr_id_status::text as id_status,
       s.ownr_nm::text as party_nm, s.delivery_date::date as seen_on
from staging.bld_permit s where s.ownr_id is not null and s.ownr_gb_cd in ('1', '2')
union all
select s.batch_id, 'construction'::text as system, s.ownr_gb_cd::text as party_type, s.ownr_id::text as party_id, s.ownr_id_status::text as id_status,
       s.ownr_nm::text as party_nm, s.delivery_date::date as seen_on
from staging.bld_useapr s where s.ownr_id is not null and s.ownr_gb_cd in ('1', '2')
union all
select s.batch_id, 'construction'::text as system, s.ownr_gb_cd::text as party_type, s.ownr_id::text as party_id, s.ownr_id_status::text as id_status,
       s.ownr_nm::text as party_nm, s.delivery_date::date as seen_on
from staging.bld_violation s where s.ownr_id is not null and s.ownr_gb_cd in ('1', '2')
union all
select s.batch_id, 'realestate'::text as system, s.owner_type::text as party_type, s.owner_id::text as party_id, s.owner_id_status::text as id_status,
       s.owner_nm::text as party_nm, s.delivery_date::date as seen_on
from staging.re_parcel s where s.owner_id is not null and s.owner_type in ('1', '2')
union all
select s.batch_id, 'realestate'::text as system, s.from_type::text as party_type, s.from_id::text as party_id, s.from_id_status::text as id_status,
       null::text as party_nm, s.delivery_date::date as seen_on
from staging.re_transfer s where s.from_id is not null and s.from_type in ('1', '2')
union all
select s.batch_id, 'realestate'::text as system, s.to_type::text as party_type, s.to_id::text as party_id, s.to_id_status::text as id_status,
       s.to_nm::text as party_nm, s.delivery_date::date as seen_on
from staging.re_transfer s where s.to_id is not null and s.to_type in ('1', '2')
union all
select s.batch_id, 'realestate'::text as system, s.party_type::text as party_type, s.party_id::text as party_id, s.party_id_status::text as id_status,
       s.party_nm::text as party_nm, s.delivery_date::date as seen_on
from staging.re_realname_viol s where s.party_id is not null and s.party_type in ('1', '2')
union all
select s.batch_id, 'finance'::text as system, '2'::text as party_type, s.brn::text as party_id, 'brn'::text as id_status,
       s.vndr_nm::text as party_nm, s.upd_dt::date as seen_on
from staging.fin_vendor s where s.brn is not null and '2' in ('1', '2')
union all
select s.batch_id, 'finance'::text as system, '1'::text as party_type, s.rep_rrn::text as party_id, s.rep_rrn_status::text as id_status,
       s.rep_nm::text as party_nm, s.upd_dt::date as seen_on
from staging.fin_vendor s where s.rep_rrn is not null and '1' in ('1', '2')
union all
select s.batch_id, 'finance'::text as system, s.disp_party_type::text as party_type, s.disp_party_id::text as party_id, s.disp_party_id_status::text as id_status,
       null::text as party_nm, s.upd_dt::date as seen_on
from staging.fin_pub_prop s where s.disp_party_id is not null and s.disp_party_type in ('1', '2')
union all
select s.batch_id, 'finance'::text as system, s.user_party_type::text as party_type, s.user_party_id::text as party_id, s.user_party_id_status::text as id_status,
       s.user_nm::text as party_nm, s.upd_dt::date as seen_on
from staging.fin_pub_prop_use s where s.user_party_id is not null and s.user_party_type in ('1', '2')
union all
select s.batch_id, 'civil'::text as system, s.apln_type::text as party_type, s.apln_id::text as party_id, s.apln_id_status::text as id_status,
       s.apln_nm::text as party_nm, s.upd_dtm::date as seen_on
from staging.civ_petition s where s.apln_id is not null and s.apln_type in ('1', '2')
union all
select s.batch_id, 'civil'::text as system, s.holder_type::text as party_type, s.holder_id::text as party_id, s.holder_id_status::text as id_status,
       s.holder_nm::text as party_nm, s.upd_dtm::date as seen_on
from staging.civ_permit s where s.holder_id is not null and s.holder_type in ('1', '2')
