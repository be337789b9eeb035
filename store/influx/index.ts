/**
 * store/influx: time series to InfluxDB-protocol servers (1.x /write, 2.x API), with
 * acknowledged counts and spill files.
 * @module
 */
import type { InfluxConfig } from './config.ts';
import type { InfluxSink } from './sink.ts';
import { openV1Sink } from './sink-v1.ts';
import { openV2Sink } from './sink-v2.ts';

export { influxConfig, describeTarget, type InfluxConfig, type InfluxEnv } from './config.ts';
export { runPoints, PRECISION, type PointCounts } from './points.ts';
export { formatLine, type FieldValue } from './line-protocol.ts';
export { readSpill, type SpillContents } from './spill.ts';
export type { InfluxSink, InfluxWriteReport } from './sink.ts';

/** A sink for the configured API: 1.x `/write` when `db` is set, else the 2.x client. */
export function openInflux(config: InfluxConfig): InfluxSink {
  return config.api === 'v1' ? openV1Sink(config) : openV2Sink(config);
}
