#!/usr/bin/env bash
# Attestation is verified, not reported (issue 11): an epoch's compose hash and app id are read
# from the event log replayed to the quote's RTMR3 and must equal the TeeEpoch's pins.
# (1) simulator signers (their event logs are dstack-shaped; only the hardware chain is skipped,
#     and status says so): the pinned app becomes Active; a signer measuring another compose hash
#     or another app id never does, however long the operator keeps asking.
# (2) the hardware path: real cipherbox-signer processes on a dstack guest-agent stand-in whose
#     quotes are signed through a TEST DCAP chain (report data = the signer's binding of epoch,
#     key and the operator's nonce); the operator verifies them in-process with collateral from a
#     PCCS stand-in over loopback HTTP, pinned to the test root by its test-only flag (status
#     shows trustAnchor "test"). The pinned app becomes Active with Attested=True; a quote for
#     another compose hash or app id never does; (3) the PCCS then serves collateral under which
#     the platform is OutOfDate (a TCB recovery): the epoch leaves Active (Attested=False,
#     Ready=False/AttestationRejected, event, metric) and its signer gets no more requests; when
#     the collateral says UpToDate again, it comes back. The optional external verifier is asked
#     for hardware quotes only and can veto (a stand-in answering in Phala's API shape).
# Real TDX hardware and Intel's PCS cannot exist on this machine: the chain and PCCS stand-ins are
# tests/support/attest (cbx_attest_testchain), the guest agent is cbx_fake_dstack_agent.
source "$(dirname "$0")/lib.sh"
e2e_setup attestation

TESTCHAIN=$BIN/cbx_attest_testchain
PKI=$E2E_STATE/pki
"$TESTCHAIN" init "$PKI"
"$TESTCHAIN" collateral "$PKI" --status UpToDate --out "$PKI/collateral.json"
start_bg pccs "$TESTCHAIN" pccs "$PKI" --collateral "$PKI/collateral.json"
PCCS_URL=$(first_line_matching "$E2E_STATE/logs/pccs.log" listening | sed 's/.*"url":"\([^"]*\)".*/\1/')
PROBE_PORT=$(free_port)
# The optional external verifier (a second opinion that can only veto), in the answer shape of
# Phala's /api/v1/attestations/verify: says verified for a whole quote (both field names), and
# not verified while the file $E2E_STATE/veto exists.
cat >"$E2E_STATE/fake-verifier.py" <<'PY'
import http.server, json, os, sys
veto = sys.argv[1]
class Verifier(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers['Content-Length'])))
        whole = len(body.get('quote', '')) >= 2 * 632 and body.get('quote') == body.get('hex')
        ok = whole and not os.path.exists(veto)
        out = json.dumps({'success': True, 'quote': {'verified': ok}}).encode()
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(out)))
        self.end_headers()
        self.wfile.write(out)
        print('verify', 'ok' if ok else ('veto' if whole else 'bad'), flush=True)
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(('127.0.0.1', 0), Verifier)
print('listening', server.server_address[1], flush=True)
server.serve_forever()
PY
start_bg verifier python3 "$E2E_STATE/fake-verifier.py" "$E2E_STATE/veto"
VERIFIER_URL=http://127.0.0.1:$(first_line_matching "$E2E_STATE/logs/verifier.log" listening | awk '{print $2}')

PINNED=$(printf '1c%.0s' $(seq 32))
OTHER=$(printf '2d%.0s' $(seq 32))
APP=$(printf 'a1%.0s' $(seq 20))
OTHER_APP=$(printf 'b2%.0s' $(seq 20))

epoch_field() { kubectl get teeepoch "epoch-$1" -o jsonpath="{.status.$2}" 2>/dev/null; }
epoch_condition() {
  kubectl get teeepoch "epoch-$1" -o jsonpath="{.status.conditions[?(@.type==\"$2\")].status}/{.status.conditions[?(@.type==\"$2\")].reason}"
}
epoch_condition_is() { [ "$(epoch_condition "$1" "$2")" == "$3" ]; }

pinned_epoch() {  # epoch, signer url, compose hash, app id, extra signer lines
  cat <<YAML | kubectl apply -f - >/dev/null
apiVersion: republish.cipherbox.io/v1alpha1
kind: TeeEpoch
metadata:
  name: epoch-$1
spec:
  epoch: $1
  signer:
    url: $2
    authSecretRef: {name: cipherbox-signer-token, key: token}
    composeHash: "$3"
    appId: "$4"
$5
YAML
}
simulator_epoch() { pinned_epoch "$@" "    insecureSimulator: true"; }  # epoch, url, hash, app id

