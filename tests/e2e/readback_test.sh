#!/usr/bin/env bash
# Proof of publication (issue 15): two routing endpoints, one of which accepts every PUT and
# then serves nothing (the routing server's dropPuts knob).
# (1) the folder is Resolvable=True through the good endpoint; the bad one is marked
#     ReadBackMismatch in status.endpoints[].readBack, counted in
#     cipherbox_readback_checks_total and told by a Warning event;
# (2) the bad endpoint is given the same record again on its own backoff: more PUTs reach it,
#     the signer is not called, the sequence does not move; once it keeps records it serves
#     exactly the published record and is Verified;
# (3) when no endpoint keeps the next publication, Resolvable turns False (NotServed), and True
#     again once they recover; the served-validity gauges follow;
# (4) `cipherbox-republish audit` checks the audit ring (one entry per publication) against what
#     the endpoints serve, and fails once none serves the newest record.
source "$(dirname "$0")/lib.sh"
if [ -n "${E2E_KUBECONFIG:-}${E2E_ROUTING_URL:-}" ]; then
  say "readback needs its own routing servers (fault knobs): skipped"
  exit 0
fi
e2e_setup readback
started=$SECONDS
R1=$ROUTING_URL
start_bg routing-2 "$ROUTING_BIN" --listen 127.0.0.1:0
R2=$(first_line_matching "$E2E_STATE/logs/routing-2.log" listening | sed 's/.*"listening":"\([^"]*\)".*/\1/')

knobs() { curl -fsS -X POST "$1/_test/faults" -d "$2"; }
check_eq "the routing server has the dropPuts knob" true "$(knobs "$R2" '{"dropPuts":true}' | jq -r .dropPuts)"
served_sequence() {  # routing url, folder: sequence of the record the endpoint holds ("" none)
  curl -fsS "$1/_test/records" | jq -r --arg n "$(folder_name "$2")" '.[$n].sequence // ""'
}
served_record() {  # routing url, folder
  curl -fsS "$1/_test/records" | jq -r --arg n "$(folder_name "$2")" '.[$n].recordBase64 // ""'
}
dropped() { curl -fsS "$1/_test/stats" | jq -r '.dropped'; }
read_back() {  # folder, routing url, field of readBack
  kubectl get ipnsrepublish "$1" -o json |
    jq -r --arg u "$2" --arg f "$3" '.status.endpoints[] | select(.url == $u) | .readBack[$f] // "" | tostring'
}
read_back_is() { [ "$(read_back "$1" "$2" "$3")" == "$4" ]; }
dropped_above() { [ "$(dropped "$1")" -gt "$2" ]; }
PROBE_PORT=$(free_port)
metrics() { curl -fsS "http://127.0.0.1:$PROBE_PORT/metrics"; }
counter() {  # series selector text -> value (0 when absent)
  local page; page=$(metrics) || return 1
  awk -v s="$1" 'index($0, s) == 1 {v = $NF} END {print v + 0}' <<<"$page"
}
counter_at_least() { [ "$(counter "$1")" -ge "$2" ] 2>/dev/null; }
sign_requests() {  # signer url: POST /v1/sign requests it answered (key rechecks are other routes)
  curl -fsS "$1/metrics" | awk '/^cipherbox_signer_requests_total\{/ && /route="\/v1\/sign"/ {n += $NF} END {print n + 0}'
}

SIGNER_URL=$(start_signer signer-a)
apply_token_secret
apply_epoch 1 "$SIGNER_URL"
PROBE_ADDRESS=127.0.0.1:$PROBE_PORT start_operator --routing "$R2" --readback-delay 1s \
  --readback-retry-base 2s --readback-retry-max 4s --readback-margin 24h --validity-slo-period 2s
check "epoch 1 becomes Active" eventually 60 epoch_phase_is 1 Active
CID1=$(cid_of one)
new_folder f1 "$CID1" 1
check "f1 is published" eventually 60 published_sequence_at_least f1 2
SEQ=$(status_of f1 publishedSequence)

# --- (1) Resolvable through the good endpoint, the bad one marked ---
say "(1) one endpoint drops every record it accepts"
check "(1) f1: Resolvable=True (Served)" eventually 30 condition_is f1 Resolvable True/Served
check "(1) f1: endpoint 1 Verified" eventually 10 read_back_is f1 "$R1" result Verified
check_eq "(1) f1: endpoint 1 verified the published sequence" "$SEQ" "$(read_back f1 "$R1" verifiedSequence)"
check_eq "(1) f1: endpoint 1's verified validity is the published record's" \
  "$(date -d "$(status_of f1 validUntil)" +%s)" "$(date -d "$(read_back f1 "$R1" verifiedValidUntil)" +%s)"
