#!/usr/bin/env bash
# The web tests (tests/web/) a second time, on PostgreSQL: a throwaway cluster (scripts/with_postgres.sh) and
# DATABASE_URL set for them, so that the application is proven on both engines it supports. Skipped, saying
# so, while there are no web tests.
#   scripts/test_web_postgres.sh [PYTEST OPTIONS...]        (with the project's .venv, made by `make install`)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d tests/web ] || ! find tests/web -name 'test_*.py' -print -quit | grep -q .; then
    echo "test_web_postgres: no web tests in tests/web/; the PostgreSQL pass is skipped"
    exit 0
fi
echo "test_web_postgres: the web tests again, on a throwaway PostgreSQL cluster"
status=0
scripts/with_postgres.sh .venv/bin/python -m pytest tests/web "$@" || status=$?
if [ "$status" -eq 5 ]; then
    echo "test_web_postgres: pytest collected no web test; the PostgreSQL pass is skipped"
    exit 0
fi
exit "$status"
