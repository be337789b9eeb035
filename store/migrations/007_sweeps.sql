-- Sweeps and replicated runs: one row per `keytwin sweep` or `keytwin run --replications`, with
-- what was asked (spec) and what was concluded (analysis: intervals, paired differences, Morris
-- effects) as printed; sweep_runs links each stored run to its point and replication.
CREATE TABLE sweeps (
  sweep_id   text PRIMARY KEY,
  scenario   text NOT NULL,
  kind       text NOT NULL CHECK (kind IN ('replications', 'grid', 'sensitivity')),
  created_at timestamptz NOT NULL DEFAULT now(),
  spec       jsonb NOT NULL,
  analysis   jsonb NOT NULL
);
CREATE TABLE sweep_runs (
  sweep_id    text NOT NULL REFERENCES sweeps (sweep_id) ON DELETE CASCADE,
  run_id      text NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
  point       text NOT NULL,
  replication integer NOT NULL CHECK (replication >= 1),
  seed        text NOT NULL,
  PRIMARY KEY (sweep_id, run_id)
);
CREATE INDEX sweep_runs_run ON sweep_runs (run_id);
