#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: `.ci/pg.sh run CMD...` creates a cluster in a fresh
# temporary folder, starts it on 127.0.0.1 on a free port, runs CMD with WORKBENCH_TEST_PG naming
# it, then stops it and removes the folder (on success, failure or Ctrl-C alike).
#
# It installs nothing (.ci/run apt-installs `postgresql`): it looks for initdb/pg_ctl on PATH, then
# in Debian's /usr/lib/postgresql/*/bin. initdb refuses to run as root, so as root (CI) the cluster
# belongs to an unprivileged account (PG_OS_USER, default `nobody`); as anybody else, to that user.
set -euo pipefail

bindir() {
    if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return; fi
    local d
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -z "$d" ] || [ ! -x "$d/initdb" ]; then
        echo "pg.sh: PostgreSQL server programs (initdb, pg_ctl) not found; apt-get install postgresql" >&2
        exit 2
    fi
    echo "$d"
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

[ "${1:-}" = run ] && [ $# -ge 2 ] || { echo "usage: .ci/pg.sh run COMMAND [ARGS...]" >&2; exit 2; }
shift

BIN=$(bindir)
DIR=$(mktemp -d "${TMPDIR:-/tmp}/workbench-pg.XXXXXX")
chmod 755 "$DIR"
AS=()
if [ "$(id -u)" -eq 0 ]; then
    OSUSER=${PG_OS_USER:-nobody}
    chown "$OSUSER" "$DIR"
    AS=(runuser -u "$OSUSER" --)
fi
PORT=${PG_PORT:-$(free_port)}

stop() {
    "${AS[@]}" "$BIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$DIR"
}
trap stop EXIT
trap 'exit 130' INT TERM HUP

# C locale: text compares and sorts byte-wise, as SQLite does (the schema also says COLLATE "C").
"${AS[@]}" "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust --no-locale -E UTF8 >"$DIR/initdb.log" 2>&1 \
    || { cat "$DIR/initdb.log" >&2; exit 1; }
# A test cluster: durability off (fsync, full pages) makes CREATE DATABASE per test cheap.
"${AS[@]}" "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 start -o \
    "-h 127.0.0.1 -p $PORT -k $DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    >/dev/null || { cat "$DIR/server.log" >&2; exit 1; }

export WORKBENCH_TEST_PG="postgresql://postgres@127.0.0.1:$PORT/postgres"
echo "pg.sh: PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT ($DIR)" >&2
set +e
"$@"
rc=$?
set -e
exit $rc
