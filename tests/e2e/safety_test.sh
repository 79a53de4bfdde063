#!/usr/bin/env bash
# Safety promises of the operator (issue 10, items 1-4, 12, 13), against the real API server, the
# boxo routing server and a simulator signer:
# (1) after the owner publishes a newer value, no later cycle rolls the folder back to spec.cid;
# (2) a re-created object (GitOps restore: no status) never signs its old ownerRecord value over
#     the owner's newer network record; (3) with no sequence known and every routing GET failing,
#     nothing is signed until a lookup answers; (4) two objects with one ipnsName: only the oldest
#     signs, the other says DuplicateName, and takes over when the owner is deleted;
# (12) a success removes status.failures.{reason,message,lastAttemptAt}; (13) per-epoch metrics
#     of an epoch no folder uses anymore disappear from /metrics.
source "$(dirname "$0")/lib.sh"
e2e_setup safety

SIGNER_URL=$(start_signer signer-a)
apply_token_secret
apply_epoch 1 "$SIGNER_URL" 5s
PROBE_PORT=$(free_port)
PROBE_ADDRESS=127.0.0.1:$PROBE_PORT start_operator --epoch-resync 1s
check "epoch 1 becomes Active" eventually 60 epoch_phase_is 1 Active

CID_A=$(cid_of safety-a); CID_B=$(cid_of safety-b)
A=/ipfs/$CID_A; B=/ipfs/$CID_B

# Adds spec.ownerRecord (a record the owner signed) to a folder's manifest.
add_owner_record() {  # folder, cid, sequence
  echo "  ownerRecord: $(owner_record "$1" "$2" "$3")" >>"$E2E_STATE/manifests/$1.yaml"
}
# One manual cycle: trigger, then wait for the published sequence to reach `expected`.
cycle_to() {  # folder, expected published sequence
  request_republish "$1"
  eventually 30 status_is "$1" publishedSequence "$2"
}
# Every accepted record of a folder from sequence `from` on carries `value`.
history_values_from() {  # folder, from sequence -> the distinct values at or above it
  accepted_history "$1" | awk -v from="$2" '$1 >= from {print $2}' | sort -u
}

# --- (1) The owner's newer value is never rolled back (three cycles after its publication). ---
write_folder roll "$CID_A" 1
owner_publish roll "$CID_A" 1
add_owner_record roll "$CID_A" 1
kubectl apply -f "$E2E_STATE/manifests/roll.yaml" >/dev/null
check "roll: first publication of spec.cid" eventually 60 status_is roll publishedSequence 2
owner_publish roll "$CID_B" 10  # the owner's client, online elsewhere, moves the folder to B
for cycle in 1 2 3; do
  check "roll: cycle $cycle after the owner's publication published" cycle_to roll $((10 + cycle))
  check_eq "roll: cycle $cycle: routing serves the owner's value" "$B" "$(verify_resolved roll | json_field value)"
done
check_eq "roll: every record since the owner's carries its value" "$B" "$(history_values_from roll 10)"
check_eq "roll: NetworkAhead says why spec.cid is not served" True/NetworkAhead "$(condition_of roll NetworkAhead)"
check_eq "roll: Ready=False NetworkAhead" False/NetworkAhead "$(condition_of roll Ready)"

# --- (12) A success clears the last failure (merge patch with explicit nulls). ---
routing_faults '{"putFailRate":1,"status":503}'
request_republish roll
check "roll: publication fails while routing refuses PUTs" eventually 30 status_is roll failures.reason PublishFailed
check "roll: failure message recorded" test -n "$(status_of roll failures.message)"
routing_faults '{"putFailRate":0}'
check "roll: the pending record is published once routing accepts" eventually 40 status_is roll publishedSequence 14
check "roll: failure count back to 0" eventually 10 status_is roll failures.count 0
failure_fields=$(kubectl get ipnsrepublish roll -o json | jq -c '.status.failures | del(.count)')
check_eq "roll: failures.reason, message and lastAttemptAt are gone from the stored object" "{}" "$failure_fields"

