/**
 * The route table: every operation of the service, in the order the OpenAPI document lists them.
 * @module
 */
import type { Route } from '../http.ts';
import { challengeRoute, verifyRoute } from './auth.ts';
import { deviceCommandRoutes, getDeviceRoute } from './devices.ts';
import { healthRoute } from './health.ts';
import { latestRoute, otaKeysRoute, publishReleaseRoute, rolloutRoute } from './ota.ts';
import { ackPolicyRoute, getPolicyRoute, pushPolicyRoute } from './policy.ts';
import { provisionRoute } from './provision.ts';
import { telemetryRoute } from './telemetry.ts';

export const ROUTES: readonly Route[] = [
  healthRoute,
  provisionRoute,
  challengeRoute,
  verifyRoute,
  telemetryRoute,
  latestRoute,
  otaKeysRoute,
  publishReleaseRoute,
  rolloutRoute,
  pushPolicyRoute,
  getPolicyRoute,
  ackPolicyRoute,
  getDeviceRoute,
  ...deviceCommandRoutes,
];
