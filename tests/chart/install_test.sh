#!/usr/bin/env bash
# `helm install` of the chart into the local control plane, then the operator as the chart's
# ServiceAccount: every rendered object exists; the ServiceAccount may do what the operator needs
# and is refused the rest; the operator, run on this host with that ServiceAccount's token (the
# control plane runs no Pods), activates an epoch on a simulator signer and publishes a folder to
# the boxo routing server, with no request refused by RBAC along the way.
# usage: BIN=build/bin tests/chart/install_test.sh STATE_DIR WORK_DIR
#   STATE_DIR: a control plane started by hack/local-cp.sh up; BIN: cipherbox-republish and
#   cipherbox-signer. Helpers come from the e2e harness (tests/e2e/lib.sh); its e2e_setup is not
#   used: the control plane is the shared one.
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: $0 STATE_DIR WORK_DIR" >&2; exit 2; }
CP_STATE=$(cd "$1" && pwd)
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../e2e/lib.sh"
REPO=$E2E_ROOT
CHART=$REPO/charts/cipherbox-republish
eval "$("$REPO/hack/local-cp.sh" env "$CP_STATE")"
export KUBECONFIG

RUN=$$-$RANDOM
OPERATOR_NS=cbx-chart-$RUN
RELEASE=cbx-$RUN
SA=$RELEASE-cipherbox-republish
E2E_STATE=$2/$RUN
mkdir -p "$E2E_STATE"/{logs,run,folders,manifests}
for b in cipherbox-republish cipherbox-signer; do
  [ -x "$BIN/$b" ] || { say "$BIN/$b missing (build first)"; exit 1; }
done
FOLDER=chart-$RUN
EPOCH=0  # set once the CRDs are installed
cleanup() {
  local p
  for p in $(ls "$E2E_STATE/run" 2>/dev/null | sed -n 's/\.pid$//p'); do stop_bg "$p" KILL; done
  kubectl delete ipnsrepublish "$FOLDER" -n default --ignore-not-found >/dev/null 2>&1 || true
  kubectl delete teeepoch "epoch-$EPOCH" --ignore-not-found >/dev/null 2>&1 || true
  helm uninstall "$RELEASE" -n "$OPERATOR_NS" >/dev/null 2>&1 || true
  helm uninstall "$RELEASE-demo" -n "$OPERATOR_NS-demo" >/dev/null 2>&1 || true
}
trap cleanup EXIT
quiet() {  # command...: its output only when it fails
  local out
  out=$("$@" 2>&1) || { echo "$out" | tail -5 >&2; return 1; }
}

# --- helm install: every object ---------------------------------------------------------------
# The routing server first: its URL goes into the chart's values like any endpoint.
ROUTING_BIN=$("$REPO/hack/build-routing-server.sh")
start_bg routing "$ROUTING_BIN" --listen 127.0.0.1:0
ROUTING_URL=$(first_line_matching "$E2E_STATE/logs/routing.log" listening | sed 's/.*"listening":"\([^"]*\)".*/\1/')
check "helm install (no --wait: nothing runs Pods here)" \
  quiet helm install "$RELEASE" "$CHART" -n "$OPERATOR_NS" --create-namespace \
  --set-json "routing.endpoints=[\"$ROUTING_URL\"]" \
  --set backoff.base=1s,backoff.max=10s,keyRecheck=10s,batch.linger=20ms
helm get manifest "$RELEASE" -n "$OPERATOR_NS" >"$E2E_STATE/manifest.yaml"
kinds=$(grep -c '^kind:' "$E2E_STATE/manifest.yaml" || true)
check_eq "release manifest has the 9 default objects" 9 "$kinds"
check "every object of the release exists" quiet kubectl get -f "$E2E_STATE/manifest.yaml"
for o in serviceaccount/$SA deployment/$SA service/$SA-metrics poddisruptionbudget/$SA configmap/$SA-dashboard \
  role/$SA rolebinding/$SA; do
  check "$o in $OPERATOR_NS" quiet kubectl -n "$OPERATOR_NS" get "$o"
done
for o in clusterrole/$SA clusterrolebinding/$SA; do check "$o" quiet kubectl get "$o"; done
check "CRDs established" quiet kubectl wait --for=condition=Established crd/ipnsrepublishes.republish.cipherbox.io \
  crd/teeepochs.republish.cipherbox.io --timeout=60s
check_eq "helm status: deployed" deployed "$(helm status "$RELEASE" -n "$OPERATOR_NS" -o json | jq -r .info.status)"
check_eq "Deployment args name the release namespace" "--namespace=$OPERATOR_NS" \
  "$(kubectl -n "$OPERATOR_NS" get deployment "$SA" -o jsonpath='{.spec.template.spec.containers[0].args[1]}')"

