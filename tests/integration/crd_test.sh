#!/usr/bin/env bash
# Checks crds/ against a real kube-apiserver: install + Established, valid samples accepted,
# invalid ones rejected with the schema's message, defaults, immutability, kubectl explain,
# printer columns, categories/short names and the status subresource.
# usage: tests/integration/crd_test.sh STATE_DIR   (a control plane started by hack/local-cp.sh up)
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 STATE_DIR" >&2; exit 2; }
REPO=$(cd -P "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
eval "$("$REPO/hack/local-cp.sh" env "$1")"
VECTORS=${CBX_VECTORS_DIR:-$REPO/tests/vectors}

RUN=$$-$RANDOM # object names are unique per run: the control plane may outlive a test run
NAME_A=k51qzi5uqu5dg9ufswxt229ntzdy7p4125xzv5rtyjso89ajdujg6csfxcj260
NAME_B=k51qzi5uqu5dm6ws6il42vv2sac7posnr7pmu5pgaikry2us6irlnt6swefvku
NAME_SECP=$(jq -r '.secp256k1[0].ipnsName' "$VECTORS/names.json")
OWNER_RECORD=$(jq -r '.cases[] | select(.id == "ipns-01") | .recordBase64' "$VECTORS/ipns.json")
CID_V0=QmShvs9WPsWLJcvr3VCQ1m8SurShkMh35XeGTishaLV52U
CID_B32=bafybeica4i3ff72psze3fwgicrwyd6ih2qhlkerrese6de6ry4q4prqlcu
CID_B36=k2jmtxszbt8w0jyddjkv4ddmyvfzsufdshzhls76st422na5ur13lj4l
# The shape (not the value) of an eciesjs ciphertext of a 32-byte seed: 65 + 16 + 16 + 32 bytes.
ENC_KEY=$(head -c 129 /dev/zero | base64 -w0)
PUBKEY=04$(printf '%0128d' 0)
COMPOSE=$(printf '%064d' 0)

passed=0
failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1${2:+: $2}"; failed=$((failed + 1)); }
check() { # check NAME CMD...: passes when CMD succeeds
  local name=$1
  shift
  local out
  if out=$("$@" 2>&1); then pass "$name"; else fail "$name" "$(tail -5 <<<"$out")"; fi
}

created=()
cleanup() {
  local o
  for o in "${created[@]}"; do kubectl delete --ignore-not-found --wait=false "$o" >/dev/null 2>&1 || true; done
}
trap cleanup EXIT

ipnsr() { # ipnsr NAME [SPEC_LINES...]: IpnsRepublish manifest; extra lines replace/add spec fields
  local name=$1
  shift
  local ipns_name=$NAME_A cid=$CID_B32 key=$ENC_KEY epoch=1 extra="" line
  for line in "$@"; do
    case $line in
      ipnsName:*) ipns_name=${line#ipnsName: } ;;
      cid:*) cid=${line#cid: } ;;
      encryptedKey:*) key=${line#encryptedKey: } ;;
      keyEpoch:*) epoch=${line#keyEpoch: } ;;
      *) extra+="    $line"$'\n' ;;
    esac
  done
  cat <<EOF
apiVersion: republish.cipherbox.io/v1alpha1
kind: IpnsRepublish
metadata:
  name: $name
  namespace: default
spec:
    ipnsName: "$ipns_name"
    cid: "$cid"
    encryptedKey: "$key"
    keyEpoch: $epoch
$extra
EOF
}

teeepoch() { # teeepoch NAME EPOCH URL [SPEC_LINES...]
  local name=$1 epoch=$2 url=$3
  shift 3
  local extra="" line
  for line in "$@"; do extra+="  $line"$'\n'; done
  cat <<EOF
apiVersion: republish.cipherbox.io/v1alpha1
kind: TeeEpoch
metadata:
  name: $name
spec:
  epoch: $epoch
  signer:
    url: "$url"
    authSecretRef: {name: signer-token, key: token}
    composeHash: "$COMPOSE"
$extra
EOF
}

accepts() { # accepts NAME KIND/OBJ < manifest
  local name=$1 obj=$2 out
  if out=$(kubectl create -f - 2>&1); then
    created+=("$obj")
    pass "$name"
  else
    fail "$name" "$out"
  fi
}