# --- (2) A re-created object (no status) never signs its old ownerRecord over a newer record. ---
write_folder restore "$CID_A" 1
owner_publish restore "$CID_A" 1
add_owner_record restore "$CID_A" 1
kubectl apply -f "$E2E_STATE/manifests/restore.yaml" >/dev/null
check "restore: first publication" eventually 60 status_is restore publishedSequence 2
owner_publish restore "$CID_B" 20
kubectl delete ipnsrepublish restore --wait=true >/dev/null
kubectl apply -f "$E2E_STATE/manifests/restore.yaml" >/dev/null  # the GitOps restore, ownerRecord A@1
check "restore: re-created object publishes above the owner's sequence" eventually 60 status_is restore publishedSequence 21
check_eq "restore: routing serves the owner's newer value" "$B" "$(verify_resolved restore | json_field value)"
check_eq "restore: nothing signed for the old ownerRecord value after the owner's record" "$B" "$(history_values_from restore 20)"
check_eq "restore: NetworkAhead" True/NetworkAhead "$(condition_of restore NetworkAhead)"

# --- (3) No known sequence and every routing lookup failing: nothing is signed. ---
write_folder blind "$CID_A" 1
owner_publish blind "$CID_B" 5  # the owner's newest record; the manifest still carries A@1
add_owner_record blind "$CID_A" 1
routing_faults '{"getFailRate":1,"status":503}'
kubectl apply -f "$E2E_STATE/manifests/blind.yaml" >/dev/null
check "blind: Ready=False RoutingLookupFailed" eventually 30 condition_is blind Ready False/RoutingLookupFailed
check "blind: retried with backoff (3 failed attempts)" eventually 30 status_above blind failures.count 2
check_eq "blind: no sequence reserved" "" "$(status_of blind sequence)"
puts=$(curl -fsS "$ROUTING_URL/_test/history" | jq --arg n "$(folder_name blind)" '[.[] | select(.name == $n)] | length')
check_eq "blind: routing got only the owner's PUT" 1 "$puts"
routing_faults '{"getFailRate":0}'
check "blind: once a lookup answers, the owner's newest value is extended" eventually 40 status_is blind publishedSequence 6
check_eq "blind: routing serves the owner's value" "$B" "$(verify_resolved blind | json_field value)"

# --- (4) One name, one folder: two objects in two namespaces with the same ipnsName. ---
kubectl create namespace dup-a >/dev/null
kubectl create namespace dup-b >/dev/null
write_folder dup "$CID_A" 1 dup-a
owner_publish dup "$CID_A" 1
sed 's/namespace: dup-a/namespace: dup-b/' "$E2E_STATE/manifests/dup.yaml" >"$E2E_STATE/manifests/dup-copy.yaml"
# A second apart: creationTimestamp has second precision, and within one second the smaller uid
# (random) would decide — the unit tests cover that order.
kubectl apply -f "$E2E_STATE/manifests/dup.yaml" >/dev/null
sleep 1.1
kubectl apply -f "$E2E_STATE/manifests/dup-copy.yaml" >/dev/null
OWNER_NS=$(kubectl get ipnsrepublish -A --field-selector metadata.name=dup -o json |
  jq -r '.items | sort_by(.metadata.creationTimestamp, .metadata.uid) | .[0].metadata.namespace')
check_eq "dup: the object applied first is the oldest" dup-a "$OWNER_NS"
OTHER_NS=dup-b
in_ns() { kubectl -n "$1" get ipnsrepublish dup -o jsonpath="{.status.$2}" 2>/dev/null; }
in_ns_is() { [ "$(in_ns "$1" "$2")" == "$3" ]; }
ready_in() { in_ns "$1" 'conditions[?(@.type=="Ready")].status}/{.status.conditions[?(@.type=="Ready")].reason'; }
ready_in_is() { [ "$(ready_in "$1")" == "$2" ]; }
check "dup: the owner publishes" eventually 60 in_ns_is "$OWNER_NS" publishedSequence 2
check "dup: the other object is Ready=False DuplicateName" eventually 30 ready_in_is "$OTHER_NS" False/DuplicateName
duplicate_event() {
  kubectl get events.events.k8s.io -n "$OTHER_NS" -o json |
    jq -e --arg owner "$OWNER_NS/dup" '[.items[] | select(.reason == "DuplicateName" and .type == "Warning" and (.note | contains($owner)))] | length > 0'
}
check "dup: a Warning event names the owner" eventually 20 duplicate_event
OWNER_RECORDS=$(in_ns "$OWNER_NS" lastRecord)
for i in 1 2; do
  for ns in "$OWNER_NS" "$OTHER_NS"; do
    kubectl -n "$ns" annotate --overwrite ipnsrepublish dup \
      "republish.cipherbox.io/republish-requested-at=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)" >/dev/null
  done
  check "dup: the owner's cycle $i published" eventually 30 in_ns_is "$OWNER_NS" publishedSequence $((2 + i))
  OWNER_RECORDS="$OWNER_RECORDS $(in_ns "$OWNER_NS" lastRecord)"
