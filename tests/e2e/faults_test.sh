#!/usr/bin/env bash
# Fault scenarios (issue 5): the signer down for minutes (bounded retries, then catch-up), and
# half of the routing PUTs failing (each record signed once, published eventually).
source "$(dirname "$0")/lib.sh"
e2e_setup faults
SIGNER_DOWN_SECONDS=${SIGNER_DOWN_SECONDS:-120}

SIGNER_URL=$(start_signer signer-a)
apply_token_secret
apply_epoch 1 "$SIGNER_URL"
start_operator --backoff-max 30s
check "epoch 1 becomes Active" eventually 60 epoch_phase_is 1 Active
CID1=$(cid_of one)
FOLDERS="f1 f2 f3"
for f in $FOLDERS; do new_folder "$f" "$CID1" 1; done
for f in $FOLDERS; do check "$f is published" eventually 60 published_sequence_at_least "$f" 2; done

# --- the signer goes away for minutes ---
stop_bg signer-a
for f in $FOLDERS; do request_republish "$f"; done
say "signer down for $SIGNER_DOWN_SECONDS s"
sleep "$SIGNER_DOWN_SECONDS"
for f in $FOLDERS; do
  n=$(status_of "$f" failures.count)
  # 1 s doubling to 30 s over 120 s is about 9 attempts; a tight loop would be thousands.
  check "$f: backed off while the signer was down ($n attempts in ${SIGNER_DOWN_SECONDS}s)" test "${n:-0}" -ge 3 -a "${n:-0}" -le 14
  check_eq "$f: Stalled after repeated failures" True/SignerUnavailable "$(condition_of "$f" Stalled)"
  check_eq "$f: the record published before is still what routing serves" 2 "$(verify_resolved "$f" | json_field sequence)"
done
check_eq "epoch 1 stays Active while its signer is unreachable" Active "$(kubectl get teeepoch epoch-1 -o jsonpath='{.status.phase}')"
start_signer signer-a >/dev/null
for f in $FOLDERS; do
  check "$f: caught up after the signer came back" eventually 45 published_sequence_at_least "$f" 3
  check "$f: no longer Stalled" eventually 10 condition_is "$f" Stalled False/Progressing
done

# --- half of the routing PUTs fail ---
curl -fsS -X POST "$ROUTING_URL/_test/faults" -d '{"putFailRate":0.5,"status":503}' >/dev/null
CYCLES=${FAULT_CYCLES:-6}
for f in $FOLDERS; do
  start_seq=$(status_of "$f" publishedSequence)
  ok=true
  for i in $(seq 1 "$CYCLES"); do
    expected=$((start_seq + i))
    request_republish "$f"
    if ! eventually 90 status_is "$f" publishedSequence "$expected"; then
      ok=false
      say "$f: cycle $i did not land on sequence $expected (at $(status_of "$f" publishedSequence))"
      break
    fi
  done
  check "$f: $CYCLES cycles with 50% PUT failures, each published with exactly the next sequence (signed once)" $ok
done
stats=$(curl -fsS "$ROUTING_URL/_test/stats")
say "routing stats: $stats"
check "routing really refused PUTs" test "$(echo "$stats" | node -e 'const s=JSON.parse(require("fs").readFileSync(0));console.log(s.injected.PUT||0)')" -gt 0
curl -fsS -X POST "$ROUTING_URL/_test/faults" -d '{"putFailRate":0}' >/dev/null
check_history values >"$E2E_STATE/history.txt" 2>&1 || true
check "routing history: every record valid, no name went backwards, no sequence signed twice" \
  grep -q '^history ok' "$E2E_STATE/history.txt"
e2e_finish