rejects() { # rejects NAME EXPECTED_TEXT... < manifest: creation fails and the error has each text
  local name=$1 out text
  shift
  if out=$(kubectl create -f - 2>&1); then
    fail "$name" "accepted: $out"
    return
  fi
  for text in "$@"; do
    if ! grep -qF -- "$text" <<<"$out"; then
      fail "$name" "error lacks '$text': $out"
      return
    fi
  done
  pass "$name"
}

patch_rejected() { # patch_rejected NAME OBJ PATCH EXPECTED_TEXT
  local name=$1 obj=$2 patch=$3 text=$4 out
  if out=$(kubectl patch "$obj" --type=merge -p "$patch" 2>&1); then
    fail "$name" "accepted: $out"
  elif grep -qF -- "$text" <<<"$out"; then
    pass "$name"
  else
    fail "$name" "error lacks '$text': $out"
  fi
}

field() { kubectl get "$1" -o jsonpath="{$2}"; }
equals() { [ "$1" = "$2" ] || { echo "    expected '$2', got '$1'" >&2; return 1; }; }

# --- install ----------------------------------------------------------------------------------
check "CRDs apply (server-side)" kubectl apply --server-side --force-conflicts -f "$REPO/crds/"
check "CRDs become Established" kubectl wait --for=condition=Established --timeout=60s \
  crd/ipnsrepublishes.republish.cipherbox.io crd/teeepochs.republish.cipherbox.io \
  crd/keyledgers.republish.cipherbox.io
check "CRD names accepted" kubectl wait --for=condition=NamesAccepted --timeout=60s \
  crd/ipnsrepublishes.republish.cipherbox.io crd/teeepochs.republish.cipherbox.io

