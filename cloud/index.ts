/**
 * cloud/: the reference cloud service of the system's design (provisioning, attestation,
 * telemetry, OTA, policy) on the store's Postgres/PGlite and InfluxDB, with the cloud
 * statecharts of models/ deciding device lifecycle and OTA rollout. See docs/cloud-api.md.
 * @module
 */
export { startCloudService, type CloudService, type CloudServiceOptions } from './service.ts';
export { mintToken, verifyToken, ROLES, DEFAULT_TOKEN_TTL_S, MAX_TOKEN_TTL_S, type Role, type Principal, type MintOptions } from './jwt.ts';
export { attestationMessage, verifyAttestation, ATTEST_LABEL, NONCE_BYTES } from './attestation.ts';
export { verifyManifest, otaSigner, OTA_SIGNATURE_ALG, type OtaSigner } from './ota-signing.ts';
export { DEFAULT_RATE_LIMITS, type RateLimits, type BucketLimit } from './rate-limit.ts';
export { openApiDocument } from './openapi.ts';
export { ROUTES } from './routes/index.ts';
export { TELEMETRY_MEASUREMENT, MAX_RECORDS } from './routes/telemetry.ts';
export { canonicalJson } from './canonical-json.ts';
export type { Route } from './http.ts';
export { loadCloudKeys, DEFAULT_KEYS_FILE, type CloudKeys } from './keys.ts';
