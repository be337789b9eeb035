-- How each day's owner intents ended (results schema 2: RunSummary.unlocks.outcomes per day).
-- Rows of runs stored before it hold '{}': their intents were not accounted for.
ALTER TABLE run_daily ADD COLUMN IF NOT EXISTS outcomes jsonb NOT NULL DEFAULT '{}'::jsonb;
