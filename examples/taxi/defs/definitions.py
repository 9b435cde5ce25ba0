from dagster import Definitions, load_assets_from_modules

from .assets import dbt, metrics, trips
from .jobs import metrics_job, trip_update_job
from .resources import database_resource, dbt_resource
from .schedules import trip_update_schedule

trip_assets = load_assets_from_modules([trips])
metric_assets = load_assets_from_modules([metrics])

defs = Definitions(
    assets=[*trip_assets, dbt.dbt_analytics, *metric_assets],
    resources={
        "database": database_resource,
        "dbt": dbt_resource,
    },
    jobs=[trip_update_job, metrics_job],
    schedules=[trip_update_schedule],
)
