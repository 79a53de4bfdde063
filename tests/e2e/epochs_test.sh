#!/usr/bin/env bash
# Epoch lifecycle (issue 6), with two simulator signers standing for two CVM images (different
# seeds = different keys; the same seed = the same app_id), every change the GitOps way (manifests
# written to one folder, `kubectl apply -f` of the folder; only approve-epoch runs beside it):
# (1) same-signer rotation migrates every folder in one cycle, the old epoch retires after its
#     grace period and not before; (2) a new epoch on another signer with an approval: eager
#     rewrap on the old signer, then promotion, the old signer is stopped and republishing goes on;
# (3) the same without approval: KeyMigrationRequired, the old epoch stays until the owners
#     re-seal with `seal --epoch`; (4) a signer restarted with another seed under an existing
#     epoch: Failed/SignerKeyChanged, nothing more is sent to it. No folder misses a republish.
source "$(dirname "$0")/lib.sh"
e2e_setup epochs

GITOPS=$E2E_STATE/manifests
CLI=$BIN/cipherbox-republish
AUTHORITY_PK=$("$CLI" approve-epoch --generate-authority-key --out "$E2E_STATE/authority.key")
SIGNER_A=$(start_signer signer-a image-a --authority-public-key "$AUTHORITY_PK")
SIGNER_B=$(start_signer signer-b image-b --authority-public-key "$AUTHORITY_PK")
apply_token_secret

write_epoch() {  # epoch, signer url, grace [approval]
  cat >"$GITOPS/epoch-$1.yaml" <<YAML
apiVersion: republish.cipherbox.io/v1alpha1
kind: TeeEpoch
metadata:
  name: epoch-$1
spec:
  epoch: $1
  signer:
    url: $2
    authSecretRef: {name: cipherbox-signer-token, key: token}
    insecureSimulator: true
  gracePeriod: $3
YAML
  [ -z "${4:-}" ] || echo "  approval: $4" >>"$GITOPS/epoch-$1.yaml"
}
git_apply() { kubectl apply -f "$GITOPS" >/dev/null; }

epoch_field() { kubectl get teeepoch "epoch-$1" -o jsonpath="{.status.$2}" 2>/dev/null; }
epoch_condition() {
  kubectl get teeepoch "epoch-$1" -o jsonpath="{.status.conditions[?(@.type==\"$2\")].status}/{.status.conditions[?(@.type==\"$2\")].reason}"
}
epoch_condition_is() { [ "$(epoch_condition "$1" "$2")" == "$3" ]; }
epoch_field_is() { [ "$(epoch_field "$1" "$2")" == "$3" ]; }
epoch_has_key() { [ -n "$(epoch_field "$1" publicKey)" ]; }

FOLDERS="f1 f2 f3 f4 f5"
declare -A CID
all_folders() {  # predicate args… with the folder as first argument
  local f
  for f in $FOLDERS; do "$1" "$f" "${@:2}" || return 1; done
}

# One republish cycle: every folder is triggered and must publish a higher sequence.
CYCLES=0
cycle() {  # label
  local f; declare -A before
  CYCLES=$((CYCLES + 1))
  for f in $FOLDERS; do before[$f]=$(status_of "$f" publishedSequence); request_republish "$f"; done
  for f in $FOLDERS; do
    check "$1: $f republished (sequence above ${before[$f]})" eventually 60 status_above "$f" publishedSequence "${before[$f]}"
  done
}

write_epoch 1 "$SIGNER_A" 30s
git_apply
start_operator --epoch-resync 1s --rewrap-rate 20 --key-recheck 3s
check "epoch 1 becomes Active" eventually 60 epoch_phase_is 1 Active
# Simulator quotes have no hardware chain: status says so (the verified path and the external
# second opinion are exercised by attestation_test.sh on test-chain quotes).
check_eq "epoch 1 Attested=False/Simulated" False/Simulated "$(epoch_condition 1 Attested)"
for f in $FOLDERS; do CID[$f]=$(cid_of "$f"); new_folder "$f" "${CID[$f]}" 1; done
for f in $FOLDERS; do check "$f is published" eventually 60 published_sequence_at_least "$f" 2; done

# (1) epoch 2 on the same signer: lazy migration within one cycle, retirement after the grace.
say "(1) same-signer rotation"
write_epoch 2 "$SIGNER_A" 30s
git_apply
check "(1) epoch 2 becomes Active" eventually 60 epoch_phase_is 2 Active
check "(1) epoch 1 is Superseded" eventually 30 epoch_phase_is 1 Superseded
cycle "(1) first cycle on epoch 2"
for f in $FOLDERS; do
  check_eq "(1) $f: key migrated to epoch 2 in that cycle" 2 "$(status_of "$f" migratedKey.epoch)"
