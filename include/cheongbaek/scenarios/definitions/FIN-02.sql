-- FIN-02: contract splitting. Greedy groups per (department, vendor) over the
-- live negotiated contracts under the threshold, in (cntr_dt, cntr_no) order:
-- a group starts at the first contract not yet grouped and takes every later
-- one within {{window_days}} days after it. next_rn = 1 + the number of
-- contracts dated on or before start + window, so the walk from group start
-- to group start is a recursive join on (dept_cd, vndr_id, rn).
with recursive elig as materialized (
    select c.cntr_no, c.dept_cd, c.vndr_id, c.cntr_amt, c.cntr_dt, c.aprv_emp_no,
           row_number() over (partition by c.dept_cd, c.vndr_id order by c.cntr_dt, c.cntr_no) as rn,
           count(*) over (partition by c.dept_cd, c.vndr_id order by c.cntr_dt
                          range between unbounded preceding and interval '{{window_days}} days' following) + 1
               as next_rn
    from scenario_input.contract c
    where c.cntr_mthd_cd = '30' and c.cntr_amt < {{threshold_krw}}
      and c.dept_cd is not null and c.vndr_id is not null and c.cntr_dt is not null
), walk as (
    select dept_cd, vndr_id, rn, next_rn from elig where rn = 1
    union all
    select e.dept_cd, e.vndr_id, e.rn, e.next_rn
    from walk w
    join elig e on e.dept_cd = w.dept_cd and e.vndr_id = w.vndr_id and e.rn = w.next_rn
), grp as (
    select w.dept_cd, w.vndr_id, w.rn as start_rn,
           count(*) as n, sum(e.cntr_amt) as total,
           jsonb_agg(jsonb_build_object('cntr_no', e.cntr_no, 'cntr_dt', e.cntr_dt, 'cntr_amt', e.cntr_amt)
                     order by e.rn) as contracts
    from walk w
    join elig e on e.dept_cd = w.dept_cd and e.vndr_id = w.vndr_id and e.rn >= w.rn and e.rn < w.next_rn
    group by w.dept_cd, w.vndr_id, w.rn
    having count(*) >= {{min_contracts}} and sum(e.cntr_amt) >= {{threshold_krw}}
)
select f.cntr_no                                               as subject,
       0::bigint                                               as estimate_krw,
       jsonb_build_object('first_cntr_no', f.cntr_no, 'dept_cd', g.dept_cd, 'vndr_id', g.vndr_id,
                          'contracts', g.contracts, 'count', g.n, 'total_amt', g.total) as evidence,
       g.dept_cd, f.aprv_emp_no as officer_emp_no,
       true as fires, 0::bigint as collected_krw, null::jsonb as resolved_by
from grp g
join elig f on f.dept_cd = g.dept_cd and f.vndr_id = g.vndr_id and f.rn = g.start_rn
