#!/usr/bin/env bash
# cipherbox-signer command line: refuses bad flags with exit 2, logs one "listening" JSON line
# with the bound address, answers on it, and exits 0 on SIGTERM.
set -uo pipefail
bin=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
printf 'cli-test-token-0123456789\n' > "$dir/token"
printf 'short\n' > "$dir/short"
printf '%064d\n' 7 > "$dir/seed"

expect_exit() {
  local want=$1; shift
  "$bin" "$@" >/dev/null 2>&1 </dev/null
  local got=$?
  [ "$got" -eq "$want" ] || fail "exit $got (want $want): $*"
}
expect_exit 2 --token-file "$dir/token" --insecure-simulator --simulator-seed-file "$dir/seed"
expect_exit 2 --listen 127.0.0.1:0 --insecure-simulator --simulator-seed-file "$dir/seed"
expect_exit 2 --listen 127.0.0.1:0 --token-file "$dir/short" --insecure-simulator --simulator-seed-file "$dir/seed"
expect_exit 2 --listen 127.0.0.1:0 --token-file "$dir/token" --insecure-simulator
expect_exit 2 --listen 127.0.0.1:0 --token-file "$dir/token" --dstack-socket /x --insecure-simulator --simulator-seed-file "$dir/seed"
expect_exit 2 --listen nonsense --token-file "$dir/token" --insecure-simulator --simulator-seed-file "$dir/seed"
expect_exit 2 --listen 127.0.0.1:0 --token-file "$dir/token" --insecure-simulator --simulator-seed-file "$dir/seed" --max-lifetime forever
expect_exit 2 --listen 127.0.0.1:0 --token-file "$dir/token" --insecure-simulator --simulator-seed-file "$dir/seed" --authority-public-key abcd

# The rotation-authority key comes only from the flag (measured in the compose file): a key in the
# environment is refused, with or without the flag, even when it is well-formed.
authority=$(printf 'ab%.0s' $(seq 32))
for extra in "" "--authority-public-key $authority" "--authority-public-key none"; do
  # shellcheck disable=SC2086
  # (timeout: a signer that wrongly starts would otherwise serve forever)
  CBX_AUTHORITY_PUBLIC_KEY=$authority timeout 10 "$bin" --listen 127.0.0.1:0 --token-file "$dir/token" \
    --insecure-simulator --simulator-seed-file "$dir/seed" $extra >/dev/null 2>"$dir/env-log" </dev/null
  got=$?
  [ "$got" -eq 2 ] || fail "exit $got (want 2) with CBX_AUTHORITY_PUBLIC_KEY in the environment $extra"
  grep -q 'CBX_AUTHORITY_PUBLIC_KEY is set' "$dir/env-log" || fail "no reason given for the env key"
done

"$bin" --listen 127.0.0.1:0 --token-file "$dir/token" --insecure-simulator \
  --simulator-seed-file "$dir/seed" --authority-public-key none 2>"$dir/log" &
pid=$!
for _ in $(seq 100); do grep -q '"msg":"listening"' "$dir/log" && break; sleep 0.1; done
line=$(grep '"msg":"listening"' "$dir/log") || fail "no listening line"
[ "$(grep -c '"msg":"listening"' "$dir/log")" -eq 1 ] || fail "more than one listening line"
addr=$(sed -E 's/.*"address":"([^"]+)".*/\1/' <<<"$line")
[[ $addr =~ ^127\.0\.0\.1:[0-9]+$ ]] && [[ $addr != *:0 ]] || fail "address $addr"
exec 3<>"/dev/tcp/${addr%:*}/${addr#*:}" || fail "cannot connect to $addr"
printf 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' >&3
grep -q '"status":"ok"' <&3 || fail "healthz"
exec 3>&-
kill -TERM "$pid"
wait "$pid"
code=$?
[ "$code" -eq 0 ] || fail "exit $code after SIGTERM"
grep -q '"msg":"stopped"' "$dir/log" || fail "no stopped line"
echo "signer cli: ok"
