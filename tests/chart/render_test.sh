#!/usr/bin/env bash
# The Helm chart without running it: crds/ and the chart's crds/ are identical, `helm lint`
# passes, the rendered YAML of a few value sets (defaults, demo parts on, ServiceMonitor on,
# several routing endpoints) has what it must have (checked with jq on what the real API server
# returns for `kubectl apply --dry-run=server`), values.schema.json refuses bad values, the
# dashboard only uses metrics the operator exports, and config/samples apply.
# usage: tests/chart/render_test.sh STATE_DIR   (a control plane started by hack/local-cp.sh up)
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 STATE_DIR" >&2; exit 2; }
REPO=$(cd -P "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
eval "$("$REPO/hack/local-cp.sh" env "$1")"
export KUBECONFIG
CHART=$REPO/charts/cipherbox-republish
RUN=$$-$RANDOM
NS=cbx-render-$RUN
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
KUBE_VERSION=$(kubectl version -o json | jq -r .serverVersion.gitVersion)

passed=0
failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1${2:+: $2}"; failed=$((failed + 1)); }
check() {  # name, command...: passes when the command succeeds
  local name=$1 out
  shift
  if out=$("$@" 2>&1); then pass "$name"; else fail "$name" "$(tail -5 <<<"$out")"; fi
}
check_eq() {  # name, expected, actual
  if [ "$2" == "$3" ]; then pass "$1"; else fail "$1" "expected '$2', got '$3'"; fi
}

render() {  # out-file, helm flags...: renders release `cbx` into $NS
  local out=$1
  shift
  helm template cbx "$CHART" -n "$NS" --kube-version "$KUBE_VERSION" "$@" >"$WORK/$out.yaml"
}
# What the API server makes of a rendering (defaults filled in), as one JSON list. ServiceMonitor
# is left out: its CRD (prometheus-operator) is not installed here.
server_view() {  # name
  awk 'BEGIN{RS="\n---\n"; ORS="\n---\n"} !/kind: ServiceMonitor/' "$WORK/$1.yaml" >"$WORK/$1.server-input.yaml"
  kubectl apply --dry-run=server -f "$WORK/$1.server-input.yaml" -o json >"$WORK/$1.json"
}
q() {  # name, jq filter over the list of rendered objects
  jq -r "$2" "$WORK/$1.json"
}
obj() {  # name, kind, object name -> jq filter selecting it
  echo "[.items[] | select(.kind == \"$2\" and .metadata.name == \"$3\")][0]"
}

kubectl apply --server-side --force-conflicts -f "$REPO/crds/" >/dev/null
kubectl wait --for=condition=Established crd/ipnsrepublishes.republish.cipherbox.io \
  crd/teeepochs.republish.cipherbox.io --timeout=60s >/dev/null
kubectl create namespace "$NS" >/dev/null

# --- chart files ------------------------------------------------------------------------------
check "chart crds/ identical to crds/" diff -r "$REPO/crds" "$CHART/crds"
check "helm lint (defaults)" helm lint --strict "$CHART" --kube-version "$KUBE_VERSION"
check "helm lint (demo parts and ServiceMonitor on)" helm lint --strict "$CHART" --kube-version "$KUBE_VERSION" \
  --set demo.signer.enabled=true,demo.routing.enabled=true,demo.epoch.enabled=true,metrics.serviceMonitor.enabled=true
check "dashboard JSON parses" jq -e '.panels | length > 0' "$CHART/dashboards/cipherbox-republish.json"
for m in $(grep -o 'cipherbox_[a-z_]*' "$CHART/dashboards/cipherbox-republish.json" | sed -E 's/_(bucket|sum|count)$//' | sort -u); do
  check "dashboard metric $m is exported by the operator" grep -rq "\"$m\"" "$REPO/operator/src"
done
for m in cipherbox_republish_total cipherbox_record_valid_until_earliest_seconds cipherbox_epoch_phase \
  cipherbox_workqueue_depth; do
  check "dashboard shows $m" grep -q "$m" "$CHART/dashboards/cipherbox-republish.json"
done

# --- defaults ---------------------------------------------------------------------------------
D=cbx-cipherbox-republish
check "render defaults" render defaults
check "defaults accepted by the API server (dry-run)" server_view defaults
check_eq "defaults: object kinds" \
  "ClusterRole ClusterRoleBinding ConfigMap Deployment PodDisruptionBudget Role RoleBinding Service ServiceAccount" \
  "$(q defaults '[.items[].kind] | sort | join(" ")')"
dep=$(obj defaults Deployment $D)
check_eq "defaults: 2 replicas" 2 "$(q defaults "$dep.spec.replicas")"
args=$(q defaults "$dep.spec.template.spec.containers[0].args | join(\" \")")
check_eq "defaults: operator args" \
  "run --namespace=$NS --routing=https://delegated-ipfs.dev --probe-address=0.0.0.0:8080 --leader-elect=true --leader-elect-lease-duration=15s --leader-elect-renew-deadline=10s --leader-elect-retry-period=2s --log-level=info --workers=64 --pipeline-depth=1000 --publish-workers=32 --batch-size=50 --batch-linger=50ms --max-in-flight=4 --backoff-base=5s --backoff-max=5m --key-recheck=5m --epoch-resync=15s --rewrap-rate=20 --validity-slo-period=30s --readback-delay=10s --readback-margin=24h --readback-rate=20 --readback-retry-base=30s --readback-retry-max=30m --readback-recheck=0s --pccs-url=https://pccs.phala.network --collateral-max-age=1h --ledger-retention=720h --qps=0 --burst=0" \
  "$args"
c="$dep.spec.template.spec.containers[0]"
check_eq "defaults: image from appVersion" ghcr.io/cipherbox/cipherbox-republish:0.1.0 "$(q defaults "$c.image")"
check_eq "defaults: liveness /healthz on the probe port" "/healthz 8080" \
  "$(q defaults "$c | .livenessProbe.httpGet.port as \$n | \"\\(.livenessProbe.httpGet.path) \\(.ports[] | select(.name == \$n) | .containerPort)\"")"
