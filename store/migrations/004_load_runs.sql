-- Live-load runs of `keytwin load`: what was sent where, how the service answered, and whether
-- the thresholds held. One row per run, one row per endpoint. bodies_sha256 is equal for two runs
-- that sent the same requests (same scenario and seed), so backends can be compared on it.
CREATE TABLE load_runs (
  load_id        uuid PRIMARY KEY,
  scenario       text NOT NULL,
  scenario_sha256 text NOT NULL,
  seed           text NOT NULL,
  target         text NOT NULL,
  speed          double precision NOT NULL CHECK (speed > 0),
  started_at     timestamptz NOT NULL,
  wall_ms        double precision NOT NULL,
  requests       integer NOT NULL,
  sent           integer NOT NULL,
  received       integer NOT NULL,
  errors         integer NOT NULL,
  p50_ms         double precision,
  p99_ms         double precision,
  bodies_sha256  text NOT NULL,
  by_status      jsonb NOT NULL,
  passed         boolean NOT NULL,
  CHECK (sent = received + errors)
);

CREATE TABLE load_run_endpoints (
  load_id  uuid NOT NULL REFERENCES load_runs (load_id) ON DELETE CASCADE,
  endpoint text NOT NULL,
  sent     integer NOT NULL,
  received integer NOT NULL,
  errors   integer NOT NULL,
  non_2xx  integer NOT NULL,
  p50_ms   double precision,
  p99_ms   double precision,
  PRIMARY KEY (load_id, endpoint)
);
