from dagster import AssetKey, asset
from dagster_dbt import get_asset_key_for_model
from dagster_duckdb import DuckDBResource

from .dbt import dbt_analytics


@asset(deps=[AssetKey(["daily_metrics"])], group_name="metrics")
def manhattan_stats(database: DuckDBResource) -> None:
    """Trip counts and revenue per day for Manhattan pickups, from the dbt daily metrics."""
    query = """
        select date_of_business, trip_count, total_revenue
        from daily_metrics
        order by date_of_business
    """
    with database.get_connection() as conn:
        conn.execute(f"copy ({query}) to 'data/outputs/manhattan_stats.csv'")


@asset(deps=[get_asset_key_for_model([dbt_analytics], "location_metrics")], group_name="metrics")
def location_summary(database: DuckDBResource) -> None:
    """The ten busiest pickup zones overall."""
    query = """
        select zone_name, borough, trip_count
        from location_metrics
        order by trip_count desc
        limit 10
    """
    with database.get_connection() as conn:
        conn.execute(f"copy ({query}) to 'data/outputs/location_summary.csv'")
