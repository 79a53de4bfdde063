#!/usr/bin/env bash
# Key custody (issue 14): no folder key is stranded when folders are deleted and re-applied from
# git after a pre-rotation. Folders sealed to epoch 1 on signer A; pre-rotation to epoch 2 on
# signer B (approved); every re-encrypted key is in the operator's KeyLedger objects; signer A is
# stopped once epoch 1 says safeToDecommission; every IpnsRepublish is deleted and re-applied from
# its original manifest (spec still on epoch 1): each resumes from the ledger and republishes
# through signer B with its owner's value and a higher sequence. A folder deleted while its signed
# record could not be published gets that very record published after it is re-applied (item 4).
# Then `keys export` writes the migrated keys back to the manifests (the GitOps commit), which are
# applied; with the folders and their ledger entries removed, the exported manifests alone
# republish through signer B. Last, a deleted folder's ledger goes after the retention.
source "$(dirname "$0")/lib.sh"
e2e_setup custody

CLI=$BIN/cipherbox-republish
AUTHORITY_PK=$("$CLI" approve-epoch --generate-authority-key --out "$E2E_STATE/authority.key")
SIGNER_A=$(start_signer signer-a image-a --authority-public-key "$AUTHORITY_PK")
SIGNER_B=$(start_signer signer-b image-b --authority-public-key "$AUTHORITY_PK")
apply_token_secret

epoch_field() { kubectl get teeepoch "epoch-$1" -o jsonpath="{.status.$2}" 2>/dev/null; }
epoch_field_is() { [ "$(epoch_field "$1" "$2")" == "$3" ]; }
epoch_has_key() { [ -n "$(epoch_field "$1" publicKey)" ]; }
ledger_of() {  # folder, jq filter over the folder's KeyLedger
  kubectl -n "$OPERATOR_NS" get keyledger "$(folder_name "$1")" -o json 2>/dev/null | jq -r "$2"
}
ledger_is() { [ "$(ledger_of "$1" "$2")" == "$3" ]; }
gone() { ! kubectl get ipnsrepublish "$1" >/dev/null 2>&1; }
resumed_event() {  # folder
  kubectl get events.events.k8s.io -n default -o json |
    jq -e --arg f "$1" '[.items[] | select(.reason == "KeyResumed" and .regarding.name == $f)] | length > 0' >/dev/null
}
resolved_field() { verify_resolved "$1" | json_field "$2"; }

FOLDERS="f1 f2 f3"
declare -A CID BEFORE
all_folders() {  # predicate args… with the folder as first argument
  local f
  for f in $FOLDERS; do "$1" "$f" "${@:2}" || return 1; done
}

apply_epoch 1 "$SIGNER_A"
start_operator --epoch-resync 1s --rewrap-rate 20 --key-recheck 3s
check "epoch 1 becomes Active" eventually 60 epoch_phase_is 1 Active
for f in $FOLDERS; do CID[$f]=$(cid_of "$f"); new_folder "$f" "${CID[$f]}" 1; done
for f in $FOLDERS; do check "$f is published" eventually 60 published_sequence_at_least "$f" 2; done
for f in $FOLDERS; do
  check "$f: ledger holds its spec key on epoch 1" eventually 30 ledger_is "$f" \
    '.spec.keys[] | select(.epoch == 1) | .source' Spec
  check_eq "$f: ledger lists the folder" "default/$f" "$(ledger_of "$f" '.spec.folders | join(",")')"
done

# Pre-rotation to epoch 2 on signer B (other keys), approved by the rotation authority.
say "pre-rotation to epoch 2 on signer B"
apply_epoch 2 "$SIGNER_B"
check "epoch 2 key verified" eventually 60 epoch_has_key 2
APPROVAL=$("$CLI" approve-epoch --authority-key-file "$E2E_STATE/authority.key" --from-cluster --epoch 2 \
  --insecure-unverified)