done
sleep 3  # the duplicate's triggers have been seen (events of its own annotation)
check_eq "dup: the other object never reserved a sequence" "" "$(in_ns "$OTHER_NS" sequence)"
foreign=$(curl -fsS "$ROUTING_URL/_test/history" |
  jq -r --arg n "$(folder_name dup)" '.[] | select(.name == $n and .sequence != "1") | .recordBase64' |
  while read -r rec; do case " $OWNER_RECORDS " in *" $rec "*) ;; *) echo x ;; esac; done | wc -l)
check_eq "dup: every PUT for the name after the owner's client is a record the owner object published" 0 "$foreign"
last_owner_seq=$(in_ns "$OWNER_NS" publishedSequence)
kubectl -n "$OWNER_NS" delete ipnsrepublish dup --wait=true >/dev/null
check "dup: the next-oldest takes over when the owner is deleted" eventually 40 ready_in_is "$OTHER_NS" True/Published
check_eq "dup: it continues above the owner's sequence" $((last_owner_seq + 1)) "$(in_ns "$OTHER_NS" publishedSequence)"

check_history >"$E2E_STATE/history.txt" 2>&1 || true
check "routing history: every record valid, sequences never go down, no sequence signed twice" \
  grep -q '^history ok' "$E2E_STATE/history.txt"

# --- (13) Per-epoch series go with the last folder on the epoch and with its retirement. ---
kubectl delete ipnsrepublish --all -A --wait=true >/dev/null
# The ledger keeps deleted folders' keys (on epoch 1) for its retention period, and they hold
# epoch 1 (issue 14): an admin who knows those folders are gone for good removes them.
ledgers_all_marked_deleted() {
  [ "$(kubectl -n "$OPERATOR_NS" get keyledger -o json | jq '[.items[] | select(.spec.deletedAt == null)] | length')" == 0 ]
}
check "ledger: every deleted folder's entry marked deleted" eventually 30 ledgers_all_marked_deleted
kubectl -n "$OPERATOR_NS" delete keyledger --all --wait=true >/dev/null
# The whole page first: `curl | grep -q` would let a failed scrape (or grep's early exit, a
# SIGPIPE under pipefail) look like an absent series.
metrics() { curl -fsS "http://127.0.0.1:$PROBE_PORT/metrics"; }
has_series() { local page; page=$(metrics) || return 1; grep -qF "$1" <<<"$page"; }
lacks_series() { local page; page=$(metrics) || return 1; ! grep -qF "$1" <<<"$page"; }
new_folder meter "$CID_A" 1
check "meter: published" eventually 60 status_is meter publishedSequence 2
check "metrics: epoch 1 validity deadline shown" eventually 20 has_series 'cipherbox_record_valid_until_earliest_seconds{epoch="1"}'
apply_epoch 2 "$SIGNER_URL"
check "epoch 2 becomes Active" eventually 60 epoch_phase_is 2 Active
request_republish meter
check "meter: key migrated to epoch 2 on its next republish" eventually 30 status_is meter migratedKey.epoch 2
check "metrics: epoch 2 validity deadline shown" eventually 20 has_series 'cipherbox_record_valid_until_earliest_seconds{epoch="2"}'
check "metrics: epoch 1 validity deadline gone (no folder on it)" eventually 20 lacks_series 'cipherbox_record_valid_until_earliest_seconds{epoch="1"}'
check_eq "meter: keys export writes the migrated key back" 1 "$(export_keys)"
check "epoch 1 Retired after its grace period" eventually 60 epoch_phase_is 1 Retired
check "metrics: epoch 1 entries gone once retired" eventually 20 lacks_series 'cipherbox_epoch_entries{epoch="1"}'
check "metrics: epoch 1 phase still says Retired" has_series 'cipherbox_epoch_phase{epoch="1",phase="Retired"} 1'
e2e_finish
