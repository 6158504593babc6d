#!/bin/bash
# The store's sync figures of BENCHMARKS.md (issue 16): a full sync of N sandbox tickets,
# then syncs after 0 and 1,000 changes made by another client, and the bytes on disk.
# BIN=target/release/gongdan [N=10000] [LATENCY=300] benches/store/sync.sh
set -e
B=${BIN:?set BIN to a gongdan binary}; N=${N:-10000}
T=$(mktemp -d); export HOME=$T XDG_CACHE_HOME=$T/cache XDG_STATE_HOME=$T/state XDG_CONFIG_HOME=$T/config GONGDAN_NO_KEYRING=1 LANG=C
PORT=${PORT:-18942}
$B sandbox --addr 127.0.0.1:$PORT --tickets $N ${LATENCY:+--latency-ms $LATENCY} > $T/sb.log 2>&1 &
SB=$!
# the sandbox answers once its seed is made
for _ in $(seq 600); do curl -s -o /dev/null http://127.0.0.1:$PORT/ && break; sleep 0.5; done
export GONGDAN_BASE_URL=http://127.0.0.1:$PORT GONGDAN_ACCOUNT=admin@example.com GONGDAN_PASSWORD=admin-pass
echo "== full sync"; /usr/bin/time -f "wall %es rss %MKB" $B cache sync 2>&1 | grep -v "full sync:"
$B cache status
DB=$(ls $T/cache/gongdan/store/*.sqlite3)
ls -l $T/cache/gongdan/store/
echo "== sync after 0 changes"; /usr/bin/time -f "wall %es" $B cache sync 2>&1
sleep 11; echo "== sync after 0 changes, 11 s later (settles)"; /usr/bin/time -f "wall %es" $B cache sync 2>&1
echo "== sync after 0 changes, settled"; /usr/bin/time -f "wall %es" $B cache sync 2>&1
echo "== 1000 changes through the API"
for start in $(seq 1000 100 1900); do
  ids=$(seq -s, $start $((start+99)))
  curl -s -o /dev/null -w "%{http_code} " -u admin@example.com:admin-pass -X PUT -H 'Content-Type: application/json' \
    -d '{"ticket":{"tagList":"measured"}}' "http://127.0.0.1:$PORT/api/v1/tickets/update_many.json?ids=$ids"
done; echo
echo "== sync after 1000 changes"; /usr/bin/time -f "wall %es" $B cache sync 2>&1
echo "== sync after 0 changes, at once"; /usr/bin/time -f "wall %es" $B cache sync 2>&1
sleep 11; echo "== after 0 changes, 11 s later"; /usr/bin/time -f "wall %es" $B cache sync 2>&1; echo "== settled"; /usr/bin/time -f "wall %es" $B cache sync 2>&1
$B cache status
kill $SB
