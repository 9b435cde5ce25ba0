from dagster import DailyPartitionsDefinition, MonthlyPartitionsDefinition, StaticPartitionsDefinition

monthly_partition = MonthlyPartitionsDefinition(start_date="2023-01-01", end_date="2023-04-01")

# no end date: daily partitions keep coming after the monthly data stops
open_daily_partition = DailyPartitionsDefinition(start_date="2023-01-01")

color_partition = StaticPartitionsDefinition(["red", "green", "blue"])