echo "  approval: $APPROVAL" >>"$E2E_STATE/applied/epoch-2.yaml"
kubectl apply -f "$E2E_STATE/applied/epoch-2.yaml" >/dev/null
check "every folder's key re-encrypted to epoch 2" eventually 60 all_folders status_is migratedKey.epoch 2
for f in $FOLDERS; do
  check_eq "$f: the ledger holds the same epoch-2 ciphertext as status" \
    "$(status_of "$f" migratedKey.encryptedKey)" \
    "$(ledger_of "$f" '.spec.keys[] | select(.epoch == 2 and .source == "Migrated") | .encryptedKey')"
done
check "epoch 2 Active" eventually 30 epoch_phase_is 2 Active
check "epoch 1 safeToDecommission" eventually 30 epoch_field_is 1 safeToDecommission true
stop_bg signer-a
say "signer A stopped"
check "signer A is down" bash -c "! curl -fsS '$SIGNER_A/healthz' >/dev/null 2>&1"

# Item 4: f3 signs a record nobody accepts (every PUT fails), then is deleted with it pending.
say "f3 deleted with a signed, unpublished record"
routing_faults '{"putFailRate":1,"status":503}'
BEFORE[f3]=$(status_of f3 publishedSequence)
request_republish f3
check "f3 holds a pending record" eventually 60 status_above f3 pending.sequence "${BEFORE[f3]}"
PENDING_SEQ=$(status_of f3 pending.sequence)
PENDING_RECORD=$(status_of f3 pending.record)

# GitOps prune and re-create: every folder deleted, then re-applied from its original manifest.
say "every IpnsRepublish deleted"
for f in $FOLDERS; do
  [ "$f" == f3 ] || BEFORE[$f]=$(status_of "$f" publishedSequence)
  kubectl delete -f "$E2E_STATE/manifests/$f.yaml" --wait=true >/dev/null
done
check "every folder is gone" eventually 30 all_folders gone
for f in $FOLDERS; do
  check "$f: ledger marks the name deleted (deletedAt, no folders)" eventually 30 ledger_is "$f" \
    '[(.spec.deletedAt != null), (.spec.folders | length)] | @csv' 'true,0'
  check_eq "$f: ledger still holds the epoch-2 key" Migrated \
    "$(ledger_of "$f" '.spec.keys[] | select(.epoch == 2) | .source')"
done
check "f3: ledger keeps the pending record" eventually 30 ledger_is f3 '.spec.pendingRecord.sequence' "$PENDING_SEQ"
check_eq "f3: ... byte for byte" "$PENDING_RECORD" "$(ledger_of f3 '.spec.pendingRecord.record')"
routing_faults '{"putFailRate":0}'

say "every IpnsRepublish re-applied (spec still on epoch 1)"
for f in $FOLDERS; do
  check_eq "$f: manifest still says keyEpoch 1" 1 "$(grep -c '^  keyEpoch: 1$' "$E2E_STATE/manifests/$f.yaml")"
  kubectl apply -f "$E2E_STATE/manifests/$f.yaml" >/dev/null
done
for f in $FOLDERS; do
  check "$f: republished within one cycle (sequence above ${BEFORE[$f]})" \
    eventually 60 status_above "$f" publishedSequence "${BEFORE[$f]}"
  check_eq "$f: resumed the epoch-2 key from the ledger" 2 "$(status_of "$f" migratedKey.epoch)"
  check_eq "$f: served value is the owner's" "/ipfs/${CID[$f]}" "$(resolved_field "$f" value)"
  check "$f: KeyResumed event" resumed_event "$f"
  check "$f: ledger lists the folder again, no deletedAt" eventually 30 ledger_is "$f" \
    '[(.spec.deletedAt == null), (.spec.folders | join(","))] | @csv' "true,\"default/$f\""
