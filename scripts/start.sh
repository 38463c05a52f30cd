#!/usr/bin/env bash
# Sets up and starts the platform: dependencies, local services, database, build, then the service on
# port 8000 (simulated mode by default; migrations run on start). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== installing dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi

# On a machine that runs PostgreSQL and Redis locally, start them if they are down.
if command -v pg_isready >/dev/null && ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    echo "== starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  fi
fi
if command -v redis-cli >/dev/null && ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  if command -v redis-server >/dev/null; then
    echo "== starting Redis"
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
  fi
fi

echo "== preparing the database"
npx ts-node --transpile-only scripts/db-create.ts

echo "== building"
npm run -s build

echo "== starting trading-bot (TRADING_MODE=${TRADING_MODE:-simulated}) on port ${PORT:-8000}"
exec node dist/src/main.js