say "(1) simulator signers: pins enforced on the replayed event log"
GOOD=$(start_signer good seed-a --simulator-compose-hash "$PINNED" --simulator-app-id "$APP")
WRONG_COMPOSE=$(start_signer wrong-compose seed-b --simulator-compose-hash "$OTHER" --simulator-app-id "$APP")
WRONG_APP=$(start_signer wrong-app seed-c --simulator-compose-hash "$PINNED" --simulator-app-id "$OTHER_APP")
apply_token_secret
PROBE_ADDRESS=127.0.0.1:$PROBE_PORT start_operator --epoch-resync 2s --pccs-url "$PCCS_URL" \
  --insecure-test-root-ca "$PKI/root.pem" --collateral-max-age 2s \
  --attestation-verifier "$VERIFIER_URL/api/v1/attestations/verify"
simulator_epoch 1 "$GOOD" "$PINNED" "$APP"
check "(1) the pinned app's epoch becomes Active" eventually 60 epoch_phase_is 1 Active
check_eq "(1) compose hash from the replayed log" "$PINNED" "$(epoch_field 1 attestation.composeHash)"
check_eq "(1) app id from the replayed log" "$APP" "$(epoch_field 1 attestation.appId)"
check_eq "(1) simulated, chain not verified (status says so)" "true/false" \
  "$(epoch_field 1 attestation.simulated)/$(epoch_field 1 attestation.verified)"
check_eq "(1) Attested=False/Simulated" "False/Simulated" "$(epoch_condition 1 Attested)"
check "(1) status carries RTMR3" test -n "$(epoch_field 1 attestation.rtmr3)"

simulator_epoch 2 "$WRONG_COMPOSE" "$PINNED" "$APP"
simulator_epoch 3 "$WRONG_APP" "$PINNED" "$APP"
check "(1) another compose hash: Attested=False/COMPOSE_HASH_MISMATCH" \
  eventually 60 epoch_condition_is 2 Attested False/COMPOSE_HASH_MISMATCH
check "(1) another app id: Attested=False/APP_ID_MISMATCH" \
  eventually 60 epoch_condition_is 3 Attested False/APP_ID_MISMATCH
check "(1) an AttestationRejected warning event" \
  eventually 30 bash -c "kubectl get events -A --field-selector reason=AttestationRejected -o name | grep -q ."
sleep 25  # > 2 key-recheck periods: the operator keeps asking, the answer stays no
check_eq "(1) epoch 2 never Active, no public key recorded" "Pending/" "$(epoch_field 2 phase)/$(epoch_field 2 publicKey)"
check_eq "(1) epoch 3 never Active, no public key recorded" "Pending/" "$(epoch_field 3 phase)/$(epoch_field 3 publicKey)"
check_eq "(1) epoch 1 stays Active" Active "$(epoch_field 1 phase)"
check_eq "(1) Ready=False/AttestationRejected" "False/AttestationRejected" "$(epoch_condition 2 Ready)"
check "(1) simulator quotes are not sent to the external verifier" \
  bash -c "! grep -q '^verify' '$E2E_STATE/logs/verifier.log'"

say "(2) hardware path: test-chain quotes, in-process DCAP verification, PCCS stand-in"
# A hardware signer's URL must be https:// (CRD rule; in a CVM dstack's gateway terminates TLS):
# a TLS front on loopback with a certificate of a test CA plays the gateway, the epoch pins that
# CA in spec.signer.caBundle.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
  -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
  -keyout "$E2E_STATE/gateway.key" -out "$E2E_STATE/gateway.crt" 2>/dev/null
cat >"$E2E_STATE/tls-front.py" <<'PY'
import json, select, socket, ssl, sys, threading
cert, key, upstream_port = sys.argv[1], sys.argv[2], int(sys.argv[3])
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
server = socket.create_server(("127.0.0.1", 0))
print(json.dumps({"msg": "listening", "address": "127.0.0.1:%d" % server.getsockname()[1]}), flush=True)
def serve(raw):
    try:
        tls = ctx.wrap_socket(raw, server_side=True)
        up = socket.create_connection(("127.0.0.1", upstream_port))
        while True:
            ready = [tls] if tls.pending() else select.select([tls, up], [], [], 60)[0]
            if not ready:
                return
            for s in ready:
                data = s.recv(65536)
                if not data:
                    return
                (up if s is tls else tls).sendall(data)
    except (OSError, ssl.SSLError):
        pass
    finally:
        raw.close()
while True:
    conn, _ = server.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