done
check_eq "f3: the kept record itself was published (sequence $PENDING_SEQ)" yes \
  "$(curl -fsS "$ROUTING_URL/_test/history" | jq -r --arg n "$(folder_name f3)" --arg r "$PENDING_RECORD" \
    '[.[] | select(.name == $n and .accepted and .recordBase64 == $r)] | if length > 0 then "yes" else "no" end')"
check "f3: ledger forgets the pending record once published" eventually 30 ledger_is f3 '.spec.pendingRecord' null
check "routing history: no sequence reused, values owner-signed" check_history values

# Write the migrated keys back to git: `keys export` output replaces the manifests (the commit),
# is applied; then the folders and their ledger entries are removed, the exported manifests
# re-applied: each still republishes through signer B, now from its spec alone.
say "keys export committed and applied; ledger entries removed"
"$CLI" keys export -n default --format yaml --ledger-namespace "$OPERATOR_NS" \
  >"$E2E_STATE/export.yaml" 2>"$E2E_STATE/logs/export.err"
check_eq "keys export: one manifest per folder" 3 "$(grep -c '^"kind": "IpnsRepublish"' "$E2E_STATE/export.yaml")"
check "keys export: 3 to commit" grep -q '3 to commit, 0 in sync, 0 skipped' "$E2E_STATE/logs/export.err"
for f in $FOLDERS; do rm "$E2E_STATE/manifests/$f.yaml"; done
cp "$E2E_STATE/export.yaml" "$E2E_STATE/manifests/folders.yaml"
kubectl apply -f "$E2E_STATE/manifests/folders.yaml" >/dev/null
for f in $FOLDERS; do
  check_eq "$f: spec now on epoch 2 with the ledger's ciphertext" \
    "2 $(ledger_of "$f" '.spec.keys[] | select(.epoch == 2) | .encryptedKey')" \
    "$(kubectl get ipnsrepublish "$f" -o jsonpath='{.spec.keyEpoch} {.spec.encryptedKey}')"
  BEFORE[$f]=$(status_of "$f" publishedSequence)
done
kubectl delete ipnsrepublish -n default $FOLDERS --wait=true >/dev/null
for f in $FOLDERS; do
  check "$f: ledger saw the deletion" eventually 30 ledger_is "$f" '.spec.folders | length' 0
  kubectl -n "$OPERATOR_NS" delete keyledger "$(folder_name "$f")" --wait=true >/dev/null
done
kubectl apply -f "$E2E_STATE/manifests/folders.yaml" >/dev/null
for f in $FOLDERS; do
  check "$f: without its ledger entry, republished from the exported spec (sequence above ${BEFORE[$f]})" \
    eventually 60 status_above "$f" publishedSequence "${BEFORE[$f]}"
  check_eq "$f: served value is still the owner's" "/ipfs/${CID[$f]}" "$(resolved_field "$f" value)"
  check "$f: a new ledger records the exported spec key (epoch 2, Spec)" eventually 30 ledger_is "$f" \
    '[.spec.keys[] | "\(.epoch)/\(.source)"] | join(",")' 2/Spec
done
check "routing history after the export: no sequence reused, values owner-signed" check_history values

# Retention: a deleted folder's ledger goes once --ledger-retention has passed, a carried one stays.
say "retention: operator restarted with --ledger-retention 2s, f1 deleted"
stop_bg operator
start_operator --epoch-resync 1s --ledger-retention 2s
no_ledger() { ! kubectl -n "$OPERATOR_NS" get keyledger "$(folder_name "$1")" >/dev/null 2>&1; }
kubectl delete ipnsrepublish -n default f1 --wait=true >/dev/null
check "f1: ledger marked deleted" eventually 30 ledger_is f1 '.spec.folders | length' 0
check "f1: ledger removed after the retention" eventually 30 no_ledger f1
check_eq "f2: ledger of a carried name kept" "default/f2" "$(ledger_of f2 '.spec.folders | join(",")')"
e2e_finish
