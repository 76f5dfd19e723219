"""Preventive-monitoring scenarios (the office's scenario book, /work/shared/scenarios.md).

The package turns the staging tables into ``scenario_input`` tables as of a
date D (``input/*.sql``), evaluates each scenario (``definitions/<ID>.yaml``
plus ``definitions/<ID>.sql``) over them and keeps ``monitoring.alert`` with
its lifecycle (``runner``); ``notify`` mails each recipient their new alerts.
Adding a scenario means adding its two files, nothing else.
"""