PY
start_hw_signer() {  # name, compose hash, app id -> https url (the plain one in run/<name>.plain)
  local name=$1 socket=$E2E_STATE/run/$1.sock
  start_bg "$name-agent" "$BIN/cbx_fake_dstack_agent" --socket "$socket" \
    --app-key-hex "$(python3 -c 'import os; print(os.urandom(32).hex())')" \
    --compose-hash "$2" --app-id "$3" --test-chain "$PKI"
  first_line_matching "$E2E_STATE/logs/$name-agent.log" listening >/dev/null
  : >"$E2E_STATE/logs/$name.log"
  start_bg "$name" "$BIN/cipherbox-signer" --listen 127.0.0.1:0 \
    --token-file "$E2E_STATE/signer.token" --dstack-socket "$socket"
  local address front
  address=$(first_line_matching "$E2E_STATE/logs/$name.log" '"listening"' | sed 's/.*"address":"\([^"]*\)".*/\1/')
  echo "http://$address" >"$E2E_STATE/run/$name.plain"
  start_bg "$name-tls" python3 "$E2E_STATE/tls-front.py" "$E2E_STATE/gateway.crt" \
    "$E2E_STATE/gateway.key" "${address##*:}"
  front=$(first_line_matching "$E2E_STATE/logs/$name-tls.log" listening | sed 's/.*"address": "\([^"]*\)".*/\1/')
  echo "https://$front"
}
hardware_epoch() {  # epoch, signer url, compose hash, app id (https through the test gateway)
  pinned_epoch "$@" "    caBundle: |
$(sed 's/^/      /' "$E2E_STATE/gateway.crt")"
}
HW_GOOD=$(start_hw_signer hw-good "$PINNED" "$APP")
HW_WRONG_COMPOSE=$(start_hw_signer hw-wrong-compose "$OTHER" "$APP")
HW_WRONG_APP=$(start_hw_signer hw-wrong-app "$PINNED" "$OTHER_APP")
HW_GOOD_PLAIN=$(cat "$E2E_STATE/run/hw-good.plain")
check "(2) the signer on the stand-in agent is not a simulator" \
  bash -c "curl -fsS --cacert '$E2E_STATE/gateway.crt' -H 'Authorization: Bearer $(cat "$E2E_STATE/signer.token")' \
    '$HW_GOOD/v1/info' | grep -q '\"simulated\":false'"
check "(2) its quote verifies to the test root, not to Intel's" bash -c "
  curl -fsS -H 'Authorization: Bearer $(cat "$E2E_STATE/signer.token")' '$HW_GOOD_PLAIN/v1/epochs/11/public-key?nonce=00' |
    jq -r .quote >'$E2E_STATE/hw.quote' &&
  '$BIN/cipherbox-republish' attestation verify --quote '$E2E_STATE/hw.quote' --pccs '$PCCS_URL' \
    --test-root-ca '$PKI/root.pem' >/dev/null &&
  ! '$BIN/cipherbox-republish' attestation verify --quote '$E2E_STATE/hw.quote' --pccs '$PCCS_URL' >/dev/null"
hardware_epoch 11 "$HW_GOOD" "$PINNED" "$APP"
hardware_epoch 12 "$HW_WRONG_COMPOSE" "$PINNED" "$APP"
hardware_epoch 13 "$HW_WRONG_APP" "$PINNED" "$APP"
check "(2) the pinned app's hardware epoch becomes Active" eventually 60 epoch_phase_is 11 Active
check_eq "(2) Attested=True/Verified" "True/Verified" "$(epoch_condition 11 Attested)"
check_eq "(2) verified, not simulated, test root, UpToDate" "true/false/test/UpToDate" \
  "$(epoch_field 11 attestation.verified)/$(epoch_field 11 attestation.simulated)/$(epoch_field 11 attestation.trustAnchor)/$(epoch_field 11 attestation.tcbStatus)"
check_eq "(2) compose hash and app id from the replayed log" "$PINNED/$APP" \
  "$(epoch_field 11 attestation.composeHash)/$(epoch_field 11 attestation.appId)"
check "(2) the collateral's age and next update in status" \
  test -n "$(epoch_field 11 attestation.collateralIssueDate)" -a -n "$(epoch_field 11 attestation.collateralNextUpdate)"
check "(2) another compose hash: Attested=False/COMPOSE_HASH_MISMATCH" \
  eventually 60 epoch_condition_is 12 Attested False/COMPOSE_HASH_MISMATCH
check "(2) another app id: Attested=False/APP_ID_MISMATCH" \
  eventually 60 epoch_condition_is 13 Attested False/APP_ID_MISMATCH
