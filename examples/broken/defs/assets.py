from dagster import AssetExecutionContext, asset

from .partitions import color_partition, monthly_partition, open_daily_partition


@asset(partitions_def=monthly_partition, group_name="orders")
def raw_orders(context: AssetExecutionContext) -> None:
    """Monthly order exports."""


@asset(partitions_def=open_daily_partition, deps=["raw_orders"], group_name="orders")
def daily_orders(context: AssetExecutionContext) -> None:
    """Daily roll-up of orders."""


@asset(partitions_def=color_partition, deps=["raw_orders"])
def color_report(context: AssetExecutionContext) -> None:
    """One report per colour."""


@asset(deps=["daily_order"])
def order_summary() -> None:
    """Summary over all days."""


@asset(name="raw_orders")
def raw_orders_backfill() -> None:
    """A second definition of raw_orders."""
