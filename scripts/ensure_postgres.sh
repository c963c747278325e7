#!/usr/bin/env bash
# PostgreSQL for the web tests and `iectox backup` of a PostgreSQL database: installs Debian's `postgresql`
# (15 on Debian 12) when no PostgreSQL server binaries are found, and does nothing when they are. The package's
# default cluster (port 5432, started as a service) is not wanted: the tests start their own throwaway
# clusters (scripts/pg_cluster.py), so a drop-in of postgresql-common says not to create it. Needs root and
# apt-get (as on CI); exits 1 with the reason otherwise, so that the caller can say why PostgreSQL is missing.
set -euo pipefail

found() {
    compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null 2>&1
}

if found; then
    exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "no PostgreSQL server binaries (initdb), and apt-get as root is not available to install postgresql" >&2
    exit 1
fi
mkdir -p /etc/postgresql-common/createcluster.d
echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.d/iectox-no-main-cluster.conf
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends postgresql postgresql-client >&2
found
