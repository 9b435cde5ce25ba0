import { asset, defineAssetJob } from './dagster';
import { dailyPartition } from './partitions';

/**
 * A report built in TypeScript on top of the dbt model `location_metrics`.
 * The work runs in zoneReportPipes.ts, which reports back through Dagster Pipes.
 */
export const zoneReport = asset(
  {
    key: 'zone_report',
    deps: ['location_metrics'],
    partitionsDef: dailyPartition,
    group: 'reports',
    description: 'Trips and revenue per taxi zone and day.',
  },
  async (context) => {
    context.log.info(`building zone_report for ${context.partitionKey}`);
  },
);

export const zoneReportJob = defineAssetJob({
  name: 'zone_report_job',
  selection: ['zone_report'],
  partitionsDef: dailyPartition,
});