check "(1) f1: endpoint 2 marked ReadBackMismatch" eventually 10 read_back_is f1 "$R2" result ReadBackMismatch
check_eq "(1) f1: endpoint 2 did accept the PUT" "$SEQ" \
  "$(kubectl get ipnsrepublish f1 -o json | jq -r --arg u "$R2" '.status.endpoints[] | select(.url == $u) | .publishedSequence')"
check_eq "(1) f1: endpoint 2 serves nothing" "" "$(served_sequence "$R2" f1)"
check "(1) f1: the mismatch says what was found" bash -c "kubectl get ipnsrepublish f1 -o json | grep -q 'serves no record'"
check "(1) metric: mismatches of endpoint 2 counted" eventually 10 counter_at_least \
  "cipherbox_readback_checks_total{endpoint=\"$R2\",result=\"ReadBackMismatch\"}" 1
check "(1) metric: verifications of endpoint 1 counted" counter_at_least \
  "cipherbox_readback_checks_total{endpoint=\"$R1\",result=\"Verified\"}" 1
gauge() {  # series text (exact, with labels) -> value ("" when absent)
  local page; page=$(metrics) || return 1
  awk -v s="$1" '$1 == s {print $2}' <<<"$page"
}
served_left_now() {  # folder: seconds its best verified record has left, by status
  echo $(($(date -d "$(read_back "$1" "$R1" verifiedValidUntil)" +%s) - $(date +%s)))
}
gauge_tracks_served() {  # the min-validity gauge within 5 s of what endpoint 1 serves
  local g s; g=$(gauge cipherbox_served_validity_min_seconds); s=$(served_left_now f1)
  [ -n "$g" ] && awk -v g="$g" -v s="$s" 'BEGIN {d = g - s; exit !(d < 5 && d > -5)}'
}
gauge_is() { [ "$(gauge "$1")" == "$2" ]; }
check "(1) metric: cipherbox_served_validity_min_seconds tracks the record endpoint 1 serves" eventually 15 gauge_tracks_served
check "(1) metric: no folder below the margin or unresolvable" bash -c "[ \"\$(curl -fsS http://127.0.0.1:$PROBE_PORT/metrics | grep -c '^cipherbox_folders_validity{state=\"[a-z_]*\"} 0')\" == 2 ]"
check "(1) a ReadBackMismatch Warning event names endpoint 2" eventually 10 bash -c \
  "kubectl get events.events.k8s.io -o json | jq -e --arg u '$R2' '[.items[] | select(.reason == \"ReadBackMismatch\" and .type == \"Warning\" and (.note | contains(\$u)))] | length > 0' >/dev/null"

# --- (2) retried on its own schedule with the same record, never re-signed ---
say "(2) the bad endpoint is retried with the same record"
signs_before=$(sign_requests "$SIGNER_URL")
check "(2) the signer counts sign requests (the assertion below can fail)" test "$signs_before" -gt 0
dropped_before=$(dropped "$R2")
check "(2) more PUTs of the record reach endpoint 2 (re-PUTs on the backoff)" eventually 30 dropped_above "$R2" "$((dropped_before + 1))"
check "(2) endpoint 2's consecutive failures counted" bash -c "[ \"\$(kubectl get ipnsrepublish f1 -o json | jq -r --arg u '$R2' '.status.endpoints[] | select(.url == \$u) | .readBack.failures')\" -ge 2 ]"
check_eq "(2) the signer was not called for the retries" "$signs_before" "$(sign_requests "$SIGNER_URL")"
check_eq "(2) f1: sequence unchanged" "$SEQ" "$(status_of f1 sequence)"
check_eq "(2) f1: still Resolvable" True/Served "$(condition_of f1 Resolvable)"
knobs "$R2" '{"dropPuts":false}' >/dev/null
check "(2) endpoint 2 Verified once it keeps records" eventually 30 read_back_is f1 "$R2" result Verified
check_eq "(2) endpoint 2 serves the published sequence" "$SEQ" "$(served_sequence "$R2" f1)"
check_eq "(2) endpoint 2 serves byte for byte the record endpoint 1 serves" "$(served_record "$R1" f1)" "$(served_record "$R2" f1)"
check_eq "(2) endpoint 2's failures reset" 0 "$(read_back f1 "$R2" failures)"
check_eq "(2) the signer was still not called" "$signs_before" "$(sign_requests "$SIGNER_URL")"

