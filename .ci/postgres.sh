#!/usr/bin/env bash
# Makes the PostgreSQL server tests run against available, and exports KIOS_TEST_PG for them.
# Source it from .ci/run (". .ci/postgres.sh"): the test suite then runs every store test on
# PostgreSQL as well as SQLite. Without a local PostgreSQL install it says so and leaves
# KIOS_TEST_PG unset, so the suite runs on SQLite alone.
#
# Each test creates a schema of its own (t_<random>) in the database named here and drops it
# when it ends, so tests run in parallel on one server.

: "${KIOS_TEST_PG:=postgres://postgres@127.0.0.1:5432/test?sslmode=disable}"

kios_pg_ready() {
	psql "$KIOS_TEST_PG" -Atqc 'SELECT 1' >/dev/null 2>&1
}

if ! kios_pg_ready; then
	if command -v pg_ctlcluster >/dev/null 2>&1 && ls /etc/postgresql >/dev/null 2>&1; then
		for v in $(ls /etc/postgresql); do
			pg_ctlcluster --skip-systemctl-redirect "$v" main start || true
		done
		for _ in $(seq 1 30); do
			kios_pg_ready && break
			sleep 1
		done
	fi
fi

if ! kios_pg_ready; then
	# The server runs but the test database may not exist yet.
	admin="${KIOS_TEST_PG%%\?*}"
	db="${admin##*/}"
	admin="${admin%/*}/postgres"
	if psql "$admin?sslmode=disable" -Atqc 'SELECT 1' >/dev/null 2>&1; then
		psql "$admin?sslmode=disable" -qc "CREATE DATABASE \"$db\"" >/dev/null 2>&1 || true
	fi
fi

if kios_pg_ready; then
	export KIOS_TEST_PG
	echo "PostgreSQL tests on ${KIOS_TEST_PG%%\?*}"
else
	echo "PostgreSQL not available: store tests run on SQLite only" >&2
	unset KIOS_TEST_PG
fi
unset -f kios_pg_ready
