from dagster import AssetSelection, define_asset_job

from .partitions import monthly_partition

trip_update_job = define_asset_job(
    name="trip_update_job",
    partitions_def=monthly_partition,
    selection=AssetSelection.assets("taxi_trips"),
)

metrics_job = define_asset_job(
    name="metrics_job",
    selection=AssetSelection.assets("manhattan_stats", "location_summary"),
)