sleep 25  # > 2 key-recheck periods
check_eq "(2) epoch 12 never Active, no public key recorded" "Pending/" "$(epoch_field 12 phase)/$(epoch_field 12 publicKey)"
check_eq "(2) epoch 13 never Active, no public key recorded" "Pending/" "$(epoch_field 13 phase)/$(epoch_field 13 publicKey)"
check_eq "(2) epoch 11 stays Active" Active "$(epoch_field 11 phase)"
check "(2) the second-opinion verifier received whole hardware quotes" \
  bash -c "grep -q '^verify ok' '$E2E_STATE/logs/verifier.log' && ! grep -q '^verify bad' '$E2E_STATE/logs/verifier.log'"
touch "$E2E_STATE/veto"
check "(2) a veto of the second opinion: Attested=False/SecondOpinionRejected" \
  eventually 60 epoch_condition_is 11 Attested False/SecondOpinionRejected
check "(2) ... and the epoch leaves Active" eventually 30 bash -c "[ \"\$(kubectl get teeepoch epoch-11 -o jsonpath='{.status.phase}')\" != Active ]"
rm "$E2E_STATE/veto"
check "(2) without the veto it is Active again" eventually 60 epoch_phase_is 11 Active

say "(3) a TCB recovery: the PCCS now serves collateral under which the platform is OutOfDate"
new_folder hw1 "$(cid_of hw1)" 11
check "(3) a folder on the hardware epoch is published through its signer" \
  eventually 60 published_sequence_at_least hw1 2
serve_collateral() {  # status [advisory]
  "$TESTCHAIN" collateral "$PKI" --status "$1" ${2:+--advisory "$2"} --out "$PKI/collateral.next"
  mv "$PKI/collateral.next" "$PKI/collateral.json"
}
serve_collateral OutOfDate INTEL-SA-00999
check "(3) Attested=False/TcbStatusNotAccepted" \
  eventually 60 epoch_condition_is 11 Attested False/TcbStatusNotAccepted
check_eq "(3) Ready=False/AttestationRejected" "False/AttestationRejected" "$(epoch_condition 11 Ready)"
check "(3) epoch 11 leaves Active" eventually 30 bash -c "[ \"\$(kubectl get teeepoch epoch-11 -o jsonpath='{.status.phase}')\" != Active ]"
check_eq "(3) status shows the verdict: OutOfDate, its advisory, not verified" "OutOfDate/INTEL-SA-00999/false" \
  "$(epoch_field 11 attestation.tcbStatus)/$(epoch_field 11 'attestation.advisoryIds[0]')/$(epoch_field 11 attestation.verified)"
check "(3) a Warning event on epoch 11" eventually 30 bash -c \
  "kubectl get events -A --field-selector involvedObject.name=epoch-11,reason=AttestationRejected -o jsonpath='{.items[*].type}' | grep -q Warning"
check "(3) cipherbox_epoch_attestation_rejected_total{epoch=11,reason=TcbStatusNotAccepted}" bash -c \
  "curl -fsS http://127.0.0.1:$PROBE_PORT/metrics | grep '^cipherbox_epoch_attestation_rejected_total{' | grep 'epoch=\"11\"' | grep -q 'reason=\"TcbStatusNotAccepted\"'"
check "(3) cipherbox_epoch_attested{epoch=11} is 0" bash -c \
  "curl -fsS http://127.0.0.1:$PROBE_PORT/metrics | grep -q '^cipherbox_epoch_attested{epoch=\"11\"} 0'"
sign_requests() { curl -fsS "$1/metrics" | awk '/^cipherbox_signer_requests_total\{/ && /route="\/v1\/sign"/ {n += $NF} END {print n + 0}'; }
SIGNS_BEFORE=$(sign_requests "$HW_GOOD_PLAIN")
SEQUENCE_BEFORE=$(status_of hw1 publishedSequence)
request_republish hw1
check "(3) the folder on the rejected epoch waits: EpochNotReady" \
  eventually 60 bash -c "kubectl get ipnsrepublish hw1 -o jsonpath='{.status.conditions[*].reason}' | grep -q EpochNotReady"
sleep 12
check_eq "(3) nothing more was sent to its signer for signing" "$SIGNS_BEFORE" "$(sign_requests "$HW_GOOD_PLAIN")"
check_eq "(3) and nothing was published for the folder" "$SEQUENCE_BEFORE" "$(status_of hw1 publishedSequence)"

serve_collateral UpToDate
check "(3) UpToDate collateral again: Attested=True, Active again" \
  eventually 60 bash -c "[ \"\$(kubectl get teeepoch epoch-11 -o jsonpath='{.status.phase}')\" == Active ]"
check_eq "(3) Attested=True/Verified again" "True/Verified" "$(epoch_condition 11 Attested)"
request_republish hw1
check "(3) the folder is republished through the signer again" \
  eventually 60 status_above hw1 publishedSequence "$SEQUENCE_BEFORE"
e2e_finish
