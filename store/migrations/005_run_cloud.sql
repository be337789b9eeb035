-- The cloud capacity model's result of a run (per-station summary, daily and hourly rows), when
-- the scenario modelled the cloud. One JSON document: it is read whole by reports and dashboards.
CREATE TABLE run_cloud (
  run_id text PRIMARY KEY REFERENCES runs (run_id) ON DELETE CASCADE,
  cloud  jsonb NOT NULL
);
