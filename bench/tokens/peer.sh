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
# tokens with ES256 (the peer stays RS256). SIGNERS lists the RSA signers
# (ALTINN_SIM_RSA_SIGNER) to run, one altinn-sim each on its own database,
# default "auto"; SIGNERS="openssl go" measures OpenSSL's signer against
# Go's crypto/rsa in the same rounds. Each round runs the contenders in a
# rotated order, so none always goes first after the grants are made.
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
read -r -a signers <<<"${SIGNERS:-auto}"
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

dbbase=altinn_sim_bench_peer
dburl() { python3 -c 'import sys,urllib.parse as u; p=u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/"+sys.argv[2])))' "$ADMIN_URL" "$1"; }
go build -o "$work/altinn-sim" ./cmd/altinn-sim
go build -o "$work/load" ./bench/load
pids=()
cleanup() {
  kill -TERM "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
  for i in "${!signers[@]}"; do psql -q "$ADMIN_URL" -c "DROP DATABASE IF EXISTS ${dbbase}_$i WITH (FORCE)"; done
  rm -rf "$work"
}
trap cleanup EXIT
# One altinn-sim per signer (port PORT + 10 × its place in SIGNERS). Its
# log goes to a file: wrk ends by closing connections mid-request.
simport=()
for i in "${!signers[@]}"; do
  psql -q "$ADMIN_URL" -c "DROP DATABASE IF EXISTS ${dbbase}_$i WITH (FORCE)" -c "CREATE DATABASE ${dbbase}_$i"
  simport[i]=$((PORT + 10 * i))
  ALTINN_SIM_DATABASE_URL=$(dburl "${dbbase}_$i") ALTINN_SIM_SIGNING_ALG=$SIGNING_ALG ALTINN_SIM_RSA_SIGNER=${signers[i]} \
    "$work/altinn-sim" serve --listen 127.0.0.1:${simport[i]} --public-url http://127.0.0.1:${simport[i]} --log-level error 2>"$work/altinn-sim-$i.log" &
  pids+=($!)
done
node "$peerdir/serve.mjs" $PEER_PORT >/dev/null &
pids+=($!)
for i in "${!signers[@]}"; do
  until curl -sf -o /dev/null "http://127.0.0.1:${simport[i]}/ready"; do
    kill -0 "${pids[i]}" 2>/dev/null || { echo "altinn-sim with RSA signer ${signers[i]} did not start:" >&2; cat "$work/altinn-sim-$i.log" >&2; exit 1; }
    sleep 0.05
  done
done
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

# contender K (0 … n-1: the signers, n: the peer) runs once: "tokens/s p99 non2xx".
contender() {
  local k=$1 r=$2
  if [ "$k" -lt "${#signers[@]}" ]; then
    "$work/load" --url "http://127.0.0.1:${simport[k]}" --grants "$GRANTS" --grants-out "$work/grants.txt" >&2
    wrk_run "sim$k-$r" "http://127.0.0.1:${simport[k]}" "$here/grants.lua" "$work/grants.txt" "$THREADS"
  else
    wrk_run "peer$r" "http://127.0.0.1:$PEER_PORT" "$here/peer.lua"
  fi
}
label() { if [ "$1" -lt "${#signers[@]}" ]; then echo "altinn-sim[${signers[$1]}]"; else echo "peer"; fi; }

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
n=$(( ${#signers[@]} + 1 ))
declare -A rps p99s
load0=$(cut -d' ' -f1-3 /proc/loadavg)
for r in $(seq 0 "$ROUNDS"); do
  line="round $r:"
  [ "$r" = 0 ] && line="warm-up:"
  for j in $(seq 0 $((n - 1))); do
    k=$(( (j + r) % n ))
    read -r a a99 abad <<<"$(contender "$k" "$r")"
    if [ "$abad" != 0 ]; then
      echo "round $r: $abad of $(label "$k")'s answers were not 2xx (GRANTS too small for this machine?): invalid" >&2
      exit 1
    fi
    line="$line $(label "$k") $a/s p99 $a99 ms;"
    if [ "$r" != 0 ]; then rps[$k]+="$a "; p99s[$k]+="$a99 "; fi
  done
  echo "$line load $(cut -d' ' -f1 /proc/loadavg)"
done
mp=$(printf '%s\n' ${rps[$((n - 1))]} | median); mp99=$(printf '%s\n' ${p99s[$((n - 1))]} | median)
for k in $(seq 0 $((n - 2))); do
  mo=$(printf '%s\n' ${rps[$k]} | median); mo99=$(printf '%s\n' ${p99s[$k]} | median)
  echo "| POST /token over HTTP, wrk $THREADS threads / $CONNS connections, $SIGNING_ALG, RSA signer ${signers[k]}, median of $ROUNDS interleaved rounds of $DURATION | ${mo} tokens/s, p99 ${mo99} ms | oauth2-mock-server 9.3.0 client_credentials: ${mp} tokens/s, p99 ${mp99} ms | ratio $(awk -v a="$mo" -v b="$mp" 'BEGIN {printf "%.2f", a / b}') |"
  # Each round's own ratio, for the spread.
  echo "  per round: $(paste -d' ' <(printf '%s\n' ${rps[$k]}) <(printf '%s\n' ${rps[$((n - 1))]}) | awk '{printf "%.2f ", $1 / $2}')"
done
if [ "${#signers[@]}" -ge 2 ]; then
  a=$(printf '%s\n' ${rps[0]} | median); b=$(printf '%s\n' ${rps[1]} | median)
  echo "${signers[0]} / ${signers[1]}: $(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.2f", a / b}') (medians); per round: $(paste -d' ' <(printf '%s\n' ${rps[0]}) <(printf '%s\n' ${rps[1]}) | awk '{printf "%.2f ", $1 / $2}')"
fi
echo "load average before: $load0; after: $(cut -d' ' -f1-3 /proc/loadavg)"
