-- The system's registry, as the design gives it (DESIGN.md, Storage): users, their keychains
-- and the keychains' policies. Only public keys and certificates are stored: private keys
-- never leave the secure element.
CREATE TABLE users (
  user_id    uuid PRIMARY KEY,
  name       text NOT NULL,
  phone      text UNIQUE,
  email      text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE devices (
  device_id         uuid PRIMARY KEY,
  user_id           uuid NOT NULL REFERENCES users (user_id),
  device_type       text NOT NULL,
  device_model      text NOT NULL,
  public_pq_key     bytea NOT NULL,
  se_certificate    bytea,
  provisioning_date timestamptz NOT NULL DEFAULT now(),
  status            text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
  last_seen         timestamptz
);
CREATE INDEX devices_user ON devices (user_id);

-- A policy change closes the current row (effective_to) and inserts the next version, so the
-- table is the policy history; at most one open row per device.
CREATE TABLE policies (
  policy_id      uuid PRIMARY KEY,
  device_id      uuid NOT NULL REFERENCES devices (device_id),
  policy_json    jsonb NOT NULL,
  effective_from timestamptz NOT NULL,
  effective_to   timestamptz,
  CHECK (effective_to IS NULL OR effective_to >= effective_from)
);
CREATE UNIQUE INDEX policies_current ON policies (device_id) WHERE effective_to IS NULL;
CREATE INDEX policies_device ON policies (device_id, effective_from);
