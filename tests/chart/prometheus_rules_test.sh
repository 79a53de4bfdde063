#!/usr/bin/env bash
# The chart's PrometheusRule (metrics.prometheusRule.enabled): off by default; when on, its rules
# are valid (`promtool check rules`) and each alert fires on recorded samples that cross its
# threshold and not on samples that do not (`promtool test rules`, prometheus_rules_test.yaml).
# promtool is built from the Go module proxy (hack/build-promtool.sh, cached).
# usage: tests/chart/prometheus_rules_test.sh
set -euo pipefail
REPO=$(cd -P "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CHART=$REPO/charts/cipherbox-republish
PATH=$("$REPO/hack/build-k8s-bins.sh"):$PATH
PROMTOOL=$("$REPO/hack/build-promtool.sh")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
passed=0 failed=0
check() {  # name, command...
  local name=$1 out
  shift
  if out=$("$@" 2>&1); then echo "PASS $name"; passed=$((passed + 1)); else
    echo "FAIL $name: $(tail -20 <<<"$out")"; failed=$((failed + 1)); fi
}

helm template cbx "$CHART" --kube-version 1.35.0 >"$WORK/default.yaml"
check "no PrometheusRule by default" bash -c "! grep -q 'kind: PrometheusRule' '$WORK/default.yaml'"
helm template cbx "$CHART" --kube-version 1.35.0 --set metrics.prometheusRule.enabled=true \
  --show-only templates/prometheusrule.yaml >"$WORK/rule.yaml"
check "PrometheusRule rendered when enabled" grep -q 'kind: PrometheusRule' "$WORK/rule.yaml"
yq -y .spec "$WORK/rule.yaml" >"$WORK/rules.yaml"
check "promtool check rules" "$PROMTOOL" check rules "$WORK/rules.yaml"
cp "$REPO/tests/chart/prometheus_rules_test.yaml" "$WORK/"
check "promtool test rules: every alert fires on its samples and stays silent otherwise" \
  bash -c "cd '$WORK' && '$PROMTOOL' test rules prometheus_rules_test.yaml"
for alert in CipherboxRecordValidityLow CipherboxFolderNotResolvable CipherboxEndpointReadBackMismatch \
  CipherboxFoldersStalled CipherboxEpochNotAttested CipherboxSignerKeyChanged CipherboxCollateralNearExpiry; do
  check "$alert: defined and tested" bash -c "grep -q 'alert: $alert' '$WORK/rules.yaml' && grep -q 'alertname: $alert' '$WORK/prometheus_rules_test.yaml'"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