check_eq "defaults: readiness /readyz" /readyz "$(q defaults "$c.readinessProbe.httpGet.path")"
check_eq "defaults: container security context" "false true true [\"ALL\"] RuntimeDefault" \
  "$(q defaults "$c.securityContext | \"\(.allowPrivilegeEscalation) \(.readOnlyRootFilesystem) \(.runAsNonRoot) \(.capabilities.drop | tojson) \(.seccompProfile.type)\"")"
check_eq "defaults: pod runs as non-root with RuntimeDefault seccomp" "true RuntimeDefault" \
  "$(q defaults "$dep.spec.template.spec.securityContext | \"\(.runAsNonRoot) \(.seccompProfile.type)\"")"
check_eq "defaults: resources" "100m 128Mi 512Mi" \
  "$(q defaults "$c.resources | \"\(.requests.cpu) \(.requests.memory) \(.limits.memory)\"")"
check_eq "defaults: the pod runs as the chart's ServiceAccount" $D "$(q defaults "$dep.spec.template.spec.serviceAccountName")"
pod_labels=$(q defaults "$dep.spec.template.metadata.labels | to_entries | map(\"\(.key)=\(.value)\") | sort | join(\",\")")
check_eq "defaults: metrics Service selects the operator pods" "$pod_labels" \
  "$(q defaults "$(obj defaults Service $D-metrics).spec.selector | to_entries | map(\"\(.key)=\(.value)\") | sort | join(\",\")")"
check_eq "defaults: metrics Service port targets http-metrics" "8080 http-metrics" \
  "$(q defaults "$(obj defaults Service $D-metrics).spec.ports[0] | \"\(.port) \(.targetPort)\"")"
