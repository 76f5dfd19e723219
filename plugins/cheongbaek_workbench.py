"""Airflow plugin: the alert workbench, served by the api-server under /workbench.

The app itself lives in ``cheongbaek.workbench.app`` (installed with the
project); this file only registers it, so the same Airflow that runs the
pipeline hosts the people who work its alerts. Airflow does not protect
plugin endpoints: the app checks the Airflow token on every request itself.
"""

from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin

from cheongbaek.workbench.app import app


class CheongbaekWorkbenchPlugin(AirflowPlugin):
    """Mounts the workbench and puts it in the UI's navigation."""

    name = "cheongbaek_workbench"
    fastapi_apps = [{"app": app, "url_prefix": "/workbench", "name": "Cheongbaek alert workbench"}]
    external_views = [{"name": "Alert workbench", "href": "/workbench/", "destination": "nav",
                       "url_route": "cheongbaek_workbench", "category": "browse"}]
