#!/usr/bin/env bash
# The PDP at scale with the server in its own process: builds altinn-sim,
# starts it on a fresh database of the PostgreSQL at ADMIN_URL (default the
# local one on 5432), and runs bench/pdp/scale against it: USERS (default
# 100000) standard system users, each of its own organisation, written to
# the database; every one decided once; then /authorize with CONNS (32)
# connections over working sets of 100, 10,000 and all of them, in ROUNDS
# (3) interleaved rounds of PHASE (3s) after a warm-up round. It prints the
# median decisions/s of each working set, their ratio (flat is 1.0), p99,
# the server's VmRSS and VmHWM at the end (its own process: no load
# generator, no request bodies in it) and the load average.
# bench/pdp/opa.sh runs this with OPA as the peer (OPA_URL, OPA_PID).
# The rounds are driven by wrk (2 threads) when it is installed (apt-get
# install wrk), else by Go's HTTP client in bench/pdp/scale, which costs
# more CPU per request on the same 2 cores and so pulls ratios towards 1;
# GENERATOR=go picks the Go client anyway.
#   USERS=10000 PHASE=2s bench/pdp/scale.sh     # a quick check
set -euo pipefail
cd "$(dirname "$0")/../.."
ADMIN_URL=${ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
USERS=${USERS:-100000}
PHASE=${PHASE:-3s}
ROUNDS=${ROUNDS:-3}
CONNS=${CONNS:-32}
GENERATOR=${GENERATOR:-wrk}
PORT=${PORT:-18093}
export PGOPTIONS="-c client_min_messages=warning"
command -v psql >/dev/null || { echo "scale.sh needs psql" >&2; exit 2; }
dbname=altinn_sim_bench_pdpscale
dburl=$(python3 -c 'import sys,urllib.parse as u; p=u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/"+sys.argv[2])))' "$ADMIN_URL" "$dbname")
wrk=()
if [ "$GENERATOR" = wrk ]; then
  if command -v wrk >/dev/null; then
    wrk=(--wrk "$(command -v wrk)")
  else
    echo "scale.sh: wrk is not installed (apt-get install wrk): the rounds use Go's HTTP client" >&2
  fi
fi
work=$(mktemp -d)
go build -o "$work/altinn-sim" ./cmd/altinn-sim
go build -o "$work/scale" ./bench/pdp/scale
psql -q "$ADMIN_URL" -c "DROP DATABASE IF EXISTS $dbname WITH (FORCE)" -c "CREATE DATABASE $dbname"
# The token of the run must outlive it: an hour. The log goes to a file.
ALTINN_SIM_DATABASE_URL=$dburl "$work/altinn-sim" serve --listen 127.0.0.1:$PORT --public-url http://127.0.0.1:$PORT \
  --token-lifetime 1h --log-level error 2>"$work/altinn-sim.log" &
pid=$!
cleanup() {
  kill -TERM $pid 2>/dev/null || true
  wait $pid 2>/dev/null || true
  psql -q "$ADMIN_URL" -c "DROP DATABASE IF EXISTS $dbname WITH (FORCE)"
  rm -rf "$work"
}
trap cleanup EXIT
until curl -sf -o /dev/null "http://127.0.0.1:$PORT/ready"; do
  kill -0 $pid 2>/dev/null || { echo "altinn-sim did not start:" >&2; cat "$work/altinn-sim.log" >&2; exit 1; }
  sleep 0.05
done
"$work/scale" --url "http://127.0.0.1:$PORT" --database-url "$dburl" --pid $pid --users "$USERS" --phase "$PHASE" \
  --rounds "$ROUNDS" --conns "$CONNS" "${wrk[@]}" ${OPA_URL:+--opa-url "$OPA_URL" --opa-pid "${OPA_PID:-0}"}
