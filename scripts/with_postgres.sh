#!/usr/bin/env bash
# Run a command with DATABASE_URL set to a throwaway PostgreSQL cluster (scripts/pg_cluster.py): made on a
# free loopback port, stopped and deleted when the command ends, fails or is interrupted. Its exit status is
# the command's (3 when the cluster could not be started).
#   scripts/with_postgres.sh .venv/bin/python -m pytest tests/web
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [ "$#" -eq 0 ]; then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 2
fi
"$here/ensure_postgres.sh"
exec python3 "$here/pg_cluster.py" -- "$@"
