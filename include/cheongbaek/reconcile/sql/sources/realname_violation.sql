-- core.realname_violation versions from staging.re_realname_viol (file deliveries: a version is known from its day folder).
select s.batch_id, s.delivery_date::timestamp as version_at, s.line_no as src_order,
       s.viol_id, s.pnu, s.party_type, s.party_id, s.party_id_status, s.party_nm,
       s.dtct_dt, s.prop_value
from staging.re_realname_viol s
join audit.batch b on b.batch_id = s.batch_id and b.status = 'loaded'
