import { openDagsterPipes } from './dagster';

/** The external process behind `zone_report`: computes the report and tells Dagster about it. */
const context = openDagsterPipes();
const zones = ['Midtown Center', 'JFK Airport', 'Upper East Side South'];
context.reportAssetMaterialization({ zone_count: zones.length, partition: context.partitionKey ?? 'all' }, undefined, 'zone_report');
context.reportAssetCheck('zone_report_not_empty', zones.length > 0, undefined, undefined, 'zone_report');