# --- (3) no endpoint keeps the next publication ---
say "(3) both endpoints drop the next publication"
knobs "$R1" '{"dropPuts":true}' >/dev/null
knobs "$R2" '{"dropPuts":true}' >/dev/null
curl -fsS -X DELETE "$R1/_test/records" >/dev/null
curl -fsS -X DELETE "$R2/_test/records" >/dev/null
request_republish f1
check "(3) f1 republished" eventually 30 status_above f1 publishedSequence "$SEQ"
check "(3) f1: Resolvable=False (NotServed)" eventually 30 condition_is f1 Resolvable False/NotServed
check "(3) f1: both endpoints marked" read_back_is f1 "$R1" result ReadBackMismatch
check "(3) f1: endpoint 2 marked" read_back_is f1 "$R2" result ReadBackMismatch
check "(3) metric: the folder counted as not resolvable" eventually 15 gauge_is 'cipherbox_folders_validity{state="not_resolvable"}' 1
check "(3) metric: served validity minimum 0" eventually 15 gauge_is cipherbox_served_validity_min_seconds 0
knobs "$R1" '{"dropPuts":false}' >/dev/null
knobs "$R2" '{"dropPuts":false}' >/dev/null
check "(3) f1: Resolvable=True again once the endpoints keep the re-PUT record" eventually 30 condition_is f1 Resolvable True/Served
check "(3) metric: not_resolvable back to 0" eventually 15 gauge_is 'cipherbox_folders_validity{state="not_resolvable"}' 0
check "(3) f1: both endpoints Verified" eventually 30 bash -c "[ \"\$(kubectl get ipnsrepublish f1 -o json | jq -r '[.status.endpoints[].readBack.result] | unique | join(\",\")')\" == Verified ]"
check_history values "$R1" >"$E2E_STATE/history.txt" 2>&1 || true
check "routing history of endpoint 1: valid records, no sequence twice, never backwards" grep -q '^history ok' "$E2E_STATE/history.txt"

# --- CLI: status shows the read-back, republish-now triggers a cycle ---
cli() { "$BIN/cipherbox-republish" "$@" --kubeconfig "$KUBECONFIG" -n default; }
cli status f1 >"$E2E_STATE/status.txt"
check "status: the folder row says Resolvable True with the served validity left" \
  grep -qE "^f1 .* True +(4[0-7]h[0-9]{2}m) " "$E2E_STATE/status.txt"
check "status: endpoint 1's read-back line" grep -qE "^$R1 +$(status_of f1 publishedSequence) +Verified " "$E2E_STATE/status.txt"
check "status: endpoint 2's read-back line" grep -qE "^$R2 +$(status_of f1 publishedSequence) +Verified " "$E2E_STATE/status.txt"
before=$(status_of f1 publishedSequence)
check "republish-now: accepted" cli republish-now f1
check "republish-now: the folder publishes the next sequence" eventually 30 status_is f1 publishedSequence $((before + 1))
check_eq "republish-now: the annotation is what the operator handled" \
  "$(kubectl get ipnsrepublish f1 -o jsonpath='{.metadata.annotations.republish\.cipherbox\.io/republish-requested-at}')" \
  "$(status_of f1 lastHandledRequestAt)"
check "republish-now: an unknown folder fails" bash -c "! '$BIN/cipherbox-republish' republish-now nope --kubeconfig '$KUBECONFIG' -n default 2>/dev/null"
check "the new publication is read back on both endpoints" eventually 30 bash -c "[ \"\$(kubectl get ipnsrepublish f1 -o json | jq -r '[.status.endpoints[].readBack | select(.result == \"Verified\") | .sequence] | join(\",\")')\" == $((before + 1)),$((before + 1)) ]"

# --- (4) the audit ring, checked against what the endpoints serve ---
say "(4) audit"
audit() { "$BIN/cipherbox-republish" audit --kubeconfig "$KUBECONFIG" -n default f1 "$@"; }
check "(4) audit: every entry checks out against both endpoints" audit
check_eq "(4) audit: one entry per publication" "$SEQ $((SEQ + 1)) $(status_of f1 publishedSequence)" \
  "$(kubectl get ipnsrepublish f1 -o json | jq -r '[.status.audit[].sequence] | join(" ")')"
check_eq "(4) audit: the newest entry is the record the endpoints serve" \
  "$(served_record "$R1" f1 | base64 -d | sha256sum | cut -d' ' -f1)" \
  "$(kubectl get ipnsrepublish f1 -o json | jq -r '.status.audit[-1].recordSha256')"
check_eq "(4) audit: the signer of the epoch is named" "$SIGNER_URL" \
  "$(kubectl get ipnsrepublish f1 -o json | jq -r '.status.audit[-1].signer')"
audit >"$E2E_STATE/audit.txt" 2>&1 || true
check "(4) audit: the older entry is superseded" grep -q "^$SEQ .*ok: superseded" "$E2E_STATE/audit.txt"
curl -fsS -X DELETE "$R1/_test/records" >/dev/null
curl -fsS -X DELETE "$R2/_test/records" >/dev/null
check "(4) audit fails once no endpoint serves the newest record" bash -c "! audit_out=\$('$BIN/cipherbox-republish' audit --kubeconfig '$KUBECONFIG' -n default f1) && grep -q 'FAILED: no endpoint serves' <<<\"\$audit_out\""
say "readback scenario: $((SECONDS - started)) s"
e2e_finish
