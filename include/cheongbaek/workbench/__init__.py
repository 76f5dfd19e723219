"""The alert workbench (issue 14): officials act on alerts, managers confirm, the audit office oversees.

``store`` holds the warehouse queries, ``app`` the FastAPI app the Airflow
api-server mounts through ``plugins/cheongbaek_workbench.py``, ``cli`` the
``cheongbaek workbench`` command that maps logins to people.
"""