# Every field and list item (metadata aside: the API server forbids describing it) has a
# description, so kubectl explain documents it.
undocumented() { # prints the schema paths without a description; fails if the CRD is missing
  local json
  json=$(kubectl get crd "$1" -o json) || return 1
  jq -r '
    def nodes(p): (if has("description") then empty else p end),
      ((.properties // {}) | to_entries[] | select(p != "" or .key != "metadata")
        | . as $e | $e.value | nodes(p + "." + $e.key)),
      (if has("items") then .items | nodes(p + "[]") else empty end);
    .spec.versions[0].schema.openAPIV3Schema | nodes("")' <<<"$json"
}
every_field_described() { local missing; missing=$(undocumented "$1") && equals "$missing" ""; }
for crd in ipnsrepublishes.republish.cipherbox.io teeepochs.republish.cipherbox.io \
  keyledgers.republish.cipherbox.io; do
  check "every field of $crd is described" every_field_described "$crd"
done
if [ "$failed" -ne 0 ]; then
  echo "$passed passed, $failed failed (CRDs not installed: later checks skipped)"
  exit 1
fi

# --- valid samples ----------------------------------------------------------------------------
R1=r1-$RUN R2=r2-$RUN R3=r3-$RUN E1=e1-$RUN E2=e2-$RUN
accepts "minimal IpnsRepublish accepted" "ipnsrepublish/$R1" < <(ipnsr "$R1")
accepts "full IpnsRepublish (CIDv0, ownerRecord, uint64 max sequence) accepted" "ipnsrepublish/$R2" \
  < <(ipnsr "$R2" "cid: $CID_V0" "ipnsName: $NAME_B" "ownerRecord: \"$OWNER_RECORD\"" \
    'sequence: "18446744073709551615"' "interval: 1h30m" "lifetime: 24h" "ttl: 0s" "suspend: true")
accepts "IpnsRepublish with base36 CID accepted" "ipnsrepublish/$R3" < <(ipnsr "$R3" "cid: $CID_B36" "keyEpoch: 7")
accepts "TeeEpoch accepted" "teeepoch/$E1" < <(teeepoch "$E1" 1 https://signer.example:8443 "rotateAfter: 720h" \
  "approval: \"$(head -c 64 /dev/zero | base64 -w0)\"")
accepts "TeeEpoch with http:// simulator signer accepted" "teeepoch/$E2" \
  < <(teeepoch "$E2" 2 http://127.0.0.1:9999 "  insecureSimulator: true")

# --- defaults ---------------------------------------------------------------------------------
check "default interval 6h" equals "$(field "ipnsrepublish/$R1" .spec.interval)" 6h
check "default lifetime 48h" equals "$(field "ipnsrepublish/$R1" .spec.lifetime)" 48h
check "default ttl 5m" equals "$(field "ipnsrepublish/$R1" .spec.ttl)" 5m
check "default suspend false" equals "$(field "ipnsrepublish/$R1" .spec.suspend)" false
check "explicit values kept" equals "$(field "ipnsrepublish/$R2" '.spec.interval}/{.spec.ttl}/{.spec.suspend')" "1h30m/0s/true"
check "sequence kept as a string" equals "$(kubectl get "ipnsrepublish/$R2" -o json | jq -r '.spec.sequence | type')" string
check "default gracePeriod 672h" equals "$(field "teeepoch/$E1" .spec.gracePeriod)" 672h
check "default insecureSimulator false" equals "$(field "teeepoch/$E1" .spec.signer.insecureSimulator)" false
check "default acceptedTcbStatuses [UpToDate]" equals \
  "$(kubectl get "teeepoch/$E1" -o json | jq -c .spec.signer.acceptedTcbStatuses)" '["UpToDate"]'

# --- invalid objects --------------------------------------------------------------------------
rejects "secp256k1 IPNS name rejected" "spec.ipnsName" < <(ipnsr bad-name-$RUN "ipnsName: $NAME_SECP")
rejects "upper-case IPNS name rejected" "spec.ipnsName" "should match" < <(ipnsr bad-name2-$RUN "ipnsName: ${NAME_A^^}")
rejects "63-character IPNS name rejected" "spec.ipnsName" < <(ipnsr bad-name3-$RUN "ipnsName: ${NAME_A}x")
rejects "short CIDv0 rejected" "spec.cid" "should match" < <(ipnsr bad-cid-$RUN "cid: Qmfoo")
rejects "base58 CIDv1 (z...) rejected" "spec.cid" \
  < <(ipnsr bad-cid2-$RUN "cid: zdj7WWeQ43G6JJvLWQWZpyHuAMq6uYWRjkBXFad11vE2LHhQ7")
rejects "path instead of CID rejected" "spec.cid" < <(ipnsr bad-cid3-$RUN "cid: /ipfs/$CID_B32")
rejects "keyEpoch 0 rejected" "spec.keyEpoch" "greater than or equal to 1" < <(ipnsr bad-keyepoch-$RUN "keyEpoch: 0")
rejects "non-base64 encryptedKey rejected" "spec.encryptedKey" < <(ipnsr bad-key-$RUN "encryptedKey: not base64!")
rejects "truncated base64 ownerRecord rejected" "spec.ownerRecord" < <(ipnsr bad-rec-$RUN "ownerRecord: abc")
rejects "duration '6 hours' rejected" "spec.interval" "should match" < <(ipnsr bad-dur-$RUN "interval: 6 hours")
rejects "duration '5x' rejected" "spec.ttl" "should match" < <(ipnsr bad-dur2-$RUN "ttl: 5x")
rejects "lifetime 0s rejected" "lifetime must be positive" < <(ipnsr bad-dur3-$RUN "lifetime: 0s")
rejects "interval equal to lifetime rejected" "interval must be shorter than lifetime" < <(ipnsr bad-int-$RUN "interval: 48h")
rejects "interval under 1m rejected" "interval must be at least 1m" < <(ipnsr bad-int2-$RUN "interval: 10s")
rejects "sequence above 2^64-1 rejected" "sequence must fit in 64 bits" < <(ipnsr bad-seq-$RUN 'sequence: "18446744073709551616"')
rejects "sequence with leading zeros rejected" "spec.sequence" < <(ipnsr bad-seq2-$RUN 'sequence: "007"')
rejects "sequence as a JSON number rejected" "spec.sequence" < <(ipnsr bad-seq3-$RUN 'sequence: 5')
rejects "missing required fields rejected" "spec.cid" "spec.encryptedKey" "spec.keyEpoch" \
  < <(printf 'apiVersion: republish.cipherbox.io/v1alpha1\nkind: IpnsRepublish\nmetadata: {name: bad-req-%s, namespace: default}\nspec: {ipnsName: %s}\n' "$RUN" "$NAME_A")
rejects "epoch 0 rejected" "spec.epoch" "greater than or equal to 1" < <(teeepoch bad-e0-$RUN 0 https://s.example)
rejects "http:// signer without insecureSimulator rejected" "signer.url must be https://" < <(teeepoch bad-http-$RUN 3 http://s.example)
rejects "bad composeHash rejected" "spec.signer.composeHash" \
  < <(teeepoch bad-hash-$RUN 3 https://s.example | sed 's/composeHash: .*/composeHash: "ABC"/')
rejects "TeeEpoch without composeHash (not a simulator) rejected" \
  "signer.composeHash is required unless insecureSimulator is true" \
  < <(teeepoch bad-nohash-$RUN 3 https://s.example | grep -v composeHash)
accepts "simulator TeeEpoch without composeHash accepted" "teeepoch/sim-nohash-$RUN" \
  < <(teeepoch "sim-nohash-$RUN" 4 http://127.0.0.1:9999 "  insecureSimulator: true" | grep -v composeHash)
rejects "bad appId rejected" "spec.signer.appId" "should match" \
  < <(teeepoch bad-appid-$RUN 3 https://s.example "  appId: \"$COMPOSE\"")
rejects "unknown TCB status rejected" "spec.signer.acceptedTcbStatuses" "Unsupported value" \
  < <(teeepoch bad-tcb-$RUN 3 https://s.example "  acceptedTcbStatuses: [UpToDate, Fine]")
rejects "gracePeriod 4w rejected" "spec.gracePeriod" < <(teeepoch bad-grace-$RUN 3 https://s.example "gracePeriod: 4w")
rejects "approval that is not a 64-byte signature rejected" "spec.approval" \
  < <(teeepoch bad-appr-$RUN 3 https://s.example "approval: \"$(head -c 32 /dev/zero | base64 -w0)\"")

# --- immutability and updates -----------------------------------------------------------------
patch_rejected "ipnsName is immutable" "ipnsrepublish/$R1" "{\"spec\":{\"ipnsName\":\"$NAME_B\"}}" "ipnsName is immutable"
patch_rejected "epoch is immutable" "teeepoch/$E1" '{"spec":{"epoch":5}}' "epoch is immutable"
check "cid may change" kubectl patch "ipnsrepublish/$R1" --type=merge -p "{\"spec\":{\"cid\":\"$CID_V0\"}}"
check "cid changed" equals "$(field "ipnsrepublish/$R1" .spec.cid)" "$CID_V0"
check "signer url may change" kubectl patch "teeepoch/$E1" --type=merge -p '{"spec":{"signer":{"url":"https://signer2.example"}}}'
patch_rejected "cross-field rule checked on update" "ipnsrepublish/$R1" '{"spec":{"interval":"72h"}}' \
  "interval must be shorter than lifetime"

# --- kubectl explain --------------------------------------------------------------------------
explain_has() { kubectl explain "$1" 2>&1 | tr -s ' \n' ' ' | grep -qF -- "$2"; }
check "explain ipnsrepublish.spec.cid shows the field's description" \
  explain_has ipnsrepublish.spec.cid "Content the name must point to; the signed value is /ipfs/<cid>."
check "explain ipnsrepublish.status.pending documents it" explain_has ipnsrepublish.status.pending "signed but not yet published"
check "explain teeepoch.spec.epoch" explain_has teeepoch.spec.epoch "Epoch number (1, 2, ...). Immutable."

# --- status subresource -----------------------------------------------------------------------
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)
GEN=$(field "ipnsrepublish/$R1" .metadata.generation)
STATUS_PATCH=$(jq -nc --arg now "$NOW" --arg name "$NAME_B" '{
  spec: {ipnsName: $name, keyEpoch: 9},
  status: {observedGeneration: 1, sequence: "42", publishedSequence: "42", keyEpoch: 1,
    nextRepublishAt: "2999-01-01T00:00:00Z", lastPublishedAt: $now, validUntil: "2999-01-03T00:00:00Z",
    pending: {sequence: "43", record: "AAAA", signedAt: $now},
    failures: {count: 0},
    endpoints: [{url: "http://127.0.0.1:1", lastStatusCode: 200, publishedSequence: "42"}],
    conditions: [{type: "Ready", status: "True", reason: "Published", message: "ok", lastTransitionTime: $now}]}}')
check "status patch via the status subresource accepted" \
  kubectl patch "ipnsrepublish/$R1" --subresource=status --type=merge -p "$STATUS_PATCH"
check "status written" equals "$(field "ipnsrepublish/$R1" '.status.sequence}/{.status.pending.sequence')" "42/43"
check "status patch did not change spec" equals "$(field "ipnsrepublish/$R1" '.spec.ipnsName}/{.spec.keyEpoch')" "$NAME_A/1"
check "status patch did not bump generation" equals "$(field "ipnsrepublish/$R1" .metadata.generation)" "$GEN"
check "spec update ignores status" kubectl patch "ipnsrepublish/$R1" --type=merge -p '{"spec":{"suspend":true},"status":{"sequence":"1"}}'
check "status unchanged by a spec update" equals "$(field "ipnsrepublish/$R1" .status.sequence)" 42
check "spec update bumped generation" equals "$(field "ipnsrepublish/$R1" .metadata.generation)" "$((GEN + 1))"
if out=$(kubectl patch "ipnsrepublish/$R1" --subresource=status --type=merge -p '{"status":{"sequence":"-1"}}' 2>&1); then
  fail "invalid status rejected" "accepted"
else
  check "invalid status rejected" grep -qF "status.sequence" <<<"$out"
fi
if out=$(kubectl patch "teeepoch/$E1" --subresource=status --type=merge -p '{"status":{"phase":"Gone"}}' 2>&1); then
  fail "unknown TeeEpoch phase rejected" "accepted"
else
  check "unknown TeeEpoch phase rejected" grep -qF "Unsupported value" <<<"$out"
fi
check "TeeEpoch status patch accepted" kubectl patch "teeepoch/$E1" --subresource=status --type=merge \
  -p "{\"status\":{\"phase\":\"Active\",\"entries\":3,\"specEntries\":2,\"keysNeeded\":1,\"publicKey\":\"$PUBKEY\",\"safeToDecommission\":false}}"
check "TeeEpoch specEntries and keysNeeded stored, not pruned" equals \
  "$(kubectl get "teeepoch/$E1" -o json | jq -c '[.status.specEntries, .status.keysNeeded]')" '[2,1]'
if out=$(kubectl patch "teeepoch/$E1" --subresource=status --type=merge -p '{"status":{"keysNeeded":-1}}' 2>&1); then
  fail "negative keysNeeded rejected" "accepted"
else
  check "negative keysNeeded rejected" grep -qF "status.keysNeeded" <<<"$out"
fi

# The operator writes absent status fields as JSON null, by merge patch and by PUT of /status:
# nulls are pruned (merge patch: removed), never rejected.
NULLS='{"pending":null,"migratedKey":null,"lastRecord":null,"publishedCid":null,"validUntil":null}'
check "status merge patch with nulls accepted" kubectl patch "ipnsrepublish/$R2" --subresource=status \
  --type=merge -p "{\"status\":$(jq -c '. + {sequence: "7", lastHandledRequestAt: "2026-01-01T00:00:00Z"}' <<<"$NULLS")}"
check "lastHandledRequestAt kept" equals "$(field "ipnsrepublish/$R2" .status.lastHandledRequestAt)" 2026-01-01T00:00:00Z
put_status_with_nulls() {
  kubectl get "ipnsrepublish/$R2" -o json \
    | jq --argjson nulls "$NULLS" '.status += ($nulls + {sequence: "8", keyEpoch: null})' \
    | kubectl replace --subresource=status -f -
}
check "status PUT with nulls accepted" put_status_with_nulls
check "status PUT stored the sequence, nulls pruned" equals \
  "$(kubectl get "ipnsrepublish/$R2" -o json | jq -c '[.status.sequence, (.status | has("pending"))]')" '["8",false]'

# --- KeyLedger (issue 14): one per IPNS name, named by it -----------------------------------------
KEY1='{"epoch": 1, "encryptedKey": "'$ENC_KEY'", "source": "Spec", "recordedAt": "2026-12-01T00:00:00Z"}'
keyledger() { # keyledger METADATA_NAME IPNS_NAME [KEYS_JSON]
  local keys=${3:-"[$KEY1]"}
  jq -n --arg name "$1" --arg ipns "$2" --argjson keys "$keys" '{apiVersion: "republish.cipherbox.io/v1alpha1",
    kind: "KeyLedger", metadata: {name: $name, namespace: "default"},
    spec: {ipnsName: $ipns, folders: ["team-a/photos"], keys: $keys}}'
}
KEY2='{"epoch": 2, "encryptedKey": "'$ENC_KEY'", "source": "Migrated", "recordedAt": "2026-12-01T00:00:00Z"}'
kubectl delete --ignore-not-found -n default keyledger "$NAME_A" "$NAME_B" >/dev/null 2>&1 || true
accepts "KeyLedger accepted" "keyledger/$NAME_A" < <(keyledger "$NAME_A" "$NAME_A")
rejects "KeyLedger whose name is not its ipnsName rejected" "metadata.name must equal spec.ipnsName" \
  < <(keyledger "$NAME_B" "$NAME_A")
rejects "KeyLedger with two keys for one epoch rejected" "Duplicate value" \
  < <(keyledger "$NAME_B" "$NAME_B" "[$KEY2, $KEY2]")
rejects "KeyLedger with an unknown key source rejected" "spec.keys[0].source" \
  < <(keyledger "$NAME_B" "$NAME_B" "[${KEY2/Migrated/Tenant}]")
patch_rejected "KeyLedger ipnsName immutable" "keyledger/$NAME_A" \
  "{\"spec\":{\"ipnsName\":\"$NAME_B\"}}" "immutable"
kubectl delete --ignore-not-found -n default keyledger "$NAME_A" "$NAME_B" >/dev/null 2>&1 || true

# --- printer columns, short names, categories -------------------------------------------------
header() { kubectl get "$1" 2>/dev/null | head -1 | tr -s ' '; }
row() { kubectl get "$1" --no-headers 2>/dev/null | tr -s ' '; }
check "IpnsRepublish columns" equals "$(header "ipnsrepublish/$R1")" "NAME CID SEQUENCE EPOCH READY NEXT AGE"
check "IpnsRepublish row shows CID, sequence, epoch, ready" \
  grep -qE "^$R1 $CID_V0 42 1 True 2999-01-01T00:00:00Z [0-9]+s\$" <<<"$(row "ipnsrepublish/$R1")"
check "IpnsRepublish wide columns" equals "$(kubectl get "ipnsrepublish/$R1" -o wide | head -1 | tr -s ' ')" \
  "NAME CID SEQUENCE EPOCH READY NEXT AGE REASON PUBLISHED RESOLVABLE VALID-UNTIL"
check "TeeEpoch columns" equals "$(header "teeepoch/$E1")" "NAME EPOCH PHASE ENTRIES SIGNER AGE"
check "TeeEpoch wide columns" equals "$(kubectl get "teeepoch/$E1" -o wide | head -1 | tr -s ' ')" \
  "NAME EPOCH PHASE ENTRIES SIGNER AGE READY ATTESTED TCB SPEC-ENTRIES KEYS-NEEDED SAFE-TO-DECOMMISSION"
check "TeeEpoch row shows epoch, phase, entries, signer" \
  grep -qE "^$E1 1 Active 3 https://signer2.example " <<<"$(row "teeepoch/$E1")"
check "short name ipnsr" kubectl get ipnsr "$R1"
check "short name teeepoch" kubectl get teeepoch "$E1"
check "category cipherbox lists both kinds" \
  bash -c "kubectl get cipherbox -A -o name | grep -q '^ipnsrepublish.*/$R1\$' && kubectl get cipherbox -o name | grep -q '^teeepoch.*/$E1\$'"
check "TeeEpoch is cluster-scoped" equals "$(kubectl get crd teeepochs.republish.cipherbox.io -o jsonpath='{.spec.scope}')" Cluster

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
