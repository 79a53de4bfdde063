#!/usr/bin/env bash
# Checks hack/local-cp.sh on a control plane of its own (not the shared ctest fixture, because it
# restarts the API server and compacts etcd): up, idempotent up, env, token, compact + 410 Gone,
# restart-apiserver keeping data, down stopping both processes.
# usage: tests/integration/local_cp_test.sh STATE_DIR   (a directory of its own; wiped first)
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 STATE_DIR" >&2; exit 2; }
REPO=$(cd -P "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CP=$REPO/hack/local-cp.sh
STATE=$1
"$CP" down "$STATE" 2>/dev/null || true
rm -rf "$STATE"

passed=0
failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1${2:+: $2}"; failed=$((failed + 1)); }
check() { # check NAME CMD...
  local name=$1
  shift
  local out
  if out=$("$@" 2>&1); then pass "$name"; else fail "$name" "$(tail -5 <<<"$out")"; fi
}
equals() { [ "$1" = "$2" ] || { echo "    expected '$2', got '$1'" >&2; return 1; }; }
trap '"$CP" down "$STATE" >/dev/null 2>&1 || true' EXIT

check "up" "$CP" up "$STATE"
eval "$("$CP" env "$STATE")"
check "admin.kubeconfig, ca.crt and env written" test -s "$STATE/admin.kubeconfig" -a -s "$STATE/ca.crt" -a -s "$STATE/env"
check "env points KUBECONFIG at admin.kubeconfig" equals "$KUBECONFIG" "$STATE/admin.kubeconfig"
check "server version is v1.35.4" equals "$(kubectl version -o json | jq -r .serverVersion.gitVersion)" v1.35.4
check "admin is system:masters" grep -q system:masters <<<"$(kubectl auth whoami -o json)"
check "namespace default exists" kubectl get namespace default
check "serving cert has the 127.0.0.1 SAN" grep -q 'IP Address:127.0.0.1' \
  <<<"$(openssl x509 -in "$STATE/pki/apiserver.crt" -noout -ext subjectAltName)"
check "serving cert chains to ca.crt" openssl verify -CAfile "$STATE/ca.crt" "$STATE/pki/apiserver.crt"
check "anonymous requests are not admin" bash -c \
  "[ \"\$(curl -s -o /dev/null -w '%{http_code}' --cacert '$STATE/ca.crt' $CBX_CP_API_URL/api/v1/namespaces)\" = 403 ]"
PIDS="$(cat "$STATE/run/etcd.pid") $(cat "$STATE/run/kube-apiserver.pid")"
check "second up is a no-op (same processes)" bash -c "'$CP' up '$STATE' && \
  [ \"\$(cat '$STATE/run/etcd.pid') \$(cat '$STATE/run/kube-apiserver.pid')\" = '$PIDS' ]"
check "status reports both running" "$CP" status "$STATE"

# token: a ServiceAccount identity, RBAC enforced
OUT=$("$CP" token "$STATE" cp-test op 2>/dev/null || true)
check "token writes a kubeconfig" test -s "$OUT"
check "token kubeconfig authenticates as the ServiceAccount" equals \
  "$(kubectl --kubeconfig="$OUT" auth whoami -o jsonpath='{.status.userInfo.username}')" system:serviceaccount:cp-test:op
forbidden() { local out; ! out=$(kubectl --kubeconfig="$1" get configmaps 2>&1) && grep -q Forbidden <<<"$out"; }
check "ServiceAccount has no rights by default (RBAC on)" forbidden "$OUT"
check "token for an existing ServiceAccount works again" "$CP" token "$STATE" cp-test op "$STATE/op2.kubeconfig"

# helm (built with the server) installs a chart whose kubeVersion constraint needs the stamped
# server version
CHART=$STATE/test-chart
mkdir -p "$CHART/templates"
printf 'apiVersion: v2\nname: cp-test\nversion: 0.1.0\nkubeVersion: ">=1.35.0-0"\n' >"$CHART/Chart.yaml"
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-helm\ndata:\n  k: v\n' >"$CHART/templates/cm.yaml"
check "helm is v3.21.4" equals "$(helm version --template '{{.Version}}')" v3.21.4
check "helm install (kubeVersion >= 1.35)" helm install cp-test "$CHART" -n cp-test
check "helm created the ConfigMap" kubectl -n cp-test get configmap from-helm
check "helm uninstall" helm uninstall cp-test -n cp-test

# compact + restart: a watch from an old resourceVersion gets 410 Gone, data survives
kubectl -n cp-test create configmap c1 --from-literal=k=v0 >/dev/null
OLD_RV=$(kubectl -n cp-test get configmap c1 -o jsonpath='{.metadata.resourceVersion}')
for i in 1 2 3; do kubectl -n cp-test patch configmap c1 -p "{\"data\":{\"k\":\"v$i\"}}" >/dev/null; done
REV=$("$CP" compact "$STATE" 2>/dev/null || true)
check "compact prints the compacted revision" grep -qE '^[0-9]+$' <<<"$REV"
check "compacted revision is past the old resourceVersion" test "${REV:-0}" -gt "$OLD_RV"
check "restart-apiserver" "$CP" restart-apiserver "$STATE"
check "data survives the API server restart" equals "$(kubectl -n cp-test get configmap c1 -o jsonpath='{.data.k}')" v3
WATCH=$(timeout 10 kubectl get --raw "/api/v1/namespaces/cp-test/configmaps?watch=1&resourceVersion=$OLD_RV" | head -1 || true)
check "watch from a compacted resourceVersion gets 410 Expired" equals "$(jq -c '[.type, .object.code]' <<<"$WATCH")" '["ERROR",410]'

check "stop-apiserver" "$CP" stop-apiserver "$STATE"
check "API unreachable while stopped" bash -c "! kubectl get namespace default"
check "start-apiserver on the same port" "$CP" start-apiserver "$STATE"
check "API reachable again with the same kubeconfig" kubectl get namespace default

check "down" "$CP" down "$STATE"
alive() { [ -e "/proc/$1" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; } # zombies are dead
all_dead() { local p; for p in "$@"; do ! alive "$p" || return 1; done; }
# shellcheck disable=SC2086 # two PIDs
check "down stopped both processes" all_dead $PIDS
check "status reports stopped" bash -c "! '$CP' status '$STATE'"
check "up after down starts a fresh cluster" bash -c "'$CP' up '$STATE' && ! kubectl get namespace cp-test"
check "down again" "$CP" down "$STATE"
trap - EXIT

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
