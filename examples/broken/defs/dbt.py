from pathlib import Path
from typing import Any, Mapping

from dagster import AssetExecutionContext, AssetKey
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

warehouse_project = DbtProject(project_dir=Path(__file__).joinpath("..", "..", "warehouse").resolve())


class MetaPathTranslator(DagsterDbtTranslator):
    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        parts = []
        for segment in dbt_resource_props["meta"].get("path", []):
            parts.append(segment.upper())
        return AssetKey(parts or [dbt_resource_props["name"]])


@dbt_assets(manifest=warehouse_project.manifest_path, dagster_dbt_translator=MetaPathTranslator())
def warehouse_dbt_assets(context: AssetExecutionContext, dbt: DbtCliResource):
    yield from dbt.cli(["build"], context=context).stream()
