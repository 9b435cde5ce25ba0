import { DailyPartitionsDefinition } from './dagster';

/** The same daily partitions the dbt models use: 2023-01-01 up to (excluding) 2023-04-01, 90 days. */
export const dailyPartition = new DailyPartitionsDefinition({ startDate: '2023-01-01', endDate: '2023-04-01' });
