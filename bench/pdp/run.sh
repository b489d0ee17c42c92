#!/bin/sh
# Decisions/s over HTTP (32 keep-alive connections, loopback) against the
# in-process evaluator measured in the same run. Needs PostgreSQL:
# ALTINN_SIM_TEST_DATABASE_URL, else a throwaway cluster is started.
#   bench/pdp/run.sh [benchtime]   (default 5s)
set -eu
cd "$(dirname "$0")/../.."
exec go test ./bench/pdp -run '^$' -bench 'HTTP32|Evaluator' -benchtime "${1:-5s}" -count 1
