-- CIV-01: a disclosed petition handled late. The due date is recomputed:
-- legal_days business days strictly after the receipt day, once more per
-- EXTN step (the legacy due_dt is not trusted).
select p.ptn_no                                                as subject,
       0::bigint                                               as estimate_krw,
       jsonb_build_object('ptn_no', p.ptn_no, 'proc_cd', p.proc_cd, 'rcpt_dt', p.rcpt_dtm::date,
                          'legal_days', c.legal_days, 'extensions', p.extn_count, 'due_dt', due.d,
                          'stat_cd', p.stat_cd, 'cmpl_dt', p.cmpl_dtm::date,
                          'days_late', coalesce(p.cmpl_dtm::date, scenario_input.as_of()) - due.d) as evidence,
       p.dept_cd, p.chrg_emp_no as officer_emp_no,
       true as fires, 0::bigint as collected_krw, null::jsonb as resolved_by
from scenario_input.petition p
join scenario_input.proc_code c on c.proc_cd = p.proc_cd
join scenario_input.calendar r on r.d = p.rcpt_dtm::date
join scenario_input.calendar due
  on due.is_business and due.bd_seq = r.bd_seq + c.legal_days * (1 + p.extn_count)
where c.open_yn = 'Y' and c.legal_days is not null and p.stat_cd <> 'WDR'
  and ((p.stat_cd = 'END' and p.cmpl_dtm::date > due.d)
       or (p.stat_cd <> 'END' and scenario_input.as_of() > due.d))
