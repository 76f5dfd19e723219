-- Grants that need tables of migrations numbered after 0021_access.sql (a
-- fresh warehouse runs the files in order, so these tables do not exist yet
-- when 0021 runs) and that default privileges cannot express: column-level
-- privileges. Roles and everything else: 0021_access.sql. Idempotent.

-- An auditor changes alerts only through the lifecycle functions
-- (monitoring.wb_act, monitoring.mark_alert: 0060_workbench.sql), which run as
-- their owner and take the acting person from the session. So cb_auditor
-- may not update monitoring.alert nor write its trail directly (the revokes
-- also take back what earlier versions of this file granted).
revoke update on monitoring.alert from cb_auditor;
revoke update (status) on monitoring.alert from cb_auditor;
revoke insert on monitoring.alert_status_history from cb_auditor;
revoke usage on sequence monitoring.alert_status_history_history_id_seq from cb_auditor;
