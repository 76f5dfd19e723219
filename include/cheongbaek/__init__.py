"""Cheongbaek: open data integration for public-sector integrity.

The package holds every piece of logic; the Airflow DAG files under ``dags/``
only wire its functions into tasks.
"""

__version__ = "0.1.0"
