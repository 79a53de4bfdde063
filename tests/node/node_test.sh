#!/usr/bin/env bash
# The chart's Pods on a real node (hack/node.sh): what only Pods can prove. The chart is installed
# with helm, its images built from the repository's Dockerfiles (hack/node-images.sh), with the
# demo signer, routing server and epoch 1:
#  - both operator replicas Ready through their probes, exactly one leader (Lease and metrics);
#  - the operator runs with its in-pod ServiceAccount token and the chart's RBAC only;
#  - non-root user, no capabilities, no new privileges, seccomp, read-only root filesystem
#    (from the Pod spec, from /proc of the container processes, and by write attempts);
#  - folders applied with kubectl are published through the in-cluster signer and routing server;
#  - deleting the leader Pod hands leadership to the other replica within the Lease duration and
#    no folder misses its republish;
#  - `helm upgrade` with a changed value rolls the Deployment without losing state;
#  - `helm uninstall` leaves no chart object behind (the CRDs stay, as documented);
#  - tests/e2e's republish scenario runs against the node's cluster (E2E_KUBECONFIG);
#  - `hack/node.sh down` leaves the host as it was (host-state before == after).
# usage: BIN=build/bin tests/node/node_test.sh STATE_DIR
# KEEP_CLUSTER=1: the node stays up at the end with the demo chart installed (prints KUBECONFIG).
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 STATE_DIR" >&2; exit 2; }
if [ "$(id -u)" -ne 0 ] || [ "${CBX_SKIP_NODE:-0}" = 1 ]; then
  echo "SKIP: the node e2e needs root (containerd, kubelet, a bridge) and CBX_SKIP_NODE unset"
  exit 77
fi
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../e2e/lib.sh"
REPO=$E2E_ROOT
NODE=$REPO/hack/node.sh
mkdir -p "$1"
STATE=$(cd "$1" && pwd)
E2E_STATE=$STATE/test
rm -rf "$E2E_STATE"
mkdir -p "$E2E_STATE"/{logs,run,folders,manifests}
NS=cipherbox-system
RELEASE=cipherbox-republish
OPERATOR_LABELS=app.kubernetes.io/instance=$RELEASE,app.kubernetes.io/component=operator
started=$SECONDS

HOST_BEFORE=$E2E_STATE/host-before.txt
"$NODE" host-state "$STATE" >"$HOST_BEFORE"
teardown() {
  local p
  for p in $(ls "$E2E_STATE/run" 2>/dev/null | sed -n 's/\.pid$//p'); do stop_bg "$p" KILL; done
  if [ "${KEEP_CLUSTER:-0}" = 1 ]; then return; fi
  "$NODE" down "$STATE" >"$E2E_STATE/logs/down.log" 2>&1 || true
}
trap teardown EXIT

say "bringing the node up"
t=$SECONDS
"$NODE" up "$STATE" >"$E2E_STATE/logs/up.log" 2>&1 || { tail -30 "$E2E_STATE/logs/up.log"; exit 1; }
say "node up in $((SECONDS - t)) s"
eval "$("$NODE" env "$STATE")"
export KUBECONFIG

t=$SECONDS
helm_demo() { "$NODE" demo "$STATE" "$@" >>"$E2E_STATE/logs/helm.log" 2>&1; }
check "helm install with the demo signer, routing and epoch (--wait)" \
  helm_demo --set backoff.base=1s,backoff.max=10s,keyRecheck=10s,batch.linger=20ms
say "chart Ready in $((SECONDS - t)) s"
helm get manifest "$RELEASE" -n "$NS" >"$E2E_STATE/manifest.yaml"

