#!/usr/bin/env bash
# Java for the Spark engine (`iectox.engine.run(..., engine="spark")`, tests/test_engine_spark.py): installs
# Debian's default-jre-headless when no `java` is on the PATH. Needs root and apt-get (as on CI); exits 1 with
# the reason otherwise, so that the caller can say why Spark is not available.
set -euo pipefail
if command -v java >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "no java on the PATH, and apt-get as root is not available to install default-jre-headless" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends default-jre-headless >&2
command -v java >/dev/null 2>&1
