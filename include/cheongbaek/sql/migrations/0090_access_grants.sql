-- Grants that need tables of migrations numbered after 0021_access.sql (a
-- fresh warehouse runs the files in order, so these tables do not exist yet
-- when 0021 runs) and that default privileges cannot express: column-level
-- privileges. Roles and everything else: 0021_access.sql. Idempotent.

-- An auditor marks alerts with monitoring.mark_alert() (0031_monitoring.sql),
-- which runs with the caller's rights: it locks and reads the alert, sets its
-- status, and appends to the status history. So cb_auditor may update the
-- status column only (not the evidence, amounts or recipients), and append
-- history rows; reading every monitoring table comes from 0021.
grant update (status) on monitoring.alert to cb_auditor;
grant insert on monitoring.alert_status_history to cb_auditor;
grant usage on sequence monitoring.alert_status_history_history_id_seq to cb_auditor;
