#!/usr/bin/env bash
# Installs (apt) and starts the servers the integration tests use, all on loopback:
# PostgreSQL, InfluxDB 1.6 (InfluxQL, /write), VictoriaMetrics (InfluxDB 2.x write API), NATS with
# JetStream (distributed runs) and Chromium for the browser tests. Idempotent: a second run only checks they are up.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
SVC_DIR=${SVC_DIR:-/tmp/keytwin-services}; mkdir -p "$SVC_DIR"

need=()
[ -x /usr/lib/postgresql/15/bin/postgres ] || ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
command -v influxd >/dev/null || need+=(influxdb)
command -v victoria-metrics >/dev/null || need+=(victoria-metrics)
command -v chromium >/dev/null || need+=(chromium)
command -v gcc >/dev/null || need+=(gcc)
# libsodium headers: the host build of firmware/bench (test/firmware/bench-contract.test.ts)
[ -f /usr/include/sodium.h ] || need+=(libsodium-dev)
# SPIN: the protocol model check (test/models/verify.test.ts, keytwin verify)
command -v spin >/dev/null || need+=(spin)
command -v wrk >/dev/null || need+=(wrk)
# NATS with JetStream: keytwin run --nats / keytwin worker (test/distributed)
[ -x /usr/sbin/nats-server ] || need+=(nats-server)
python3 -c 'import simpy' 2>/dev/null || [ -f /usr/lib/python3/dist-packages/SimPy/__init__.py ] || need+=(python3-simpy)
if [ ${#need[@]} -gt 0 ]; then
  echo "apt-get install ${need[*]}"
  $SUDO apt-get update -q >/dev/null
  $SUDO apt-get install -y -q "${need[@]}" >/dev/null
fi

# PostgreSQL: the machine's cluster, trust auth on 127.0.0.1; the `test` database.
PGV=$(ls /etc/postgresql 2>/dev/null | sort -n | tail -1 || true)
if [ -n "$PGV" ]; then
  pg_lsclusters -h | grep -q "^$PGV *main" || $SUDO pg_createcluster "$PGV" main >/dev/null
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$PGV" main start 2>/dev/null || true
fi
for i in $(seq 1 100); do pg_isready -q -h 127.0.0.1 && break; sleep 0.2; done
pg_isready -h 127.0.0.1
psql -h 127.0.0.1 -U postgres -qtAc "SELECT 1 FROM pg_database WHERE datname='test'" | grep -q 1 \
  || psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE test"

# InfluxDB 1.6: loopback only (its default binds :8088 on all interfaces).
cat > "$SVC_DIR/influxdb.conf" <<CONF
reporting-disabled = true
bind-address = "127.0.0.1:8088"
[meta]
  dir = "$SVC_DIR/influx/meta"
[data]
  dir = "$SVC_DIR/influx/data"
  wal-dir = "$SVC_DIR/influx/wal"
  query-log-enabled = false
[http]
  bind-address = "127.0.0.1:8086"
  log-enabled = false
[monitor]
  store-enabled = false
CONF
curl -sf 127.0.0.1:8086/ping >/dev/null || { nohup influxd -config "$SVC_DIR/influxdb.conf" >"$SVC_DIR/influxd.log" 2>&1 & echo $! >"$SVC_DIR/influxd.pid"; }
# VictoriaMetrics: simulated timestamps are historic, so retention must be long or points vanish.
curl -sf 127.0.0.1:8428/health >/dev/null || { nohup victoria-metrics -storageDataPath="$SVC_DIR/vm" -httpListenAddr=127.0.0.1:8428 -retentionPeriod=100y >"$SVC_DIR/vm.log" 2>&1 & echo $! >"$SVC_DIR/vm.pid"; }
for u in 127.0.0.1:8086/ping 127.0.0.1:8428/health; do
  for i in $(seq 1 100); do curl -sf "$u" >/dev/null && break; sleep 0.1; done
  curl -sf "$u" >/dev/null || { echo "service at $u did not start"; exit 1; }
done
# NATS: loopback only, JetStream on (-js). It greets every client with INFO, which is the check.
nats_up() { timeout 1 bash -c 'exec 3<>/dev/tcp/127.0.0.1/4222 && head -c 4 <&3' 2>/dev/null | grep -q INFO; }
if ! nats_up; then
  $SUDO mkdir -p /var/lib/nats-server
  $SUDO start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log
fi
for i in $(seq 1 100); do nats_up && break; sleep 0.1; done
nats_up || { echo "nats-server at 127.0.0.1:4222 did not start (see /var/log/nats-server.log)"; exit 1; }
echo "services up: postgres, influxdb 1.6 (8086), victoria-metrics (8428), nats+jetstream (4222), chromium $(chromium --version 2>/dev/null | awk '{print $2}')"