operator_pods() { kubectl -n "$NS" get pods -l "$OPERATOR_LABELS" -o jsonpath='{range .items[*]}{.metadata.name}{"\n"}{end}'; }
pod_ready() { [ "$(kubectl -n "$NS" get pod "$1" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" = True ]; }
ready_operator_pods() { # prints the count of Running, Ready, not terminating operator Pods
  kubectl -n "$NS" get pods -l "$OPERATOR_LABELS" -o json | node -e '
    const l = JSON.parse(require("fs").readFileSync(0, "utf8")).items;
    console.log(l.filter(p => !p.metadata.deletionTimestamp && p.status.phase === "Running" &&
      (p.status.conditions || []).some(c => c.type === "Ready" && c.status === "True")).length)'
}
two_ready_operators() { [ "$(ready_operator_pods)" = 2 ]; }
# The Pod holding the Lease (the identity is POD_PID_RANDOM).
lease_holder() { kubectl -n "$NS" get lease cipherbox-republish -o jsonpath='{.spec.holderIdentity}' | sed 's/_[0-9]*_[0-9a-f]*$//'; }
pod_ip() { kubectl -n "$NS" get pod "$1" -o jsonpath='{.status.podIP}'; }
leader_metric() { curl -fsS --max-time 5 "http://$(pod_ip "$1"):8080/metrics" | awk '$1 == "cipherbox_leader" {print $2}'; }
leaders_by_metric() { # pods whose /metrics say cipherbox_leader 1
  local p
  for p in $(operator_pods); do [ "$(leader_metric "$p" 2>/dev/null)" = 1 ] && echo "$p"; done
  return 0
}
one_leader() { [ "$(leaders_by_metric | wc -l)" = 1 ] && [ "$(leaders_by_metric)" = "$(lease_holder)" ]; }
# What one_leader saw, for a failure: each operator Pod (deleting or not, restarts, its
# cipherbox_leader), the Lease, and the leadership lines of each Pod's log (kept in logs/).
leader_report() {
  local p
  echo "--- leader report: Lease holder '$(lease_holder)'"
  kubectl -n "$NS" get lease cipherbox-republish -o jsonpath='{.spec}{"\n"}' || true
  for p in $(operator_pods); do
    echo "$p: cipherbox_leader=$(leader_metric "$p" 2>&1 | tr '\n' ' ')" \
      "deleting=$(kubectl -n "$NS" get pod "$p" -o jsonpath='{.metadata.deletionTimestamp}')" \
      "restarts=$(kubectl -n "$NS" get pod "$p" -o jsonpath='{.status.containerStatuses[0].restartCount}')"
    kubectl -n "$NS" logs "$p" --all-containers >"$E2E_STATE/logs/$p.log" 2>&1 || true
    kubectl -n "$NS" logs "$p" --previous >>"$E2E_STATE/logs/$p.log" 2>/dev/null || true
    grep -iE 'leader|lease|shutting|stopp|signal' "$E2E_STATE/logs/$p.log" | tail -15 | cut -c1-300
  done
}
check_one_leader() { # description
  if eventually 120 one_leader; then pass "$1"; else fail "$1"; leader_report; fi
}

# --- Pods Ready through their probes, one leader ----------------------------------------------
check "two operator Pods Running and Ready" eventually 300 two_ready_operators
for p in $(operator_pods); do
  check_eq "$p: readiness probe is GET /readyz" /readyz \
    "$(kubectl -n "$NS" get pod "$p" -o jsonpath='{.spec.containers[0].readinessProbe.httpGet.path}')"
  check_eq "$p: liveness probe is GET /healthz" /healthz \
    "$(kubectl -n "$NS" get pod "$p" -o jsonpath='{.spec.containers[0].livenessProbe.httpGet.path}')"
  check "$p: /readyz answers ok from the Pod's IP" bash -c "curl -fsS http://$(pod_ip "$p"):8080/readyz | grep -qx ok"
  check_eq "$p: image built from operator/Dockerfile" "localhost/cipherbox-republish:${IMAGE_TAG:-node}" \
    "$(kubectl -n "$NS" get pod "$p" -o jsonpath='{.spec.containers[0].image}')"
done
check_one_leader "exactly one leader: the Lease holder is the only Pod with cipherbox_leader 1"
LEADER=$(lease_holder)
LEASE_SECONDS=$(kubectl -n "$NS" get lease cipherbox-republish -o jsonpath='{.spec.leaseDurationSeconds}')
say "leader $LEADER, lease duration $LEASE_SECONDS s"
for c in signer routing; do
  check "demo $c Pod Ready" eventually 180 pod_ready \
    "$(kubectl -n "$NS" get pods -l "app.kubernetes.io/component=demo-$c" -o jsonpath='{.items[0].metadata.name}')"
done

