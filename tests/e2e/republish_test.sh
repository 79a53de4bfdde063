#!/usr/bin/env bash
# Republish scenarios (issue 5): first publication, value changes only with an owner record,
# sequences never rolled back, manual trigger, suspend.
source "$(dirname "$0")/lib.sh"
e2e_setup republish

SIGNER_URL=$(start_signer signer-a)
apply_token_secret
apply_epoch 1 "$SIGNER_URL"
start_operator
check "epoch 1 becomes Active" eventually 60 epoch_phase_is 1 Active

CID1=$(cid_of one); CID2=$(cid_of two); CID3=$(cid_of three); CID4=$(cid_of four)
start=$SECONDS
for f in alpha beta gamma; do new_folder "$f" "$CID1" 1; done
for f in alpha beta gamma; do
  check "$f is published" eventually 60 published_sequence_at_least "$f" 2
done
say "3 folders published in $((SECONDS - start)) s"
for f in alpha beta gamma; do
  out=$(verify_resolved "$f")
  check_eq "$f: record from routing validates with the ipns package" true "$(echo "$out" | json_field valid)"
  check_eq "$f: resolved value is spec.cid" "/ipfs/$CID1" "$(echo "$out" | json_field value)"
  check_eq "$f: resolved sequence above the owner's first record" 2 "$(echo "$out" | json_field sequence)"
  check_eq "$f: Ready" True/Published "$(condition_of "$f" Ready)"
done

# cid change backed by an owner record in spec.ownerRecord (the GitOps way): the owner signs it
# above the name's current sequence (an older one would be a rollback and is not served).
kubectl patch ipnsrepublish alpha --type=merge -p "{\"spec\":{\"cid\":\"$CID2\",\"ownerRecord\":\"$(owner_record alpha "$CID2" 1)\"}}" >/dev/null
check "alpha: an owner record older than the newest record is not served" eventually 30 condition_is alpha Ready False/NetworkAhead
check_eq "alpha: still on the newest value" "/ipfs/$CID1" "$(verify_resolved alpha | json_field value)"
seq_now=$(status_of alpha sequence)
rec=$(owner_record alpha "$CID2" $((seq_now + 1)))
kubectl patch ipnsrepublish alpha --type=merge -p "{\"spec\":{\"ownerRecord\":\"$rec\"}}" >/dev/null
check "alpha: new cid from spec.ownerRecord is published" eventually 30 status_is alpha publishedCid "$CID2"
check_eq "alpha: sequence went above the owner's record" $((seq_now + 2)) "$(status_of alpha publishedSequence)"
check_eq "alpha: routing serves the new value" "/ipfs/$CID2" "$(verify_resolved alpha | json_field value)"

# cid change backed by a record the owner's client published on the network.
owner_publish beta "$CID2" 5
kubectl patch ipnsrepublish beta --type=merge -p "{\"spec\":{\"cid\":\"$CID2\"}}" >/dev/null
check "beta: new cid found on the network is republished" eventually 30 status_is beta publishedSequence 6
check_eq "beta: routing serves the new value" "/ipfs/$CID2" "$(verify_resolved beta | json_field value)"

# cid change without any owner record: the old value stays alive, the folder says why.
kubectl patch ipnsrepublish gamma --type=merge -p "{\"spec\":{\"cid\":\"$CID3\"}}" >/dev/null
check "gamma: AwaitingOwnerRecord" eventually 30 condition_is gamma Ready False/AwaitingOwnerRecord
check_eq "gamma: still on the old value" "/ipfs/$CID1" "$(verify_resolved gamma | json_field value)"
check_eq "gamma: old value re-signed with a higher sequence" 3 "$(status_of gamma publishedSequence)"

# A higher spec.sequence (the owner's client published up to 40 elsewhere) is respected.
kubectl patch ipnsrepublish alpha --type=merge -p '{"spec":{"sequence":"40"}}' >/dev/null
check "alpha: next sequence is above spec.sequence" eventually 30 status_is alpha publishedSequence 41

# A newer owner record on the network wins over a stale spec.cid and is never rolled back.
owner_publish alpha "$CID4" 50
request_republish alpha
check "alpha: network's newer owner value is re-signed" eventually 30 status_is alpha publishedSequence 51
check_eq "alpha: routing serves the owner's newest value" "/ipfs/$CID4" "$(verify_resolved alpha | json_field value)"
check_eq "alpha: NetworkAhead condition" True/NetworkAhead "$(condition_of alpha NetworkAhead)"

# Manual trigger and suspend.
seq_before=$(status_of beta publishedSequence)
request_republish beta
check "beta: republish-now makes it due at once" eventually 30 status_above beta publishedSequence "$seq_before"
kubectl patch ipnsrepublish beta --type=merge -p '{"spec":{"suspend":true}}' >/dev/null
sleep 2
seq_suspended=$(status_of beta publishedSequence)
request_republish beta
sleep 5
check_eq "beta: suspended folder is left alone" "$seq_suspended" "$(status_of beta publishedSequence)"

# Every record that ever reached routing validates, and no name went backwards.
check_history >"$E2E_STATE/history.txt" 2>&1 || true
check "routing history: every record valid, sequences strictly increase per name, no sequence signed twice" \
  grep -q '^history ok' "$E2E_STATE/history.txt"
e2e_finish