done
check "(1) every folder KeyCurrent" eventually 30 all_folders condition_is KeyCurrent True/KeyCurrent
retire_after=$(date -d "$(epoch_field 1 retireAfter)" +%s)
check "(1) epoch 1 entries drop to 0" eventually 30 epoch_field_is 1 entries 0
if [ "$(date +%s)" -lt $((retire_after - 1)) ]; then
  check_eq "(1) epoch 1 not retired before retireAfter" Superseded "$(epoch_field 1 phase)"
else
  fail "(1) the cycle outlasted the grace period: cannot check 'not before'"
fi
# The specs still hold epoch 1's ciphertexts: a re-apply from git would need epoch 1.
check "(1) epoch 1 specEntries 5 (export and commit)" eventually 30 epoch_field_is 1 specEntries 5
check_eq "(1) keys export: 5 manifests written back to git and applied" 5 "$(export_keys)"
check "(1) the committed manifest carries keyEpoch 2" grep -q '^  "keyEpoch": 2$' "$GITOPS/f1.yaml"
check_eq "(1) a second export prints nothing (in sync)" "" "$("$CLI" keys export -n default 2>/dev/null)"
check "(1) epoch 1 specEntries 0, epoch 2 specEntries 5" eventually 30 \
  bash -c "[ \"\$(kubectl get teeepoch epoch-1 epoch-2 -o jsonpath='{.items[*].status.specEntries}')\" == '0 5' ]"
check "(1) epoch 1 retires after its grace period" eventually 60 epoch_phase_is 1 Retired
check "(1) ... not before retireAfter" test "$(date +%s)" -ge "$retire_after"
cycle "(1) after retirement"

# (2) epoch 3 on signer B (another image: other keys) with an approval: eager pre-rotation.
say "(2) pre-rotation with an approval"
write_epoch 3 "$SIGNER_B" 672h
git_apply
check "(2) epoch 3 key verified" eventually 60 epoch_has_key 3
check "(2) epoch 3 held back (Pending) while folders are on signer A" eventually 30 epoch_phase_is 3 Pending
check "(2) epoch 3 Migrated=False/ApprovalRequired before the approval" eventually 30 epoch_condition_is 3 Migrated False/ApprovalRequired
check_eq "(2) epoch 2 still Active" Active "$(epoch_field 2 phase)"
check "(2) folders say KeyMigrationRequired meanwhile" eventually 30 all_folders condition_is KeyCurrent False/KeyMigrationRequired
cycle "(2) while held"
# Simulator epochs were never verified to Intel's root: approve-epoch refuses them without the
# explicit test-only flag.
check "(2) approve-epoch refuses an unverified (simulator) epoch" \
  bash -c "! '$CLI' approve-epoch --authority-key-file '$E2E_STATE/authority.key' --from-cluster --epoch 3 2>/dev/null"
APPROVAL=$("$CLI" approve-epoch --authority-key-file "$E2E_STATE/authority.key" --from-cluster --epoch 3 \
  --insecure-unverified)
write_epoch 3 "$SIGNER_B" 672h "$APPROVAL"
git_apply
check "(2) every folder's key re-encrypted to epoch 3" eventually 60 all_folders status_is migratedKey.epoch 3
check "(2) epoch 3 promoted to Active after the migration" eventually 30 epoch_phase_is 3 Active
check "(2) epoch 3 Migrated=True" eventually 30 epoch_condition_is 3 Migrated True/AllKeysMigrated
check "(2) epoch 2 Superseded" eventually 30 epoch_phase_is 2 Superseded
check "(2) epoch 2 specEntries 5 after the pre-rotation" eventually 30 epoch_field_is 2 specEntries 5
check_eq "(2) keys export: 5 manifests written back to git and applied" 5 "$(export_keys)"
check "(2) epoch 2 safeToDecommission" eventually 30 epoch_field_is 2 safeToDecommission true
check_eq "(2) epoch 2 keysNeeded 0" 0 "$(epoch_field 2 keysNeeded)"
external_rewrap_logged() { grep '"msg":"rewrap"' "$E2E_STATE/logs/$1.log" | grep -q '"external":true'; }
check "(2) signer A did the rewrap (external target)" external_rewrap_logged signer-a
stop_bg signer-a
say "signer A stopped"
cycle "(2) with signer A stopped"
check "(2) every folder KeyCurrent on epoch 3" eventually 30 all_folders condition_is KeyCurrent True/KeyCurrent