# --- in-pod ServiceAccount, the chart's RBAC only ---------------------------------------------
SA=$RELEASE
for p in $(operator_pods); do
  check_eq "$p: runs as the chart's ServiceAccount" "$SA" "$(kubectl -n "$NS" get pod "$p" -o jsonpath='{.spec.serviceAccountName}')"
  check "$p: the token volume is the projected ServiceAccount token" \
    bash -c "kubectl -n $NS get pod $p -o jsonpath='{.spec.volumes[*].projected.sources[*].serviceAccountToken.path}' | grep -qx token"
  check "$p: no --kubeconfig argument (in-cluster config)" \
    bash -c "! kubectl -n $NS get pod $p -o jsonpath='{.spec.containers[0].args}' | grep -q kubeconfig"
done
bindings_of_sa() { # every (Cluster)RoleBinding naming the operator's ServiceAccount
  kubectl get clusterrolebindings,rolebindings -A -o json | node -e '
    const [ns, sa] = process.argv.slice(1);
    const l = JSON.parse(require("fs").readFileSync(0, "utf8")).items;
    for (const b of l) if ((b.subjects || []).some(s => s.kind === "ServiceAccount" && s.name === sa && s.namespace === ns))
      console.log(`${b.kind}/${b.metadata.name} managed-by=${(b.metadata.labels || {})["app.kubernetes.io/managed-by"]}`)' "$NS" "$SA"
}
bindings_of_sa >"$E2E_STATE/sa-bindings.txt"
check "the ServiceAccount is bound only by the chart's bindings" \
  bash -c "[ -s '$E2E_STATE/sa-bindings.txt' ] && ! grep -v 'managed-by=Helm$' '$E2E_STATE/sa-bindings.txt'"
check_eq "the ServiceAccount may not list Secrets" no \
  "$(kubectl auth can-i list secrets -n "$NS" --as "system:serviceaccount:$NS:$SA" 2>/dev/null || true)"

# --- security context: spec, /proc of the processes, write attempts ---------------------------
container_pid() { # pod, container: the host PID of the container's main process (through containerd)
  local id
  id=$(kubectl -n "$NS" get pod "$1" -o jsonpath="{.status.containerStatuses[?(@.name==\"$2\")].containerID}")
  ctr --address "$CBX_NODE_STATE_DIR/containerd/containerd.sock" -n k8s.io tasks ls | awk -v id="${id#containerd://}" '$1 == id {print $2}'
}
proc_field() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }
root_mount_ro() { awk '$5 == "/" {print $6}' "/proc/$1/mountinfo" | grep -qE '(^|,)ro(,|$)'; }
check_process() { # label, pid, uid
  local label=$1 pid=$2 uid=$3
  [ -n "$pid" ] || { fail "$label: no process found"; return; }
  check_eq "$label: real/effective uid $uid" "$uid $uid" "$(awk '$1 == "Uid:" {print $2, $3}' "/proc/$pid/status")"
  check_eq "$label: no effective capabilities" 0000000000000000 "$(proc_field "$pid" CapEff)"
  check_eq "$label: no bounding capabilities" 0000000000000000 "$(proc_field "$pid" CapBnd)"
  check_eq "$label: no_new_privs" 1 "$(proc_field "$pid" NoNewPrivs)"
  check_eq "$label: seccomp filter on" 2 "$(proc_field "$pid" Seccomp)"
  check "$label: root filesystem mounted read-only" root_mount_ro "$pid"
}
for p in $(operator_pods); do
  check_eq "$p: securityContext readOnlyRootFilesystem/runAsNonRoot/drop" "true true [\"ALL\"]" \
    "$(kubectl -n "$NS" get pod "$p" -o jsonpath='{.spec.containers[0].securityContext.readOnlyRootFilesystem} {.spec.containers[0].securityContext.runAsNonRoot} {.spec.containers[0].securityContext.capabilities.drop}')"
  check_process "$p" "$(container_pid "$p" operator)" 10001
  check "$p: writing to / is refused (read-only file system)" \
    bash -c "kubectl -n $NS exec $p -- touch /probe 2>&1 | grep -q 'Read-only file system'"
  check "$p: writing to /usr/local/bin is refused" bash -c "! kubectl -n $NS exec $p -- touch /usr/local/bin/probe 2>/dev/null"
  check "$p: /tmp (emptyDir) is writable" kubectl -n "$NS" exec "$p" -- touch /tmp/probe
  check_eq "$p: exec runs as uid 10001" 10001 "$(kubectl -n "$NS" exec "$p" -- id -u 2>/dev/null)"
