#!/bin/sh
# Decisions/s over HTTP (32 keep-alive connections, loopback) against the
# in-process evaluator measured in the same run. Needs PostgreSQL:
# ALTINN_SIM_TEST_DATABASE_URL, else a throwaway cluster is started.
#   bench/pdp/run.sh [benchtime]   (default 5s)
# The other PDP benches:
#   bench/pdp/scale.sh   the server in its own process at USERS (100000)
#                        system users: decisions/s over 100, 10,000 and all
#                        of them, their ratio, and the server's VmRSS/VmHWM
#   bench/pdp/opa.sh     the same with OPA v1.22.2 (bench/pdp/pdp.rego) as
#                        the peer in the same rounds: ratio of decisions/s
#                        and of p99
#   (both: USERS, PHASE, ROUNDS, CONNS, GENERATOR=wrk|go, ADMIN_URL)
#   bench/pdp/multi.sh   MultiRequests against single requests, CPU
#                        instructions per decision (callgrind)
#   go test ./bench/pdp -run '^$' -bench AuthorizeScale -benchtime 1x
#                        the same working sets with the server in the test
#                        process (its RSS includes the load generator)
set -eu
cd "$(dirname "$0")/../.."
exec go test ./bench/pdp -run '^$' -bench 'HTTP32|Evaluator' -benchtime "${1:-5s}" -count 1
