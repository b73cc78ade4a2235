#!/bin/bash
# Several `kios serve` nodes on one PostgreSQL database, driven at once by one `kios bench` per
# node, each with its own share of the resellers (docs/PERFORMANCE.md, issue 23).
#
#   KIOS_SECRET_KEY_FILE=key scripts/bench-nodes.sh NODES [DURATION] [RESELLERS]
#
# Environment: KIOS_BIN (default: kios on PATH), KIOS_SECRET_KEY_FILE (required: PostgreSQL keeps
# secrets sealed), PGURL (default postgres://postgres@127.0.0.1:5432; the database "nodes" is
# dropped and created). Ports 18081.. on 127.0.0.1. Prints each node's orders/s and the sum.
set -euo pipefail
N=${1:-1}; DUR=${2:-10s}; R=${3:-64}
BIN=${KIOS_BIN:-kios}
: "${KIOS_SECRET_KEY_FILE:?set KIOS_SECRET_KEY_FILE to a key file (kios secrets keygen)}"
export KIOS_SECRET_KEY_FILE
BASE=${PGURL:-postgres://postgres@127.0.0.1:5432}
DB="$BASE/nodes?sslmode=disable"
W=$(mktemp -d)
trap 'kill $(cat $W/pids 2>/dev/null) 2>/dev/null || true; rm -rf $W' EXIT
psql -q "$BASE/postgres" -c "DROP DATABASE IF EXISTS nodes" -c "CREATE DATABASE nodes" >/dev/null
$BIN migrate --db "$DB" >/dev/null
for i in $(seq 1 "$N"); do
  demo=""; [ "$i" = 1 ] && demo="--demo"
  $BIN serve --db "$DB" --addr 127.0.0.1:$((18080+i)) --admin-addr off --node "n$i" --rate-limit 0 \
    --refusal-limit 0 --text-channels=false $demo > "$W/serve$i.log" 2>&1 &
  echo $! >> "$W/pids"
  [ "$i" = 1 ] && sleep 4   # the first node seeds the demo catalog
done
sleep 3
for r in $(seq 1 "$R"); do
  tok=$($BIN reseller create --db "$DB" --name "Bench $r" --username "nb$r" --json |
    python3 -c "import json,sys; print(json.load(sys.stdin)['token'])")
  $BIN deposit credit --db "$DB" --reseller "nb$r" --amount 100000000000 >/dev/null
  echo "$tok" >> "$W/tokens$(( (r-1) % N + 1 ))"
done
C=$((64 / N))
for i in $(seq 1 "$N"); do
  $BIN bench --target http://127.0.0.1:$((18080+i)) --tokens-file "$W/tokens$i" --concurrency "$C" \
    --duration "$DUR" --json > "$W/bench$i.json" &
done
wait $(jobs -p | tail -"$N")
python3 - "$W" "$N" <<'PY'
import json, sys
w, n = sys.argv[1], int(sys.argv[2])
total, worst = 0, 0
for i in range(1, n + 1):
    o = json.load(open(f"{w}/bench{i}.json"))["endpoints"]["order"]
    total += o["per_s"]; worst = max(worst, o["p99_ms"])
    print(f"node {i}: {o['per_s']:.0f} orders/s, p99 {o['p99_ms']:.0f} ms")
print(f"{n} nodes: {total:.0f} orders/s, worst p99 {worst:.0f} ms")
PY
