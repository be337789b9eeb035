/**
 * The route table: every operation of the service, in the order the OpenAPI document lists them.
 * @module
 */
import type { Route } from '../http.ts';
import { healthRoute } from './health.ts';
import { provisionRoute } from './provision.ts';
import { telemetryRoute } from './telemetry.ts';

export const ROUTES: readonly Route[] = [
  healthRoute,
  provisionRoute,
  telemetryRoute,
];