done
for c in signer routing; do
  p=$(kubectl -n "$NS" get pods -l "app.kubernetes.io/component=demo-$c" -o jsonpath='{.items[0].metadata.name}')
  uid=10001
  check_process "demo $c" "$(container_pid "$p" "$c")" "$uid"
done

# --- folders published through the in-cluster signer and routing ------------------------------
SVC_ROUTING=$(kubectl -n "$NS" get svc "$RELEASE-routing" -o jsonpath='{.spec.clusterIP}')
ROUTING_URL=http://$SVC_ROUTING:8080  # the host reaches Services through kube-proxy's rules
check "epoch 1 (demo signer in a Pod) becomes Active" eventually 180 epoch_phase_is 1 Active
CID1=$(cid_of node-one)
FOLDERS="n1 n2 n3"
for f in $FOLDERS; do new_folder "$f" "$CID1" 1; done
for f in $FOLDERS; do kubectl patch ipnsrepublish "$f" --type=merge -p '{"spec":{"interval":"1m"}}' >/dev/null; done
for f in $FOLDERS; do
  check "$f published by the in-cluster operator" eventually 180 published_sequence_at_least "$f" 2
  check_eq "$f: the in-cluster routing server serves a valid record of spec.cid" "true /ipfs/$CID1" \
    "$(out=$(verify_resolved "$f"); echo "$(echo "$out" | json_field valid) $(echo "$out" | json_field value)")"
done
denied_requests() { # 403s the operators met (their logs)
  local p
  for p in $(operator_pods); do kubectl -n "$NS" logs "$p" 2>/dev/null; done | grep -ciE '"(code|status)":403|forbidden' || true
}
check_eq "no request of the operators was refused by RBAC" 0 "$(denied_requests)"

# --- leader Pod deleted: the other replica leads within the Lease duration; no missed cycle ----
# The Lease may go to the standby replica or to the Pod the ReplicaSet starts in the leader's
# place (a released Lease goes to whoever asks first): any live replica but the deleted one.
declare -A SEQ_BEFORE DUE
for f in $FOLDERS; do
  SEQ_BEFORE[$f]=$(status_of "$f" publishedSequence)
  DUE[$f]=$(date -d "$(status_of "$f" nextRepublishAt)" +%s)
done
# The Lease bounds the handover from the moment the leader is gone (its Pod object disappears
# once the kubelet has stopped its containers); how soon the kubelet stops them after the delete
# request depends on the machine's load, so that part gets a generous timeout of its own. An
# operator that releases the Lease on SIGTERM hands over before it is gone.
holder_moved() { local h; h=$(lease_holder); [ -n "$h" ] && [ "$h" != "$LEADER" ]; }
pod_gone() { ! kubectl -n "$NS" get pod "$1" >/dev/null 2>&1; }
moved_or_gone() { holder_moved || pod_gone "$LEADER"; }
t0=$SECONDS
kubectl -n "$NS" delete pod "$LEADER" --wait=false >/dev/null
check "the leader Pod stops (or hands over first)" eventually 120 moved_or_gone
t_gone=$((SECONDS - t0))
check "another replica holds the Lease within its duration (${LEASE_SECONDS}s) of the leader being gone" \
  eventually "$LEASE_SECONDS" holder_moved
say "leadership moved $((SECONDS - t0)) s after the delete request (checked from $t_gone s), to $(lease_holder)"
new_leader_says_so() { [ "$(leader_metric "$(lease_holder)" 2>/dev/null)" = 1 ]; }
check "the new leader says cipherbox_leader 1" eventually 60 new_leader_says_so
for f in $FOLDERS; do
  wait_s=$((DUE[$f] - $(date +%s) + LEASE_SECONDS + 60))
  [ "$wait_s" -gt 0 ] || wait_s=$((LEASE_SECONDS + 60))
  check "$f: republished at its due time across the failover (sequence above ${SEQ_BEFORE[$f]})" \
    eventually "$wait_s" status_above "$f" publishedSequence "${SEQ_BEFORE[$f]}"
done
check "the Deployment is back to two Ready replicas" eventually 300 two_ready_operators
check_one_leader "still exactly one leader"