# (3) epoch 4 back on image A (its keys differ from B's) without an approval: owners re-seal.
say "(3) pre-rotation without an approval"
SIGNER_A=$(start_signer signer-a image-a)  # no rotation authority at all
write_epoch 4 "$SIGNER_A" 672h
git_apply
check "(3) epoch 4 key verified" eventually 60 epoch_has_key 4
check "(3) epoch 4 Migrated=False/ApprovalRequired" eventually 30 epoch_condition_is 4 Migrated False/ApprovalRequired
check "(3) folders KeyMigrationRequired" eventually 30 all_folders condition_is KeyCurrent False/KeyMigrationRequired
check_eq "(3) epoch 3 stays Active" Active "$(epoch_field 3 phase)"
check_eq "(3) epoch 4 held back" Pending "$(epoch_field 4 phase)"
cycle "(3) before re-sealing (epoch 3 keeps serving)"
# An approval over another compose hash: signer B (which has the authority key) refuses it.
WRONG=$("$CLI" approve-epoch --authority-key-file "$E2E_STATE/authority.key" --epoch 4 \
  --public-key "$(epoch_field 4 publicKey)" --compose-hash "$(printf 'ab%.0s' $(seq 32))" --insecure-unverified)
write_epoch 4 "$SIGNER_A" 672h "$WRONG"
git_apply
check "(3) a wrong approval: Migrated=False/ApprovalInvalid" eventually 30 epoch_condition_is 4 Migrated False/ApprovalInvalid
refused_rewraps() { curl -fsS "$1/metrics" | grep '^cipherbox_signer_requests_total{' | grep 'route="/v1/rewrap"' | grep -q 'code="403"'; }
check "(3) signer B refused the rewrap (403)" refused_rewraps "$SIGNER_B"
check "(3) folders still KeyMigrationRequired" eventually 30 all_folders condition_is KeyCurrent False/KeyMigrationRequired
check_eq "(3) epoch 4 still held back" Pending "$(epoch_field 4 phase)"
cycle "(3) with a refused approval (epoch 3 keeps serving)"
for f in $FOLDERS; do  # the owner's `kubeseal`
  "$CLI" seal --epoch 4 -n default --name "$f" --cid "${CID[$f]}" --seed-file "$(folder_seed "$f")" >"$GITOPS/$f.yaml"
done
check "(3) the sealed manifest carries keyEpoch 4 and an owner record" grep -q '^  ownerRecord: ' "$GITOPS/f1.yaml"
git_apply
check "(3) every folder signs on epoch 4" eventually 60 all_folders status_is keyEpoch 4
check "(3) epoch 4 Active once no folder is left on epoch 3" eventually 30 epoch_phase_is 4 Active
check "(3) epoch 3 Superseded" eventually 30 epoch_phase_is 3 Superseded
check "(3) epoch 3 safeToDecommission" eventually 30 epoch_field_is 3 safeToDecommission true
check "(3) every folder KeyCurrent" eventually 30 all_folders condition_is KeyCurrent True/KeyCurrent
cycle "(3) after re-sealing"

# (4) signer B restarted with another seed under epoch 3: Failed, nothing more sent to it.
say "(4) unplanned key change"
stop_bg signer-b
SIGNER_B=$(start_signer signer-b image-c)
check "(4) epoch 3 Failed" eventually 60 epoch_phase_is 3 Failed
check_eq "(4) reason SignerKeyChanged" False/SignerKeyChanged "$(epoch_condition 3 Ready)"
check "(4) a SignerKeyChanged event" eventually 10 bash -c "kubectl get events -A --field-selector reason=SignerKeyChanged -o name | grep -q ."
requests_after_failure=$(signer_v1_requests "$SIGNER_B")
cycle "(4) after the failure"
sleep 8  # > 2 key-recheck periods
check_eq "(4) no request reached signer B since" "$requests_after_failure" "$(signer_v1_requests "$SIGNER_B")"
check_eq "(4) epoch 4 still Active" Active "$(epoch_field 4 phase)"

say "$CYCLES cycles, every folder republished in each"
check_history >"$E2E_STATE/history.txt" 2>&1 || true
check "routing history: every record valid, sequences strictly increase per name, no sequence signed twice" \
  grep -q '^history ok' "$E2E_STATE/history.txt"
e2e_finish
