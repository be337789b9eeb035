#!/usr/bin/env bash
# Every test, none skipped: starts what the integration tests need (.ci/services.sh: PostgreSQL,
# InfluxDB 1.6, VictoriaMetrics, Chromium; installed from Debian on first use, idempotent after),
# then runs `npm test` with KEYTWIN_REQUIRE_SERVICES=1 so a missing server fails instead of
# skipping. `npm run test:all` (the README's second command) and .ci/run both call this.
set -euo pipefail
cd "$(dirname "$0")/.."
.ci/services.sh
export KEYTWIN_REQUIRE_SERVICES=1
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
export INFLUX1_URL="${INFLUX1_URL:-http://127.0.0.1:8086}"
export VM_URL="${VM_URL:-http://127.0.0.1:8428}"
npm test -- "$@"
