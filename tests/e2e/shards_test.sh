#!/usr/bin/env bash
# Shards (issue 13 item 6, DESIGN §11): resharding 1 -> 2 -> 1 on one control plane with real
# operator processes. Topology 1 (`--shard 0/1`) runs; topology 2 (`--shard 0/2`, `--shard 1/2`)
# starts next to it and must wait; cycles are requested for every folder and the old process is
# stopped (SIGTERM) in the middle of the round; then the same back to one shard.
# Pass bar, per requested cycle: every folder's publishedSequence advances by exactly one (a
# folder reconciled by two processes at once reserves twice: +2; one reconciled by nobody: +0),
# and the routing server's history has no sequence twice (check_history). Each new process waits
# while a Lease of the other topology is live, and each process publishes only its own shard's
# folders (by the documented hash, FNV-1a 64 of spec.ipnsName mod n).
source "$(dirname "$0")/lib.sh"
e2e_setup shards
N=${SHARDS_FOLDERS:-12}
LEASE=(--leader-elect-lease-duration 2s --leader-elect-renew-deadline 1500ms
       --leader-elect-retry-period 250ms)

start_shard() {  # process name, i/n
  local port; port=$(free_port)
  echo "$port" >"$E2E_STATE/run/$1.port"
  start_bg "$1" "$BIN/cipherbox-republish" run --kubeconfig "$KUBECONFIG" --namespace "$OPERATOR_NS" \
    --routing "$ROUTING_URL" --probe-address "127.0.0.1:$port" --backoff-base 1s --backoff-max 5s \
    --key-recheck 10s --batch-linger 20ms --shard "$2" "${LEASE[@]}"
}
leader_metric() {  # process name -> cipherbox_leader (empty when not answering)
  curl -fsS "http://127.0.0.1:$(cat "$E2E_STATE/run/$1.port")/metrics" 2>/dev/null |
    awk '/^cipherbox_leader / {print $2}'
}
leads() { [ "$(leader_metric "$1")" = 1 ]; }
waits() { [ "$(leader_metric "$1")" = 0 ] && grep -q 'waiting for another shard topology' "$E2E_STATE/logs/$1.log"; }
shard_of() {  # spec.ipnsName, n -> the shard by the operator's documented hash
  python3 -c '
import sys
h = 0xcbf29ce484222325
for c in sys.argv[1].encode():
    h = ((h ^ c) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
print(h % int(sys.argv[2]))' "$1" "$2"
}
# Folders a process logged as published, one namespace/name per line.
published_by() { grep '"msg":"published"' "$E2E_STATE/logs/$1.log" | sed 's/.*"key":"\([^"]*\)".*/\1/' | sort -u; }
only_own_shard() {  # process name, i, n
  local key
  for key in $(published_by "$1"); do
    [ "$(shard_of "$(folder_name "${key#*/}")" "$3")" = "$2" ] || { say "$1 published $key of another shard"; return 1; }
  done
}

declare -A EXPECTED
round() {  # description, command run after half of the requests (may be empty)
  local what=$1 midway=$2 i
  for i in $(seq 1 "$N"); do
    EXPECTED[f$i]=$(($(status_of "f$i" publishedSequence) + 1))
  done
  for i in $(seq 1 "$N"); do
    request_republish "f$i"
    [ "$i" -ne $((N / 2)) ] || [ -z "$midway" ] || $midway
  done
  local all_reached=1
  for i in $(seq 1 "$N"); do
    eventually 60 published_sequence_at_least "f$i" "${EXPECTED[f$i]}" || { all_reached=0; say "f$i stayed at $(status_of "f$i" publishedSequence)"; }
  done
  check "$what: every folder published its requested cycle" [ "$all_reached" = 1 ]
}
exactly_one_cycle_each() {  # description
  sleep 3  # a second, doubled cycle would land by now (the batch linger is 20 ms)
  local i got=""
  for i in $(seq 1 "$N"); do
    got+="$(status_of "f$i" publishedSequence) "
  done
  local want=""
  for i in $(seq 1 "$N"); do want+="${EXPECTED[f$i]} "; done
  check_eq "$1: each folder advanced by exactly one sequence" "$want" "$got"
}

SIGNER=$(start_signer signer)
apply_token_secret
apply_epoch 1 "$SIGNER"
start_shard one-a 0/1
check "epoch 1 Active" eventually 60 epoch_phase_is 1 Active
for i in $(seq 1 "$N"); do new_folder "f$i" "$(cid_of "f$i")" 1; done
first=0
for i in $(seq 1 "$N"); do
  if eventually 60 published_sequence_at_least "f$i" 2; then first=$((first + 1)); fi
done
check_eq "one shard: all $N folders published" "$N" "$first"
check "one shard: it leads" leads one-a

# --- 1 -> 2 ---------------------------------------------------------------------------------
start_shard two-0 0/2
start_shard two-1 1/2
check "two shards: shard 0 waits while the single-shard Lease is live" eventually 20 waits two-0
check "two shards: shard 1 waits too" eventually 20 waits two-1
check "single shard still leads" leads one-a
stop_one() { stop_bg one-a TERM; }
round "resharding 1 -> 2 (single shard stopped midway)" stop_one
check "two shards: shard 0 leads" eventually 20 leads two-0
check "two shards: shard 1 leads" eventually 20 leads two-1
exactly_one_cycle_each "resharding 1 -> 2"
round "two shards" ""
exactly_one_cycle_each "two shards"
check "shard 0/2 published only folders of shard 0" only_own_shard two-0 0 2
check "shard 1/2 published only folders of shard 1" only_own_shard two-1 1 2
check_eq "both shards published (two shards' folders, $N in all)" "$N" \
  "$(cat <(published_by two-0) <(published_by two-1) | sort -u | wc -l)"
has_controller() {  # process name, controller: its work queue is on /metrics
  local m; m=$(curl -fsS "http://127.0.0.1:$(cat "$E2E_STATE/run/$1.port")/metrics")
  grep -q "cipherbox_workqueue_depth{name=\"$2\"}" <<<"$m"
}
check "cluster-wide work in shard 0 only: shard 0 has the epoch and SLO controllers" \
  bash -c "$(declare -f has_controller); E2E_STATE=$E2E_STATE; has_controller two-0 epoch && has_controller two-0 validity-slo"
check "cluster-wide work in shard 0 only: shard 1 has neither" \
  bash -c "$(declare -f has_controller); E2E_STATE=$E2E_STATE; ! has_controller two-1 epoch && ! has_controller two-1 validity-slo && has_controller two-1 republish"

# --- 2 -> 1 ---------------------------------------------------------------------------------
start_shard one-b 0/1
check "back to one shard: the new single shard waits while the two shards' Leases are live" eventually 20 waits one-b
stop_two() { stop_bg two-0 TERM; stop_bg two-1 TERM; }
round "resharding 2 -> 1 (both shards stopped midway)" stop_two
check "back to one shard: it leads" eventually 20 leads one-b
exactly_one_cycle_each "resharding 2 -> 1"
round "one shard again" ""
exactly_one_cycle_each "one shard again"
check_eq "the single shard published every folder" "$N" "$(published_by one-b | wc -l)"

out=$(check_history values 2>&1) && pass "routing history: no sequence twice, never down ($out)" || { fail "routing history"; echo "$out" >&2; }
e2e_finish
