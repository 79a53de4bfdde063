#!/usr/bin/env bash
# Crash safety (issue 5, DESIGN §8 invariants 1-4): the operator is killed with SIGKILL at random
# points over many republish cycles; afterwards every record that ever reached routing validates,
# sequences per name never went down, no sequence was used for two different records, and no
# signed record was lost (status ends with nothing pending and routing has the last sequence).
# Leader election is off here: each short-lived process is the only operator, so no Lease has to
# expire between kills (leader election has its own test).
source "$(dirname "$0")/lib.sh"
e2e_setup sigkill
KILLS=${SIGKILL_CYCLES:-200}

SIGNER_URL=$(start_signer signer-a)
apply_token_secret
apply_epoch 1 "$SIGNER_URL"
start_operator --leader-elect=false
check "epoch 1 becomes Active" eventually 60 epoch_phase_is 1 Active
CID1=$(cid_of one)
FOLDERS="k1 k2 k3 k4"
for f in $FOLDERS; do new_folder "$f" "$CID1" 1; done
for f in $FOLDERS; do check "$f is published" eventually 60 published_sequence_at_least "$f" 2; done
stop_bg operator KILL

say "$KILLS SIGKILL cycles"
for i in $(seq 1 "$KILLS"); do
  for f in $FOLDERS; do request_republish "$f"; done
  start_operator --leader-elect=false
  sleep "$(awk -v r=$RANDOM 'BEGIN{printf "%.2f", 0.05 + (r % 150) / 100}')"
  stop_bg operator KILL
done

start_operator --leader-elect=false
for f in $FOLDERS; do request_republish "$f"; done
for f in $FOLDERS; do
  check "$f: settles after the crashes" eventually 60 status_is "$f" pending ""
  check "$f: published again after the crashes" eventually 60 condition_is "$f" Published True/Published
done
sleep 2
check_history >"$E2E_STATE/history.txt" 2>&1 || true
say "$(head -3 "$E2E_STATE/history.txt")"
check "routing history: every record valid, no name went backwards, no sequence signed twice" \
  grep -q '^history ok' "$E2E_STATE/history.txt"
total=0
for f in $FOLDERS; do
  served=$(verify_resolved "$f" | json_field sequence)
  check_eq "$f: routing serves the last published sequence (nothing pending was lost)" "$(status_of "$f" publishedSequence)" "$served"
  check "$f: reserved sequence never behind the published one" test "$(status_of "$f" sequence)" -ge "$served"
  total=$((total + served))
done
say "sum of final sequences over $KILLS kills: $total"
check "the kills interrupted real work (sequences advanced)" test "$total" -gt 20
e2e_finish
