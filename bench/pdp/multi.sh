#!/usr/bin/env bash
# MultiRequests against single requests, per decision, in CPU instructions
# (valgrind's callgrind: a count, not a time, so the same whatever else
# the machine is doing): internal/pdp's BenchmarkDecideBody (one decision
# per body) and BenchmarkDecideBodyMulti/N (N decisions in one
# MultiRequests body), parse + decide on the package's fakes, each run
# twice (1 and 1+K iterations) so the set-up cancels out. The goal is a
# ratio multi/single ≤ 1.0. Garbage collection is off (GOGC=off): a count
# with the collector would depend on when it runs; allocations per
# decision are reported by `go test -bench DecideBody -benchmem`.
#   bench/pdp/multi.sh        (needs valgrind: apt-get install valgrind)
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v valgrind >/dev/null || { echo "multi.sh: valgrind not installed (apt-get install valgrind)" >&2; exit 2; }
bin=$(mktemp -d)/pdp.test
go test -c -o "$bin" ./internal/pdp/

# ir BENCH ITERATIONS → instructions of the whole test binary's run
ir() {
  local out; out=$(mktemp)
  # No asynchronous preemption: callgrind does not survive Go's signals.
  GODEBUG=asyncpreemptoff=1 GOMAXPROCS=1 GOGC=off valgrind --tool=callgrind --callgrind-out-file=/dev/null \
    "$bin" -test.run '^$' -test.bench "$1" -test.benchtime "$2x" >/dev/null 2>"$out"
  grep -o 'Collected : [0-9]*' "$out" | awk '{print $3}'
  rm -f "$out"
}
per() { # per BENCH DECISIONS_PER_ITERATION K
  local a b; a=$(ir "$1" 1); b=$(ir "$1" $((1 + $3)))
  echo $(( (b - a) / ($3 * $2) ))
}
single=$(per 'DecideBody$' 1 1000)
m10=$(per 'DecideBodyMulti/10$' 10 100)
m100=$(per 'DecideBodyMulti/100$' 100 10)
r() { awk -v a="$1" -v b="$single" 'BEGIN {printf "%.2f", a / b}'; }
echo "| XACML JSON parse + decide, instructions per decision (callgrind, GOGC=off) | single request: $single | MultiRequests of 10: $m10 ($(r "$m10")); of 100: $m100 ($(r "$m100")) | goal ≤ 1.0 |"
