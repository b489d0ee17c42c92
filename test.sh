#!/usr/bin/env bash
# Runs the whole test suite. Tests talk to a real PostgreSQL: the server at
# ALTINN_SIM_TEST_DATABASE_URL when set, else a throwaway cluster started
# from the machine's PostgreSQL binaries. Browser tests need Chromium; it is
# installed from Debian's packages when missing and we may install.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v chromium >/dev/null 2>&1 && [ -z "${ALTINN_SIM_SKIP_BROWSER_INSTALL:-}" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing Debian's chromium for the browser tests" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
      || echo "test.sh: could not install chromium; browser tests will fail" >&2
  fi
fi
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
   && [ -z "${ALTINN_SIM_TEST_DATABASE_URL:-}" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing PostgreSQL server binaries for throwaway test clusters" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
fi

go vet ./...
go test -count=1 -timeout 20m "$@" ./...