# --- the ServiceAccount's rights --------------------------------------------------------------
SA_KUBECONFIG=$("$REPO/hack/local-cp.sh" token "$CP_STATE" "$OPERATOR_NS" "$SA" "$E2E_STATE/sa.kubeconfig")
can() {  # expected yes|no, then `kubectl auth can-i` arguments, asked as the ServiceAccount
  local want=$1 got
  shift
  got=$(kubectl --kubeconfig "$SA_KUBECONFIG" auth can-i "$@" 2>/dev/null || true)
  check_eq "SA can-i $* -> $want" "$want" "$got"
}
can yes watch ipnsrepublishes.republish.cipherbox.io --all-namespaces
can yes list teeepochs.republish.cipherbox.io
can yes patch ipnsrepublishes.republish.cipherbox.io --subresource=status -n default
can yes patch teeepochs.republish.cipherbox.io --subresource=status
can yes create teeepochs.republish.cipherbox.io
can yes create events.events.k8s.io -n default
can yes get secret/cipherbox-signer-token -n "$OPERATOR_NS"
can yes update lease.coordination.k8s.io/cipherbox-republish -n "$OPERATOR_NS"
can yes list leases.coordination.k8s.io -n "$OPERATOR_NS"
can no list leases.coordination.k8s.io -n default
can yes watch keyledgers.republish.cipherbox.io -n "$OPERATOR_NS"
can yes update keyledgers.republish.cipherbox.io -n "$OPERATOR_NS"
can yes delete keyledgers.republish.cipherbox.io -n "$OPERATOR_NS"
can no get keyledgers.republish.cipherbox.io -n default
can no create keyledgers.republish.cipherbox.io -n default
can no list secrets -n "$OPERATOR_NS"
can no watch secrets -n "$OPERATOR_NS"
can no get secret/other-token -n "$OPERATOR_NS"
can no get secret/cipherbox-signer-token -n default
can no delete ipnsrepublishes.republish.cipherbox.io -n default
can no update ipnsrepublishes.republish.cipherbox.io -n default
can no patch ipnsrepublishes.republish.cipherbox.io -n default
can no create ipnsrepublishes.republish.cipherbox.io -n default
can no delete teeepochs.republish.cipherbox.io
can no patch teeepochs.republish.cipherbox.io
can no update lease.coordination.k8s.io/other -n "$OPERATOR_NS"
can no create leases.coordination.k8s.io -n default
can no create pods -n "$OPERATOR_NS"
can no get configmaps -n "$OPERATOR_NS"
can no delete events.events.k8s.io -n default
kubectl -n "$OPERATOR_NS" create secret generic other-token --from-literal=token=x >/dev/null
out=$(kubectl --kubeconfig "$SA_KUBECONFIG" -n "$OPERATOR_NS" get secret other-token 2>&1 || true)
check "API server refuses the SA another Secret" grep -q 'Forbidden\|forbidden' <<<"$out"
out=$(kubectl --kubeconfig "$SA_KUBECONFIG" -n "$OPERATOR_NS" get secrets 2>&1 || true)
check "API server refuses the SA a Secret list" grep -q 'forbidden' <<<"$out"
out=$(kubectl --kubeconfig "$SA_KUBECONFIG" -n default delete ipnsrepublish anything 2>&1 || true)
check "API server refuses the SA a delete" grep -q 'forbidden' <<<"$out"

# --- the operator, with the chart's args and that token, does its whole job ------------------
# Above any epoch another test left on the shared control plane: ours is the active one.
EPOCH=$(( $(kubectl get teeepochs -o jsonpath='{range .items[*]}{.spec.epoch}{"\n"}{end}' | sort -n | tail -1) + 1 ))
SIGNER_URL=$(start_signer signer)
apply_token_secret  # as the admin: the chart's default token Secret name, cipherbox-signer-token
apply_epoch "$EPOCH" "$SIGNER_URL"
# Exactly the container args of the installed Deployment, plus what a Pod gets from its
# environment: the ServiceAccount's credentials, and a free probe port (a repeated flag takes its
# last value).
read -r -a ARGS <<<"$(kubectl -n "$OPERATOR_NS" get deployment "$SA" -o jsonpath='{.spec.template.spec.containers[0].args[*]}')"
check_eq "Deployment args carry the routing endpoint from values" 1 "$(printf '%s\n' "${ARGS[@]}" | grep -cx -- "--routing=$ROUTING_URL")"
start_bg operator "$BIN/cipherbox-republish" "${ARGS[@]}" --kubeconfig "$SA_KUBECONFIG" --probe-address 127.0.0.1:0
check "operator (as the SA) activates epoch $EPOCH" eventually 60 epoch_phase_is "$EPOCH" Active
check "operator holds the Lease cipherbox-republish in $OPERATOR_NS" eventually 30 \
  bash -c "[ -n \"\$(kubectl -n '$OPERATOR_NS' get lease cipherbox-republish -o jsonpath='{.spec.holderIdentity}')\" ]"
