#!/usr/bin/env bash
# Checks hack/routing-server (boxo's routing/http/server + in-memory IPNS store) over real HTTP:
# PUT of a valid record (vector ipns-01, valid until 2999) and GET back byte for byte, rejection
# of tampered records (400) and of lower sequences (500), the /_test/ API and the fault knobs.
# usage: tests/integration/routing_server_test.sh [WORK_DIR]
set -euo pipefail

REPO=$(cd -P "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VECTORS=${CBX_VECTORS_DIR:-$REPO/tests/vectors}
WORK=${1:-$(mktemp -d)}
mkdir -p "$WORK"
BIN=$("$REPO/hack/build-routing-server.sh")
MEDIA=application/vnd.ipfs.ipns-record

passed=0
failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1${2:+: $2}"; failed=$((failed + 1)); }
check() { # check NAME CMD...
  local name=$1
  shift
  local out
  if out=$("$@" 2>&1); then pass "$name"; else fail "$name" "$(tail -5 <<<"$out")"; fi
}
equals() { [ "$1" = "$2" ] || { echo "    expected '$2', got '$1'" >&2; return 1; }; }

record() { # record ID FILE: writes the binary record of vector case ID
  jq -r --arg id "$1" '(.cases + .edge)[] | select(.id == $id) | .recordBase64' "$VECTORS/ipns.json" \
    | base64 -d >"$2"
}
record ipns-01 "$WORK/r01.bin"     # key A, sequence 0
record ipns-12 "$WORK/r12.bin"     # key A, sequence 1
record ipns-edge-02 "$WORK/bad.bin" # key A's ipns-01 with a bit of signatureV2 flipped
record ipns-edge-01 "$WORK/a-for-b.bin" # a valid record of key A
record ipns-09 "$WORK/expired.bin" # key A, EOL 2020
NAME_A=$(jq -r '.cases[] | select(.id == "ipns-01") | .ipnsName' "$VECTORS/ipns.json")
NAME_B=$(jq -r '."edge"[] | select(.id == "ipns-edge-01") | .ipnsName' "$VECTORS/ipns.json")

"$BIN" --listen 127.0.0.1:0 --seed 1 >"$WORK/server.out" 2>"$WORK/server.err" &
PID=$!
trap 'kill "$PID" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  [ -s "$WORK/server.out" ] && break
  sleep 0.1
done
URL=$(head -1 "$WORK/server.out" | jq -r .listening)
check "prints {\"listening\":\"http://127.0.0.1:PORT\"}" grep -qE '^http://127\.0\.0\.1:[0-9]+$' <<<"$URL"

put() { # put NAME FILE: prints the HTTP status
  curl -s -o "$WORK/put.body" -w '%{http_code}' -X PUT -H "Content-Type: $MEDIA" \
    --data-binary "@$2" "$URL/routing/v1/ipns/$1"
}
get() { # get NAME OUT: prints "STATUS CONTENT_TYPE"
  curl -s -o "$2" -w '%{http_code} %{content_type}' -H "Accept: $MEDIA" "$URL/routing/v1/ipns/$1"
}

# --- IPNS round trip ----------------------------------------------------------------------------
check "GET before any PUT: 200 text/plain (not found, IPIP-0513)" \
  grep -q '^200 text/plain' <<<"$(get "$NAME_A" "$WORK/none.bin")"
check "PUT valid record: 200" equals "$(put "$NAME_A" "$WORK/r01.bin")" 200
check "GET: 200 with the IPNS media type" equals "$(get "$NAME_A" "$WORK/got.bin")" "200 $MEDIA"
check "GET returns the record byte for byte" cmp "$WORK/r01.bin" "$WORK/got.bin"
check "GET by base32 name works too" equals \
  "$(get "$(jq -r '.ed25519[0].ipnsNameBase32' "$VECTORS/names.json")" "$WORK/got32.bin")" "200 $MEDIA"
check "PUT tampered record: 400" equals "$(put "$NAME_A" "$WORK/bad.bin")" 400
check "400 body says the record is invalid" grep -q "provided record is invalid" "$WORK/put.body"
check "PUT key A's record under name B: 400" equals "$(put "$NAME_B" "$WORK/a-for-b.bin")" 400
check "PUT expired record: 400" equals "$(put "$NAME_A" "$WORK/expired.bin")" 400
check "PUT with wrong Content-Type: 406" equals "$(curl -s -o /dev/null -w '%{http_code}' -X PUT \
  -H 'Content-Type: application/octet-stream' --data-binary "@$WORK/r01.bin" "$URL/routing/v1/ipns/$NAME_A")" 406
check "PUT higher sequence: 200" equals "$(put "$NAME_A" "$WORK/r12.bin")" 200
get "$NAME_A" "$WORK/got.bin" >/dev/null
check "GET now returns the higher sequence" cmp "$WORK/r12.bin" "$WORK/got.bin"
check "PUT lower sequence: refused with 500" equals "$(put "$NAME_A" "$WORK/r01.bin")" 500
check "500 body names the sequences" grep -q "sequence 0 is lower than the stored record's 1" "$WORK/put.body"
get "$NAME_A" "$WORK/got.bin" >/dev/null
check "stored record unchanged after the refused PUT" cmp "$WORK/r12.bin" "$WORK/got.bin"
check "PUT same record again: 200 (idempotent)" equals "$(put "$NAME_A" "$WORK/r12.bin")" 200

# --- /_test/ API --------------------------------------------------------------------------------
RECORDS=$(curl -fsS "$URL/_test/records")
check "/_test/records has the name with sequence 1" equals "$(jq -r --arg n "$NAME_A" '.[$n].sequence' <<<"$RECORDS")" 1
check "/_test/records recordBase64 is the stored record" equals \
  "$(jq -r --arg n "$NAME_A" '.[$n].recordBase64' <<<"$RECORDS")" "$(base64 -w0 "$WORK/r12.bin")"
STATS=$(curl -fsS "$URL/_test/stats")
check "/_test/stats counts PUT 200s" equals "$(jq '.requests.PUT."200"' <<<"$STATS")" 3
check "/_test/stats counts PUT 400s" equals "$(jq '.requests.PUT."400"' <<<"$STATS")" 3
check "/_test/stats counts PUT 500s" equals "$(jq '.requests.PUT."500"' <<<"$STATS")" 1
check "/_test/stats counts records" equals "$(jq '.records' <<<"$STATS")" 1

# --- fault knobs --------------------------------------------------------------------------------
check "bad knob rejected: 400" equals "$(curl -s -o /dev/null -w '%{http_code}' -X POST -d '{"putFailRate":2}' \
  "$URL/_test/faults")" 400
check "set failNextPuts=2 status=429 retryAfter=7" curl -fsS -X POST \
  -d '{"failNextPuts":2,"status":429,"retryAfterSeconds":7}' "$URL/_test/faults"
check "1st PUT fails with 429" equals "$(put "$NAME_A" "$WORK/r12.bin")" 429
check "429 carries Retry-After: 7" grep -qi '^Retry-After: 7' < <(curl -s -D - -o /dev/null -X PUT \
  -H "Content-Type: $MEDIA" --data-binary "@$WORK/r12.bin" "$URL/routing/v1/ipns/$NAME_A")
check "3rd PUT succeeds again" equals "$(put "$NAME_A" "$WORK/r12.bin")" 200
check "getFailRate 1 with status 503" curl -fsS -X POST -d '{"getFailRate":1,"status":503,"retryAfterSeconds":0}' \
  "$URL/_test/faults"
check "GET fails with 503" equals "$(get "$NAME_A" "$WORK/got.bin" | cut -d' ' -f1)" 503
check "injected faults counted" equals "$(curl -fsS "$URL/_test/stats" | jq -c .injected)" '{"GET":1,"PUT":2}'
check "putFailRate 0.5 fails some but not all of 40 PUTs" bash -c "
  curl -fsS -X POST -d '{\"getFailRate\":0,\"putFailRate\":0.5}' '$URL/_test/faults' >/dev/null
  codes=\$(for i in \$(seq 1 40); do curl -s -o /dev/null -w '%{http_code}\n' -X PUT \
    -H 'Content-Type: $MEDIA' --data-binary '@$WORK/r12.bin' '$URL/routing/v1/ipns/$NAME_A'; done | sort | uniq -c)
  echo \"\$codes\" >&2
  grep -q ' 200\$' <<<\"\$codes\" && grep -q ' 503\$' <<<\"\$codes\""
check "reset clears knobs, stats and records" curl -fsS -X POST "$URL/_test/reset"
check "after reset GET is not found" grep -q '^200 text/plain' <<<"$(get "$NAME_A" "$WORK/none.bin")"
check "after reset knobs are defaults" equals "$(curl -fsS "$URL/_test/faults" | jq -c '[.putFailRate,.getFailRate,.status]')" \
  '[0,0,503]'
check "--put-fail-rate flag is applied" bash -c "
  '$BIN' --listen 127.0.0.1:0 --put-fail-rate 1 --fail-status 502 >'$WORK/s2.out' 2>/dev/null & p=\$!
  trap 'kill \$p' EXIT
  for i in \$(seq 1 100); do [ -s '$WORK/s2.out' ] && break; sleep 0.1; done
  u=\$(jq -r .listening '$WORK/s2.out')
  [ \"\$(curl -s -o /dev/null -w '%{http_code}' -X PUT -H 'Content-Type: $MEDIA' \
    --data-binary '@$WORK/r12.bin' \"\$u/routing/v1/ipns/$NAME_A\")\" = 502 ]"

# --- shutdown -----------------------------------------------------------------------------------
kill -TERM "$PID"
rc=0
wait "$PID" || rc=$?
check "SIGTERM stops the server with status 0" equals "$rc" 0
trap - EXIT

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
