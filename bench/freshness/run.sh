#!/bin/sh
# Cross-instance freshness: two instances on one database, a write on A,
# then at once a decision on B. Reports stale answers (count and ratio),
# the window until B reflected a write when it did not at once (p50/p99,
# from A's answer), the write's own latency and what settling alone adds
# (p50/p99). Needs PostgreSQL: ALTINN_SIM_TEST_DATABASE_URL, else a
# throwaway cluster is started.
#   bench/freshness/run.sh [writes]   (default 500)
set -eu
cd "$(dirname "$0")/../.."
exec go test ./bench/freshness -run '^$' -bench . -benchtime "${1:-500}x" -count 1
