#!/usr/bin/env bash
# POST /token over HTTP against a peer measured in the same run:
# oauth2-mock-server 9.3.0 (npm; client_credentials, checks nothing, signs
# RS256), both driven by wrk with the same connections and threads, in
# ROUNDS interleaved rounds; prints each round and the medians of
# tokens/s and p99, the ratio altinn-sim ÷ peer, and the load average.
# altinn-sim gets pre-made grants (one per request: a grant works once),
# made by bench/load --grants just before each round (they live 120 s).
# Needs wrk (apt-get install wrk), node and npm, and a PostgreSQL at
# ADMIN_URL (default the local one on 5432). SIGNING_ALG=ES256 signs our
# tokens with ES256 (the peer stays RS256).
set -euo pipefail
cd "$(dirname "$0")/../.."
ADMIN_URL=${ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
DURATION=${DURATION:-5s}
CONNS=${CONNS:-32}
THREADS=${THREADS:-2}
ROUNDS=${ROUNDS:-3}
GRANTS=${GRANTS:-12000}
PORT=${PORT:-18091}
PEER_PORT=${PEER_PORT:-18092}
SIGNING_ALG=${SIGNING_ALG:-RS256}
export PGOPTIONS="-c client_min_messages=warning"
for tool in wrk node npm psql; do
  command -v $tool >/dev/null || { echo "peer.sh needs $tool" >&2; exit 2; }
done
here=bench/tokens
work=$(mktemp -d)
peerdir=${XDG_CACHE_HOME:-$HOME/.cache}/altinn-sim-bench/oauth2-mock-server-9.3.0
if [ ! -f "$peerdir/node_modules/oauth2-mock-server/package.json" ]; then
  mkdir -p "$peerdir"
  (cd "$peerdir" && npm init -y >/dev/null && npm install --no-audit --no-fund oauth2-mock-server@9.3.0 >/dev/null)
fi
cat >"$peerdir/serve.mjs" <<'JS'
import { OAuth2Server } from 'oauth2-mock-server';
const server = new OAuth2Server();
await server.issuer.keys.generate('RS256');
await server.start(Number(process.argv[2]), '127.0.0.1');
JS

dbname=altinn_sim_bench_peer
dburl=$(python3 -c 'import sys,urllib.parse as u; p=u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/"+sys.argv[2])))' "$ADMIN_URL" "$dbname")
go build -o "$work/altinn-sim" ./cmd/altinn-sim
go build -o "$work/load" ./bench/load
psql -q "$ADMIN_URL" -c "DROP DATABASE IF EXISTS $dbname WITH (FORCE)" -c "CREATE DATABASE $dbname"
# Its log goes to a file: wrk ends by closing connections mid-request.
ALTINN_SIM_DATABASE_URL=$dburl ALTINN_SIM_SIGNING_ALG=$SIGNING_ALG "$work/altinn-sim" serve --listen 127.0.0.1:$PORT --public-url http://127.0.0.1:$PORT --log-level error 2>"$work/altinn-sim.log" &
sim=$!
node "$peerdir/serve.mjs" $PEER_PORT >/dev/null &
peer=$!
trap 'kill -TERM $sim $peer 2>/dev/null; wait $sim $peer 2>/dev/null; psql -q "$ADMIN_URL" -c "DROP DATABASE IF EXISTS $dbname WITH (FORCE)"; rm -rf "$work"' EXIT
until curl -sf -o /dev/null "http://127.0.0.1:$PORT/ready"; do sleep 0.05; done
until curl -sf -o /dev/null "http://127.0.0.1:$PEER_PORT/.well-known/openid-configuration"; do sleep 0.05; done

# wrk_run LABEL URL SCRIPT [ARGS...] → "tokens/s p99-ms non2xx"
wrk_run() {
  local out
  out=$(wrk -t "$THREADS" -c "$CONNS" -d "$DURATION" --latency -s "$3" "$2" -- "${@:4}")
  echo "$out" >"$work/$1.txt"
  local rps p99 bad
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {v = $2; if (v ~ /us$/) {sub(/us$/, "", v); v /= 1000} else if (v ~ /ms$/) {sub(/ms$/, "", v)} else if (v ~ /s$/) {sub(/s$/, "", v); v *= 1000}; print v}' <<<"$out")
  bad=$(awk '/Non-2xx or 3xx responses:/ {print $5} /Socket errors/ {e = 1} END {if (!bad) print 0}' <<<"$out" | head -1)
  echo "$rps ${p99:-0} ${bad:-0}"
}

load0=$(cut -d' ' -f1-3 /proc/loadavg)
ours=(); theirs=(); ours99=(); theirs99=()
warm=1
for r in $(seq 0 "$ROUNDS"); do
  "$work/load" --url "http://127.0.0.1:$PORT" --grants "$GRANTS" --grants-out "$work/grants.txt"
  read -r a a99 abad <<<"$(wrk_run ours$r "http://127.0.0.1:$PORT" "$here/grants.lua" "$work/grants.txt" "$THREADS")"
  read -r p p99 pbad <<<"$(wrk_run peer$r "http://127.0.0.1:$PEER_PORT" "$here/peer.lua")"
  if [ "$abad" != 0 ] || [ "$pbad" != 0 ]; then
    echo "round $r: $abad of ours and $pbad of the peer's answers were not 2xx (GRANTS too small for this machine?): invalid" >&2
    exit 1
  fi
  if [ "$r" = 0 ]; then echo "warm-up: altinn-sim $a/s p99 ${a99} ms; peer $p/s p99 ${p99} ms"; continue; fi
  echo "round $r: altinn-sim $a/s p99 ${a99} ms; peer $p/s p99 ${p99} ms"
  ours+=("$a"); theirs+=("$p"); ours99+=("$a99"); theirs99+=("$p99")
done
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
mo=$(printf '%s\n' "${ours[@]}" | median); mp=$(printf '%s\n' "${theirs[@]}" | median)
mo99=$(printf '%s\n' "${ours99[@]}" | median); mp99=$(printf '%s\n' "${theirs99[@]}" | median)
echo "| POST /token over HTTP, wrk $THREADS threads / $CONNS connections, $SIGNING_ALG, median of $ROUNDS interleaved rounds of $DURATION | ${mo} tokens/s, p99 ${mo99} ms | oauth2-mock-server 9.3.0 client_credentials: ${mp} tokens/s, p99 ${mp99} ms | ratio $(awk -v a="$mo" -v b="$mp" 'BEGIN {printf "%.2f", a / b}') |"
echo "load average before: $load0; after: $(cut -d' ' -f1-3 /proc/loadavg)"
