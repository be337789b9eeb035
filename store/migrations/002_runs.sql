-- The workbench's results: one row per simulation run, its summary, per-device results and
-- the aggregated series. Every child row cascades with its run, so deleting a run is one DELETE.
CREATE TABLE runs (
  run_id            text PRIMARY KEY,
  scenario          text NOT NULL,
  scenario_path     text,
  scenario_sha256   text NOT NULL,
  seed              bigint NOT NULL,
  devices           integer NOT NULL,
  duration_days     double precision NOT NULL,
  profile           text NOT NULL,
  code_version      text NOT NULL,
  parameters        jsonb NOT NULL,
  manifest          jsonb NOT NULL,
  sim_start         timestamptz NOT NULL,
  started_at        timestamptz NOT NULL,
  wall_ms           double precision NOT NULL,
  events_per_second double precision NOT NULL,
  saved_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX runs_scenario ON runs (scenario, started_at);

-- summary_text keeps the exact bytes (the summary is byte-identical per scenario, seed and
-- code); summary (jsonb) is the queryable form.
CREATE TABLE run_summaries (
  run_id       text PRIMARY KEY REFERENCES runs (run_id) ON DELETE CASCADE,
  summary      jsonb NOT NULL,
  summary_text text NOT NULL
);

-- NULL where the simulator has NaN (depleted_day of a device alive at the end).
CREATE TABLE device_results (
  run_id        text NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
  device        integer NOT NULL,
  suite         text NOT NULL,
  capacity_mah  double precision,
  depleted_day  double precision,
  life_days     double precision,
  final_soc     double precision,
  unlocks       bigint NOT NULL,
  handshakes    bigint NOT NULL,
  failures      bigint NOT NULL,
  energy_mj     double precision,
  PRIMARY KEY (run_id, device)
);

CREATE TABLE run_daily (
  run_id             text NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
  seq                integer NOT NULL,
  day                double precision NOT NULL,
  soc_p5             double precision,
  soc_p50            double precision,
  soc_p95            double precision,
  alive              bigint NOT NULL,
  unlocks            bigint NOT NULL,
  handshakes         bigint NOT NULL,
  failures           jsonb NOT NULL,
  energy_mj_by_state jsonb NOT NULL,
  PRIMARY KEY (run_id, seq)
);

CREATE TABLE run_soc_samples (
  run_id   text NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
  seq      integer NOT NULL,
  device   integer NOT NULL,
  day      double precision NOT NULL,
  soc      double precision,
  brownout boolean NOT NULL,
  PRIMARY KEY (run_id, seq)
);

CREATE TABLE run_telemetry (
  run_id      text NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
  seq         integer NOT NULL,
  device      integer NOT NULL,
  time_ms     double precision NOT NULL,
  event_type  text NOT NULL,
  success     boolean NOT NULL,
  latency_ms  double precision,
  rssi        double precision,
  session_kdf text NOT NULL,
  suite       text NOT NULL,
  reason      text NOT NULL,
  soc         double precision,
  PRIMARY KEY (run_id, seq)
);
