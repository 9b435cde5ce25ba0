import os

from dagster_dbt import DbtCliResource
from dagster_duckdb import DuckDBResource

from .assets.dbt import dbt_project

database_resource = DuckDBResource(database=os.getenv("DUCKDB_DATABASE", "data/staging/data.duckdb"))

dbt_resource = DbtCliResource(project_dir=dbt_project)