CID=$(cid_of "chart-$RUN")
new_folder "$FOLDER" "$CID" "$EPOCH" default
check "operator (as the SA) publishes the folder" eventually 60 published_sequence_at_least "$FOLDER" 2
check_eq "folder Ready" True/Published "$(condition_of "$FOLDER" Ready)"
if [ -d "$REPO/tests/interop/node_modules" ]; then
  out=$(verify_resolved "$FOLDER")
  check_eq "routing serves a record the ipns package validates" true "$(echo "$out" | json_field valid)"
  check_eq "routing serves spec.cid" "/ipfs/$CID" "$(echo "$out" | json_field value)"
else
  fail "npm peers missing (tests/interop/node_modules): run hack/install-deps.sh"
fi
check "events about the folder recorded as the SA" eventually 30 \
  bash -c "[ -n \"\$(kubectl -n default get events.events.k8s.io --field-selector regarding.name=$FOLDER -o name)\" ]"
request_republish "$FOLDER"
check "manual republish as the SA" eventually 60 published_sequence_at_least "$FOLDER" 3
check "operator log: no request refused (403)" bash -c "! grep -qi 'forbidden\|\"code\":403\|: 403' '$E2E_STATE/logs/operator.log'"
check "operator log: no key material words" bash -c "! grep -qi 'seed\"\|privatekey' '$E2E_STATE/logs/operator.log'"

# --- the demo parts: installed objects, and values kept across an upgrade -----------------------
for p in operator signer routing; do stop_bg "$p"; done
kubectl delete ipnsrepublish "$FOLDER" -n default >/dev/null
kubectl delete teeepoch "epoch-$EPOCH" >/dev/null
DEMO_NS=$OPERATOR_NS-demo
DEMO=$RELEASE-demo
DEMO_SETS=demo.signer.enabled=true,demo.routing.enabled=true,demo.epoch.enabled=true
check "helm install with the demo parts" quiet helm install "$DEMO" "$CHART" -n "$DEMO_NS" --create-namespace --set "$DEMO_SETS"
helm get manifest "$DEMO" -n "$DEMO_NS" >"$E2E_STATE/demo-manifest.yaml"
check_eq "demo release has 16 objects" 16 "$(grep -c '^kind:' "$E2E_STATE/demo-manifest.yaml" || true)"
check "every object of the demo release exists" quiet kubectl get -f "$E2E_STATE/demo-manifest.yaml"
DS=$DEMO-cipherbox-republish
check_eq "demo TeeEpoch points at the in-cluster signer" "http://$DS-signer.$DEMO_NS.svc:8443" \
  "$(kubectl get teeepoch epoch-1 -o jsonpath='{.spec.signer.url}')"
token=$(kubectl -n "$DEMO_NS" get secret cipherbox-signer-token -o jsonpath='{.data.token}')
seed=$(kubectl -n "$DEMO_NS" get secret "$DS-signer-seed" -o jsonpath='{.data.seed}')
check_eq "demo token is 40 characters" 40 "$(echo "$token" | base64 -d | wc -c)"
check "helm upgrade of the demo release" quiet helm upgrade "$DEMO" "$CHART" -n "$DEMO_NS" --set "$DEMO_SETS" --set logLevel=debug
check_eq "upgrade keeps the demo token" "$token" "$(kubectl -n "$DEMO_NS" get secret cipherbox-signer-token -o jsonpath='{.data.token}')"
check_eq "upgrade keeps the simulator seed" "$seed" "$(kubectl -n "$DEMO_NS" get secret "$DS-signer-seed" -o jsonpath='{.data.seed}')"
check "helm uninstall of the demo release" quiet helm uninstall "$DEMO" -n "$DEMO_NS"
check "uninstall removes the demo TeeEpoch" bash -c "! kubectl get teeepoch epoch-1 >/dev/null 2>&1"

echo "$E2E_PASSED passed, $E2E_FAILED failed"
[ "$E2E_FAILED" -eq 0 ]
