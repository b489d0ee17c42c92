#!/usr/bin/env bash
# The PDP against OPA v1.22.2 as its peer, measured in the same run:
# installs OPA from its Go module (once, into the cache folder below; no
# OPA code is in this repository), starts it with no policy, and runs
# bench/pdp/scale.sh with it: scale puts bench/pdp/pdp.rego (system user →
# its organisation → access package → resource + action: Permit, else
# NotApplicable) and the same USERS system users as data into OPA, checks
# both servers answer Permit and NotApplicable alike, and drives both with
# the same Go client and the same XACML bodies (OPA's wrapped in
# {"input": …}) in interleaved rounds. It prints, besides scale.sh's
# figures, OPA's medians, the ratio altinn-sim ÷ OPA of decisions/s over
# all USERS and of p99, and OPA's VmRSS. Our server checks a bearer token
# on each request; OPA checks none. Same settings as scale.sh.
#   USERS=10000 PHASE=2s bench/pdp/opa.sh       # a quick check
set -euo pipefail
cd "$(dirname "$0")/../.."
OPA_VERSION=${OPA_VERSION:-v1.22.2}
OPA_PORT=${OPA_PORT:-18094}
opadir=${XDG_CACHE_HOME:-$HOME/.cache}/altinn-sim-bench/opa-$OPA_VERSION
if [ ! -x "$opadir/opa" ]; then
  echo "installing OPA $OPA_VERSION into $opadir (go install; a few minutes)" >&2
  mkdir -p "$opadir"
  (cd "$opadir" && GOBIN=$opadir GOFLAGS=-mod=mod go install "github.com/open-policy-agent/opa@$OPA_VERSION") || {
    echo "opa.sh: could not install OPA $OPA_VERSION with go install (is the Go module proxy reachable?)" >&2
    exit 2
  }
fi
"$opadir/opa" run --server --addr 127.0.0.1:$OPA_PORT --log-level error --disable-telemetry >/dev/null 2>&1 &
opapid=$!
trap 'kill -TERM $opapid 2>/dev/null || true; wait $opapid 2>/dev/null || true' EXIT
until curl -sf -o /dev/null "http://127.0.0.1:$OPA_PORT/health"; do
  kill -0 $opapid 2>/dev/null || { echo "opa.sh: OPA did not start" >&2; exit 1; }
  sleep 0.05
done
OPA_URL=http://127.0.0.1:$OPA_PORT OPA_PID=$opapid bench/pdp/scale.sh