check_eq "defaults: PDB minAvailable 1 on the operator pods" "1 $pod_labels" \
  "$(q defaults "$(obj defaults PodDisruptionBudget $D) | \"\\(.spec.minAvailable) \\(.spec.selector.matchLabels | to_entries | map(\"\\(.key)=\\(.value)\") | sort | join(\",\"))\"")"
# RBAC: least privilege.
cr=$(obj defaults ClusterRole $D)
check_eq "ClusterRole: exactly the rules the operator uses" \
  'events.k8s.io/events:create republish.cipherbox.io/ipnsrepublishes,teeepochs:get,list,watch republish.cipherbox.io/ipnsrepublishes/status,teeepochs/status:patch republish.cipherbox.io/teeepochs:create' \
  "$(q defaults "[$cr.rules[] | \"\(.apiGroups | join(\",\"))/\(.resources | join(\",\")):\(.verbs | join(\",\"))\"] | sort | join(\" \")")"
check_eq "ClusterRole: no wildcard, no delete, no secrets" 0 \
  "$(q defaults "[$cr.rules[] | select((.verbs + .resources + .apiGroups) | any(. == \"*\" or . == \"delete\" or . == \"secrets\"))] | length")"
role=$(obj defaults Role $D)
check_eq "Role: Secrets get by name only" 'get cipherbox-signer-token' \
  "$(q defaults "$role.rules[] | select(.resources == [\"secrets\"]) | \"\(.verbs | join(\",\")) \(.resourceNames | join(\",\"))\"")"
check_eq "Role: the Lease cipherbox-republish (get, update), create, and list (the shard topology gate)" 'create,list get,update:cipherbox-republish' \
  "$(q defaults "[$role.rules[] | select(.resources == [\"leases\"]) | \"\(.verbs | join(\",\"))\(if .resourceNames then \":\" + (.resourceNames | join(\",\")) else \"\" end)\"] | sort | join(\" \")")"
check_eq "Role lives in the release namespace" "$NS" "$(q defaults "$role.metadata.namespace")"
check_eq "bindings name the chart's ServiceAccount" "$NS/$D $NS/$D" \
  "$(q defaults "[.items[] | select(.kind | endswith(\"Binding\")) | .subjects[0] | \"\(.namespace)/\(.name)\"] | join(\" \")")"
check_eq "dashboard ConfigMap carries the Grafana sidecar label" 1 \
  "$(q defaults "$(obj defaults ConfigMap $D-dashboard).metadata.labels.grafana_dashboard")"
check "defaults: no demo parts, no simulator" bash -c "! grep -q -- '--insecure-simulator\|kind: TeeEpoch\|kind: Secret' '$WORK/defaults.yaml'"

# --- demo parts on ----------------------------------------------------------------------------
check "render demo" render demo --set demo.signer.enabled=true,demo.routing.enabled=true,demo.epoch.enabled=true \
  --set demo.signer.image.tag=dev,demo.routing.image.tag=dev
check "demo accepted by the API server (dry-run)" server_view demo
check_eq "demo: Deployments" "$D $D-routing $D-signer" \
  "$(q demo '[.items[] | select(.kind == "Deployment") | .metadata.name] | sort | join(" ")')"
check_eq "demo: Secrets (token, simulator seed)" "$D-signer-seed cipherbox-signer-token" \
  "$(q demo '[.items[] | select(.kind == "Secret") | .metadata.name] | sort | join(" ")')"
check_eq "demo: simulator seed is 32 bytes" 32 "$(q demo "$(obj demo Secret $D-signer-seed).data.seed" | base64 -d | wc -c)"
check_eq "demo: operator also publishes to the in-cluster routing server" \
  "--routing=https://delegated-ipfs.dev --routing=http://$D-routing.$NS.svc:8080" \
  "$(q demo "[$(obj demo Deployment $D).spec.template.spec.containers[0].args[] | select(startswith(\"--routing\"))] | join(\" \")")"
check_eq "demo: signer runs the simulator with the token and seed files" \
  "--listen=0.0.0.0:8443 --token-file=/var/run/cipherbox/token/token --insecure-simulator --simulator-seed-file=/var/run/cipherbox/seed/seed" \
  "$(q demo "$(obj demo Deployment $D-signer).spec.template.spec.containers[0].args | join(\" \")")"
check_eq "demo: signer image tag from values" ghcr.io/cipherbox/cipherbox-signer:dev \
  "$(q demo "$(obj demo Deployment $D-signer).spec.template.spec.containers[0].image")"
check_eq "demo: TeeEpoch epoch-1 on the in-cluster signer" \
  "1 http://$D-signer.$NS.svc:8443 cipherbox-signer-token true" \
  "$(q demo "$(obj demo TeeEpoch epoch-1).spec | \"\(.epoch) \(.signer.url) \(.signer.authSecretRef.name) \(.signer.insecureSimulator)\"")"
check_eq "demo: every container is non-root with a read-only root filesystem" "true true true" \
  "$(q demo '[.items[] | select(.kind == "Deployment") | .spec.template.spec.containers[0].securityContext | (.runAsNonRoot and .readOnlyRootFilesystem and (.allowPrivilegeEscalation | not))] | map(tostring) | join(" ")')"

# --- ServiceMonitor on ------------------------------------------------------------------------
check "render servicemonitor" render sm --set metrics.serviceMonitor.enabled=true \
  --set metrics.serviceMonitor.labels.release=kube-prometheus-stack --set metrics.serviceMonitor.interval=15s
sm=$(helm template cbx "$CHART" -n "$NS" --kube-version "$KUBE_VERSION" --show-only templates/servicemonitor.yaml \
  --set metrics.serviceMonitor.enabled=true --set metrics.serviceMonitor.labels.release=kube-prometheus-stack \
  --set metrics.serviceMonitor.interval=15s)
check "servicemonitor: kind and apiVersion" grep -q 'apiVersion: monitoring.coreos.com/v1' <<<"$sm"
check "servicemonitor: scrapes the http-metrics port at /metrics every 15s" \
  bash -c "grep -q -- '- port: http-metrics' <<<'$sm' && grep -q 'path: /metrics' <<<'$sm' && grep -q 'interval: 15s' <<<'$sm'"
check "servicemonitor: extra label" grep -q 'release: kube-prometheus-stack' <<<"$sm"
check "servicemonitor: selects the operator" grep -q 'app.kubernetes.io/component: operator' <<<"$sm"
check "servicemonitor off by default" bash -c "! grep -q ServiceMonitor '$WORK/defaults.yaml'"

# --- several routing endpoints, other values --------------------------------------------------
check "render routing" render routing --set 'routing.endpoints={https://a.example,https://b.example:4443/x,http://c.local:8080}' \
  --set replicaCount=3,logLevel=debug,batch.size=20,signer.tokenSecretNames='{tok-a,tok-b}',leaderElection=false \
  --set podDisruptionBudget.enabled=false,dashboard.enabled=false
check "routing value set accepted by the API server (dry-run)" server_view routing
args=$(q routing "$(obj routing Deployment $D).spec.template.spec.containers[0].args | join(\" \")")
check "routing: one --routing per endpoint, in order" \
  grep -q -- '--routing=https://a.example --routing=https://b.example:4443/x --routing=http://c.local:8080 --probe' <<<"$args"
check "routing: log level, batch size, leader election from values" \
  bash -c "grep -q -- '--leader-elect=false --log-level=debug' <<<'$args' && grep -q -- '--batch-size=20' <<<'$args'"
check "defaults: no --attestation-verifier" bash -c "! grep -q -- --attestation-verifier '$WORK/defaults.yaml'"
check "defaults: --pccs-url is Phala's PCCS" grep -q -- '- --pccs-url=https://pccs.phala.network' "$WORK/defaults.yaml"
check "defaults: --collateral-max-age=1h" grep -q -- '- --collateral-max-age=1h' "$WORK/defaults.yaml"
check "defaults: --ledger-retention=720h (30 days)" grep -q -- '- --ledger-retention=720h' "$WORK/defaults.yaml"
check "render retention" render retention --set keyLedger.retention=2160h
check "keyLedger.retention becomes --ledger-retention" grep -q -- '- --ledger-retention=2160h' "$WORK/retention.yaml"
check "render pccs" render pccs --set attestation.pccsUrl=https://pccs.example:8081
check "attestation.pccsUrl becomes --pccs-url" grep -q -- '- --pccs-url=https://pccs.example:8081' "$WORK/pccs.yaml"
check "render verifier" render verifier --set attestationVerifier=https://verifier.example/v1/verify
check "attestationVerifier becomes --attestation-verifier" \
  grep -q -- '- --attestation-verifier=https://verifier.example/v1/verify' "$WORK/verifier.yaml"
check "routing: no Lease timing flags without leader election" bash -c "! grep -q -- '--leader-elect-' <<<'$args'"
check "render pipeline" render pipeline --set pipelineDepth=5000,publishWorkers=8,epochResync=30s,validitySloPeriod=1m \
  --set-json rewrapRate=2.5 --set leaderElectionTiming.leaseDuration=30s,leaderElectionTiming.renewDeadline=20s \
  --set leaderElectionTiming.retryPeriod=4s
args=$(grep -- '^ *- --' "$WORK/pipeline.yaml" | sed 's/^ *- //' | tr '\n' ' ' || true)
for flag in --pipeline-depth=5000 --publish-workers=8 --epoch-resync=30s --rewrap-rate=2.5 \
  --validity-slo-period=1m --leader-elect-lease-duration=30s --leader-elect-renew-deadline=20s \
  --leader-elect-retry-period=4s; do
  check "pipeline values: $flag" grep -q -- " $flag " <<<" $args"
done
check_eq "routing: 3 replicas" 3 "$(q routing "$(obj routing Deployment $D).spec.replicas")"
check_eq "routing: Secret names from values" "tok-a,tok-b" \
  "$(q routing "$(obj routing Role $D).rules[] | select(.resources == [\"secrets\"]) | .resourceNames | join(\",\")")"
check_eq "routing: PDB and dashboard off" "" \
  "$(q routing '[.items[] | select(.kind == "PodDisruptionBudget" or .kind == "ConfigMap") | .kind] | join(" ")')"

# --- shards: one Deployment, PDB and Lease per shard ---------------------------------------------
check "render shards" render shards --set shards=3
check "shards accepted by the API server (dry-run)" server_view shards
check_eq "shards: one Deployment per shard" "$D-shard-0 $D-shard-1 $D-shard-2" \
  "$(q shards '[.items[] | select(.kind == "Deployment") | .metadata.name] | sort | join(" ")')"
for i in 0 1 2; do
  sd=$(obj shards Deployment $D-shard-$i)
  check_eq "shards: shard $i runs --shard=$i/3 with replicaCount Pods" "--shard=$i/3 2" \
    "$(q shards "\"\([$sd.spec.template.spec.containers[0].args[] | select(startswith(\"--shard\"))] | join(\" \")) \($sd.spec.replicas)\"")"
  check_eq "shards: shard $i selects only its own Pods" "$i $i" \
    "$(q shards "\"\($sd.spec.selector.matchLabels[\"republish.cipherbox.io/shard\"]) \($sd.spec.template.metadata.labels[\"republish.cipherbox.io/shard\"])\"")"
  check_eq "shards: a PDB for shard $i" "1 $i" \
    "$(q shards "$(obj shards PodDisruptionBudget $D-shard-$i) | \"\(.spec.minAvailable) \(.spec.selector.matchLabels[\"republish.cipherbox.io/shard\"])\"")"
done
check_eq "shards: the Role names every shard's Lease (and the single-shard one)" \
  'create,list get,update:cipherbox-republish,cipherbox-republish-shard-0-of-3,cipherbox-republish-shard-1-of-3,cipherbox-republish-shard-2-of-3' \
  "$(q shards "[$(obj shards Role $D).rules[] | select(.resources == [\"leases\"]) | \"\(.verbs | join(\",\"))\(if .resourceNames then \":\" + (.resourceNames | join(\",\")) else \"\" end)\"] | sort | join(\" \")")"
check_eq "defaults: no --shard flag and no shard label (single shard)" "0 0" \
  "$(q defaults "\"\([$dep.spec.template.spec.containers[0].args[] | select(startswith(\"--shard\"))] | length) \([$dep.spec.template.metadata.labels | keys[] | select(. == \"republish.cipherbox.io/shard\")] | length)\"")"

# --- values.schema.json and template guards ---------------------------------------------------
refused() {  # name, expected message part, helm flags...
  local name=$1 want=$2 out
  shift 2
  if out=$(helm template cbx "$CHART" -n "$NS" --kube-version "$KUBE_VERSION" "$@" 2>&1); then
    fail "$name" "rendered"
  elif grep -q -- "$want" <<<"$out"; then pass "$name"; else fail "$name" "$(tail -3 <<<"$out")"; fi
}
refused "schema: batch.size above 50 refused" "batch.size" --set batch.size=51
refused "schema: unknown log level refused" "logLevel" --set logLevel=loud
refused "schema: non-HTTP routing URL refused" "routing.endpoints" --set 'routing.endpoints={ftp://x.example}'
refused "schema: bad duration refused" "backoff.base" --set backoff.base=soon
refused "schema: non-HTTP PCCS URL refused" "attestation.pccsUrl" --set attestation.pccsUrl=ftp://pccs.example
refused "schema: unknown value refused" "additional properties" --set replicas=2
refused "schema: read-back rate 0 refused" "readBack/rate" --set readBack.rate=0
refused "schema: bad read-back margin refused" "readBack/margin" --set readBack.margin=soon
refused "no routing endpoint at all refused" "at least one routing endpoint" --set-json 'routing.endpoints=[]'
refused "schema: negative pipelineDepth refused" "/pipelineDepth': minimum" --set pipelineDepth=-1
refused "schema: pipelineDepth above 100000 refused" "/pipelineDepth': maximum" --set pipelineDepth=100001
refused "schema: 0 publishWorkers refused" "/publishWorkers': minimum" --set publishWorkers=0
refused "schema: publishWorkers above 1024 refused" "/publishWorkers': maximum" --set publishWorkers=1025
refused "schema: rewrapRate 0 refused" "/rewrapRate': exclusiveMinimum" --set rewrapRate=0
refused "schema: negative epochResync refused" "/epochResync': '-15s' does not match" --set epochResync=-15s
refused "schema: bad validitySloPeriod refused" "/validitySloPeriod': 'soon' does not match" \
  --set validitySloPeriod=soon
refused "schema: bad Lease duration refused" "/leaderElectionTiming/leaseDuration': '-1s' does not match" \
  --set leaderElectionTiming.leaseDuration=-1s
refused "schema: 0 shards refused" "shards" --set shards=0
refused "schema: 257 shards refused" "shards" --set shards=257
refused "shards without leader election refused" "shards above 1 need leaderElection" --set shards=2,leaderElection=false
refused "demo epoch without the demo signer refused" "demo.epoch.enabled needs demo.signer.enabled" --set demo.epoch.enabled=true
check "only the in-cluster routing endpoint is fine" \
  render demo-only-routing --set-json 'routing.endpoints=[]' --set demo.routing.enabled=true

# --- config/samples ---------------------------------------------------------------------------
check "config/samples apply (dry-run=server)" kubectl apply --dry-run=server -f "$REPO/config/samples/"
check_eq "config/samples: one TeeEpoch and one IpnsRepublish" "IpnsRepublish TeeEpoch" \
  "$(kubectl apply --dry-run=server -f "$REPO/config/samples/" -o json | jq -r '[(.items // [.])[].kind] | sort | join(" ")')"

kubectl delete namespace "$NS" --wait=false >/dev/null 2>&1 || true
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
