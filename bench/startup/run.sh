#!/usr/bin/env bash
# Startup time: exec → /ready 200, on an already migrated database, on a
# fresh (empty) one, and with no database URL on a fresh data folder (the
# embedded PostgreSQL, copied from its cluster template), each the median
# of RUNS starts, interleaved in the same run; then simtest servers
# (embedded against a new database on the server). Prints Markdown rows
# for the README's performance table with the load average. Needs a
# PostgreSQL server: ADMIN_URL (default: the local one at 127.0.0.1:5432,
# user postgres, trust auth) and psql.
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

# start_once URL|"" → prints milliseconds from exec to /ready 200; with no
# URL, on a new data folder (the embedded PostgreSQL)
start_once() {
  local url=$1 t0 t1 pid
  local data; data=$(mktemp -d)
  chmod 755 "$data" # as root the cluster runs as postgres
  t0=$(now_ms)
  ALTINN_SIM_DATABASE_URL=$url "$bin" serve --data-dir "$data/d" --listen 127.0.0.1:$PORT --public-url http://127.0.0.1:$PORT --log-level error &
  pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$PORT/ready"; do
    if ! kill -0 $pid 2>/dev/null; then echo "altinn-sim exited" >&2; exit 1; fi
    sleep 0.01
  done
  t1=$(now_ms)
  kill -TERM $pid; wait $pid || true
  rm -rf "$data"
  echo $((t1 - t0))
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

warm=altinn_sim_bench_startup_warm
psql -q "$ADMIN_URL" -c "DROP DATABASE IF EXISTS $warm" -c "CREATE DATABASE $warm"
"$bin" migrate --database-url "$(db_url $warm)" --log-level error

load0=$(cut -d' ' -f1-3 /proc/loadavg)
first=$(start_once "") # builds the cluster template when there is none
migrated=(); fresh=(); embedded=()
for i in $(seq 1 "$RUNS"); do
  embedded+=("$(start_once "")")
  migrated+=("$(start_once "$(db_url $warm)")")
  cold=altinn_sim_bench_startup_cold_$i
  psql -q "$ADMIN_URL" -c "DROP DATABASE IF EXISTS $cold" -c "CREATE DATABASE $cold"
  fresh+=("$(start_once "$(db_url $cold)")")
  psql -q "$ADMIN_URL" -c "DROP DATABASE $cold"
done
psql -q "$ADMIN_URL" -c "DROP DATABASE $warm"

m=$(printf '%s\n' "${migrated[@]}" | median)
f=$(printf '%s\n' "${fresh[@]}" | median)
e=$(printf '%s\n' "${embedded[@]}" | median)
ratio=$(awk -v m="$m" -v f="$f" 'BEGIN {printf "%.2f", m / f}')
eratio=$(awk -v m="$m" -v e="$e" 'BEGIN {printf "%.2f", e / m}')
echo "migrated: ${migrated[*]} ms; fresh: ${fresh[*]} ms; embedded (template): ${embedded[*]} ms; first embedded start of this run: ${first} ms"
echo "| startup, exec → /ready 200 (median of $RUNS) | migrated database: ${m} ms | fresh database: ${f} ms | ratio migrated/fresh: ${ratio} |"
echo "| fresh embedded start, exec → /ready 200 (median of $RUNS) | ${e} ms (goal ≤ 300) | migrated database: ${m} ms | ratio ${eratio} |"

# simtest servers: embedded (template) against a new database on ADMIN_URL
sim=$(env -u ALTINN_SIM_TEST_DATABASE_URL ADMIN_URL="$ADMIN_URL" go test -run '^$' -bench SimtestStart -benchtime "${RUNS}x" ./bench/startup/ | awk '/^BenchmarkSimtestStart/ {for (i = 1; i < NF; i++) {if ($(i+1) == "embedded-ms") e = $i; if ($(i+1) == "server-ms") s = $i}} END {print e, s}')
read -r se ss <<<"$sim"
echo "| simtest server ready (median of $RUNS) | embedded: ${se} ms (goal ≤ 300) | new database on a server: ${ss} ms | ratio $(awk -v a="$se" -v b="$ss" 'BEGIN {printf "%.2f", a / b}') |"
echo "load average before: $load0; after: $(cut -d' ' -f1-3 /proc/loadavg)"
