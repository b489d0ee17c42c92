#!/usr/bin/env bash
# Startup time: exec → /ready 200, on an already migrated database against
# a fresh (empty) one, each the median of RUNS starts, measured in the same
# run on the same PostgreSQL. Prints a Markdown row for the README's
# performance table. Needs a PostgreSQL server: ADMIN_URL (default: the
# local one at 127.0.0.1:5432, user postgres, trust auth) and psql.
set -euo pipefail
cd "$(dirname "$0")/../.."
ADMIN_URL=${ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
export PGOPTIONS="-c client_min_messages=warning"
RUNS=${RUNS:-7}
PORT=${PORT:-18089}
bin=$(mktemp -d)/altinn-sim
go build -o "$bin" ./cmd/altinn-sim

db_url() { # swap the database name in ADMIN_URL
  python3 -c 'import sys,urllib.parse as u; p=u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/"+sys.argv[2])))' "$ADMIN_URL" "$1"
}
now_ms() { date +%s%3N; }

# start_once URL → prints milliseconds from exec to /ready 200
start_once() {
  local url=$1 t0 t1 pid
  t0=$(now_ms)
  ALTINN_SIM_DATABASE_URL=$url "$bin" serve --listen 127.0.0.1:$PORT --public-url http://127.0.0.1:$PORT --log-level error &
  pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$PORT/ready"; do
    if ! kill -0 $pid 2>/dev/null; then echo "altinn-sim exited" >&2; exit 1; fi
    sleep 0.01
  done
  t1=$(now_ms)
  kill -TERM $pid; wait $pid || true
  echo $((t1 - t0))
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

warm=altinn_sim_bench_startup_warm
psql -q "$ADMIN_URL" -c "DROP DATABASE IF EXISTS $warm" -c "CREATE DATABASE $warm"
"$bin" migrate --database-url "$(db_url $warm)" --log-level error

migrated=(); fresh=()
for i in $(seq 1 "$RUNS"); do
  migrated+=("$(start_once "$(db_url $warm)")")
  cold=altinn_sim_bench_startup_cold_$i
  psql -q "$ADMIN_URL" -c "DROP DATABASE IF EXISTS $cold" -c "CREATE DATABASE $cold"
  fresh+=("$(start_once "$(db_url $cold)")")
  psql -q "$ADMIN_URL" -c "DROP DATABASE $cold"
done
psql -q "$ADMIN_URL" -c "DROP DATABASE $warm"

m=$(printf '%s\n' "${migrated[@]}" | median)
f=$(printf '%s\n' "${fresh[@]}" | median)
ratio=$(awk -v m="$m" -v f="$f" 'BEGIN {printf "%.2f", m / f}')
echo "migrated: ${migrated[*]} ms; fresh: ${fresh[*]} ms"
echo "| startup, exec → /ready 200 (median of $RUNS) | migrated database: ${m} ms | fresh database: ${f} ms | ratio migrated/fresh: ${ratio} |"
