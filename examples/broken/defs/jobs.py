from dagster import AssetSelection, define_asset_job

orders_job = define_asset_job(
    name="orders_job",
    selection=AssetSelection.assets("raw_orders", "daily_orders"),
)