# --- helm upgrade with a changed value: a rollout, state kept ----------------------------------
old_rs=$(kubectl -n "$NS" get deploy "$RELEASE" -o jsonpath='{.metadata.annotations.deployment\.kubernetes\.io/revision}')
epoch_key=$(epoch_public_key 1)
token_before=$(kubectl -n "$NS" get secret cipherbox-signer-token -o jsonpath='{.data.token}')
declare -A SEQ_UP
for f in $FOLDERS; do SEQ_UP[$f]=$(status_of "$f" publishedSequence); done
check "helm upgrade --set logLevel=debug (--wait)" \
  helm_demo --set backoff.base=1s,backoff.max=10s,keyRecheck=10s,batch.linger=20ms,logLevel=debug
check "the Deployment rolled to a new revision" \
  bash -c "[ \"\$(kubectl -n $NS get deploy $RELEASE -o jsonpath='{.metadata.annotations.deployment\.kubernetes\.io/revision}')\" -gt $old_rs ]"
check "the new Pods run with --log-level=debug" \
  bash -c "kubectl -n $NS get pods -l $OPERATOR_LABELS -o jsonpath='{.items[*].spec.containers[0].args}' | grep -q -- --log-level=debug"
check "two Ready operators after the rollout" eventually 300 two_ready_operators
check_one_leader "one leader after the rollout"
check_eq "the signer token Secret kept its value" "$token_before" \
  "$(kubectl -n "$NS" get secret cipherbox-signer-token -o jsonpath='{.data.token}')"
check_eq "epoch 1 kept its key (the seed Secret survived)" "$epoch_key" "$(epoch_public_key 1)"
for f in $FOLDERS; do
  request_republish "$f"
  check "$f: republished after the upgrade (sequence above ${SEQ_UP[$f]})" \
    eventually 120 status_above "$f" publishedSequence "${SEQ_UP[$f]}"
done
check_history >"$E2E_STATE/history.txt" 2>&1 || true
check "routing history: every record valid, sequences strictly increase per name, none signed twice" \
  grep -q '^history ok' "$E2E_STATE/history.txt"

# --- helm uninstall: nothing of the chart stays, CRDs do --------------------------------------
check "helm uninstall (--wait)" helm uninstall "$RELEASE" -n "$NS" --wait --timeout 3m
left_behind() { kubectl get -f "$E2E_STATE/manifest.yaml" --ignore-not-found -o name 2>/dev/null; }
no_chart_object() { [ -z "$(left_behind)" ]; }
check "no object of the release manifest is left" eventually 120 no_chart_object
no_pods_or_rs() { [ -z "$(kubectl -n "$NS" get pods,replicasets -l "app.kubernetes.io/instance=$RELEASE" -o name)" ]; }
check "no Pod or ReplicaSet of the release is left" eventually 300 no_pods_or_rs
check "the CRDs stay installed" kubectl get crd ipnsrepublishes.republish.cipherbox.io teeepochs.republish.cipherbox.io
check "folders (user data) stay" kubectl get ipnsrepublish n1

# --- tests/e2e against this cluster -----------------------------------------------------------
for f in $FOLDERS; do kubectl delete ipnsrepublish "$f" --ignore-not-found >/dev/null; done
kubectl delete teeepochs --all >/dev/null 2>&1 || true
check "tests/e2e republish scenario against the node's cluster (E2E_KUBECONFIG)" \
  bash -c "E2E_KUBECONFIG='$KUBECONFIG' E2E_STATE_ROOT='$STATE/e2e' BIN='$BIN' bash '$REPO/tests/e2e/republish_test.sh' >'$E2E_STATE/logs/republish.log' 2>&1"
tail -n 1 "$E2E_STATE/logs/republish.log"

if [ "${KEEP_CLUSTER:-0}" = 1 ]; then
  "$NODE" demo "$STATE" >/dev/null
  say "KEEP_CLUSTER=1: the node stays up with the demo chart; hack/node.sh down $STATE removes it"
  echo "KUBECONFIG=$KUBECONFIG"
  e2e_finish
  exit
fi

# --- teardown restores the host ---------------------------------------------------------------
trap - EXIT
teardown
"$NODE" host-state "$STATE" >"$E2E_STATE/host-after.txt"
check "hack/node.sh down leaves the host as it found it (ip_forward, links, routes, netns, mounts, nft tables, cgroups, processes)" \
  diff "$HOST_BEFORE" "$E2E_STATE/host-after.txt"
say "node e2e in $((SECONDS - started)) s"
e2e_finish
