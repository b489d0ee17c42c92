#!/usr/bin/env bash
# Load from a second process: builds altinn-sim, starts it on a fresh
# database of the PostgreSQL at ADMIN_URL, and drives /token and the PDP
# with bench/load for DURATION per phase with CONNS connections. Exits
# non-zero on any error or 5xx.
set -euo pipefail
cd "$(dirname "$0")/../.."
ADMIN_URL=${ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
DURATION=${DURATION:-5s}
CONNS=${CONNS:-32}
PORT=${PORT:-18090}
export PGOPTIONS="-c client_min_messages=warning"
dbname=altinn_sim_bench_load
dburl=$(python3 -c 'import sys,urllib.parse as u; p=u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/"+sys.argv[2])))' "$ADMIN_URL" "$dbname")
bin=$(mktemp -d)/altinn-sim
go build -o "$bin" ./cmd/altinn-sim
go build -o "$bin-load" ./bench/load
psql -q "$ADMIN_URL" -c "DROP DATABASE IF EXISTS $dbname WITH (FORCE)" -c "CREATE DATABASE $dbname"
ALTINN_SIM_DATABASE_URL=$dburl "$bin" serve --listen 127.0.0.1:$PORT --public-url http://127.0.0.1:$PORT --log-level error &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; psql -q "$ADMIN_URL" -c "DROP DATABASE IF EXISTS $dbname WITH (FORCE)"' EXIT
until curl -sf -o /dev/null "http://127.0.0.1:$PORT/ready"; do sleep 0.05; done
"$bin-load" --url "http://127.0.0.1:$PORT" --database-url "$dburl" --duration "$DURATION" --conns "$CONNS"
