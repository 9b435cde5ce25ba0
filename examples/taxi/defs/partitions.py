from dagster import DailyPartitionsDefinition, MonthlyPartitionsDefinition

start_date = "2023-01-01"
end_date = "2023-04-01"

monthly_partition = MonthlyPartitionsDefinition(start_date=start_date, end_date=end_date)

daily_partition = DailyPartitionsDefinition(start_date=start_date, end_date=end_date)
