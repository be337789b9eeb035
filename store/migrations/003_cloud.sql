-- The reference cloud service (cloud/): each device's lifecycle record as the cloud statechart
-- (models/cloud) left it, single-use attestation challenges, signed OTA manifests with their
-- rollout, the server's manifest-signing public keys, and the audit log of sensitive actions.
-- A suspended device keeps its row; the registry's status follows the statechart.
ALTER TABLE devices DROP CONSTRAINT IF EXISTS devices_status_check;
ALTER TABLE devices ADD CONSTRAINT devices_status_check CHECK (status IN ('active', 'suspended', 'revoked'));

CREATE TABLE cloud_devices (
  device_id      uuid PRIMARY KEY REFERENCES devices (device_id),
  -- The statechart's top-level state ('active', 'suspended', 'revoked') and its persisted snapshot.
  state          text NOT NULL,
  snapshot       jsonb NOT NULL,
  kem_public_key bytea,
  updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE attest_challenges (
  challenge_id uuid PRIMARY KEY,
  device_id    uuid NOT NULL REFERENCES devices (device_id),
  nonce        bytea NOT NULL CHECK (length(nonce) = 32),
  issued_at    timestamptz NOT NULL,
  expires_at   timestamptz NOT NULL,
  -- Set when the challenge is answered (whatever the outcome) or superseded: single use.
  used_at      timestamptz,
  outcome      text CHECK (outcome IN ('valid', 'forged', 'replayed', 'expired', 'superseded'))
);
CREATE INDEX attest_challenges_open ON attest_challenges (device_id) WHERE used_at IS NULL;

CREATE TABLE ota_signing_keys (
  key_id     text PRIMARY KEY,
  algorithm  text NOT NULL,
  public_key bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- A firmware release: the signed manifest (canonical JSON bytes as signed) and its rollout,
-- whose state is the cloud.rollout statechart's.
CREATE TABLE ota_releases (
  release_id       uuid PRIMARY KEY,
  model            text NOT NULL,
  version          text NOT NULL,
  version_code     integer NOT NULL CHECK (version_code > 0),
  security_version integer NOT NULL CHECK (security_version >= 0),
  manifest         text NOT NULL,
  signature        bytea NOT NULL,
  key_id           text NOT NULL REFERENCES ota_signing_keys (key_id),
  rollout_state    text NOT NULL,
  rollout_snapshot jsonb NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (model, version_code)
);
CREATE INDEX ota_releases_model ON ota_releases (model, version_code DESC);

CREATE TABLE audit_log (
  audit_id   bigserial PRIMARY KEY,
  at         timestamptz NOT NULL DEFAULT now(),
  request_id text NOT NULL,
  actor      text NOT NULL,
  role       text NOT NULL,
  action     text NOT NULL,
  outcome    text NOT NULL CHECK (outcome IN ('ok', 'denied', 'rejected')),
  device_id  uuid,
  detail     jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_device ON audit_log (device_id, at);
