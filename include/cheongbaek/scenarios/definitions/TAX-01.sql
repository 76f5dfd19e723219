-- TAX-01: a sold public property without the buyer's acquisition tax.
-- Population: sales with a PNU whose grace period has passed by D; fires when
-- no live 101/102 assessment of the buyer on that PNU has cause_dt within
-- {{window_days}} days of disp_dt (both ends included).
select p.prop_no                                               as subject,
       floor(p.disp_amt * {{rate}})::bigint                    as estimate_krw,
       jsonb_build_object('prop_no', p.prop_no, 'pnu', p.pnu, 'disp_dt', p.disp_dt, 'disp_amt', p.disp_amt,
                          'buyer_party_type', p.disp_party_type, 'grace_until', p.disp_dt + {{grace_days}})
                                                               as evidence,
       null::text                                              as dept_cd,
       null::text                                              as officer_emp_no,
       m.n is null                                             as fires,
       coalesce(m.paid, 0)::bigint                             as collected_krw,
       m.docs                                                  as resolved_by
from scenario_input.pub_prop p
left join lateral (
    select count(*) as n, sum(t.paid_krw) as paid, jsonb_agg(t.asmt_no order by t.asmt_no) as docs
    from scenario_input.tax_live t
    where t.tax_item_cd in ('101', '102') and t.pnu = p.pnu and t.party_id = p.disp_party_id
      and t.cause_dt between p.disp_dt - {{window_days}} and p.disp_dt + {{window_days}}
    having count(*) > 0
) m on true
where p.disp_dt is not null and p.pnu is not null and p.disp_party_id is not null
  and p.disp_dt + {{grace_days}} <= scenario_input.as_of()
