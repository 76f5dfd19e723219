-- CIV-02: one official approving 3+ petitions of the same applicant within
-- 365 days. The earliest qualifying window of the pair starts at the first
-- approval t (by cmpl_dtm, then ptn_no) with 3+ approvals from t to t + 365
-- days (calendar dates, both ends included).
with appr as (
    select chrg_emp_no as emp_no, apln_type, apln_id, ptn_no, cmpl_dtm, dept_cd
    from scenario_input.petition
    where rslt_cd = 'A' and cmpl_dtm is not null and apln_id is not null and chrg_emp_no is not null
), win as (
    select appr.*,
           count(*) over (partition by emp_no, apln_id order by cmpl_dtm::date
                          range between current row and interval '{{window_days}} days' following) as in_window,
           count(*) over (partition by emp_no, apln_id) as approvals
    from appr
), first_win as (
    select distinct on (emp_no, apln_id) *
    from win
    where in_window >= {{min_approvals}}
    order by emp_no, apln_id, cmpl_dtm, ptn_no
)
select f.emp_no || '|' || f.ptn_no                             as subject,
       0::bigint                                               as estimate_krw,
       jsonb_build_object('emp_no', f.emp_no, 'first_ptn_no', f.ptn_no, 'window_start', f.cmpl_dtm::date,
                          'approvals_in_window', f.in_window, 'approvals_total', f.approvals,
                          'applicant_party_type', f.apln_type) as evidence,
       f.dept_cd, f.emp_no as officer_emp_no,
       true as fires, 0::bigint as collected_krw, null::jsonb as resolved_by
from first_win f
