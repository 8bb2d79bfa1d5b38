#!/usr/bin/env bash
# End-to-end test of `trustgate collect` against moto server on 127.0.0.1:
#   1. a venv with moto[server] and boto3 (tests/collect/requirements.txt), once;
#   2. moto_server in the background (MOTO_IAM_LOAD_MANAGED_POLICIES=true so AWS-managed
#      policies can be attached), killed on exit;
#   3. an organization with two member accounts and cross-account roles (setup_org.py);
#   4. trustgate collect through the audit role with an External ID, then trustgate scan;
#   5. the findings compared with those of the hand-written fixture tests/collect/expected/;
#   6. a partial collection (an account outside the organization) must exit 3 and say why;
#      a --no-org collection must collect the caller's account only.
# Needs a trustgate built with `--features collect` (TRUSTGATE_BIN, default target/debug/trustgate).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BIN=${TRUSTGATE_BIN:-$ROOT/target/debug/trustgate}
VENV=${MOTO_VENV:-$ROOT/target/moto-venv}

if ! "$VENV/bin/python" -c 'import moto, boto3' 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r tests/collect/requirements.txt
fi

WORK=$(mktemp -d)
PORT=$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ENDPOINT="http://127.0.0.1:$PORT"
MOTO_IAM_LOAD_MANAGED_POLICIES=true "$VENV/bin/moto_server" -H 127.0.0.1 -p "$PORT" >"$WORK/moto.log" 2>&1 &
MOTO_PID=$!
cleanup() {
  kill "$MOTO_PID" 2>/dev/null || true
  wait "$MOTO_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# Fake credentials for moto (it routes requests by the access key's account); nothing else
# from this machine's AWS configuration may leak in.
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE="$WORK/no-config" AWS_SHARED_CREDENTIALS_FILE="$WORK/no-credentials" AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL TRUSTGATE_EXTERNAL_ID

for _ in $(seq 1 100); do
  if "$VENV/bin/python" -c "import urllib.request; urllib.request.urlopen('$ENDPOINT/moto-api/', timeout=1)" 2>/dev/null; then
    break
  fi
  sleep 0.2
done

"$VENV/bin/python" tests/collect/setup_org.py "$ENDPOINT" "$WORK/ids.json"

echo "== trustgate collect (organization, 2 regions)"
"$BIN" collect --out "$WORK/snap" --endpoint-url "$ENDPOINT" \
  --external-id Zq7vK2mX9pR4tW8nB3cL --regions us-east-1,eu-west-1 --concurrency 4 | tee "$WORK/collect.out"
"$BIN" scan "$WORK/snap" --format json -o "$WORK/collected.json"
"$BIN" scan tests/collect/expected --format json -o "$WORK/expected.json"

fail=0
"$VENV/bin/python" tests/collect/compare.py "$WORK/ids.json" "$WORK/collected.json" "$WORK/expected.json" \
  "$WORK/snap/collect-manifest.json" | tee "$WORK/compare.out" || fail=1
passed=$(tail -1 "$WORK/compare.out" | cut -d' ' -f1)
failed=$(tail -1 "$WORK/compare.out" | cut -d' ' -f3)

check() { # NAME CONDITION...
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "ok    $name"; else failed=$((failed + 1)); fail=1; echo "FAIL  $name"; fi
}
no_credentials_in() { ! grep -rqE 'ASIA[A-Z0-9]{16}|AKIA[A-Z0-9]{16}|SecretAccessKey|SessionToken' "$@"; }
check "no credential in the snapshot or the output" no_credentials_in "$WORK/snap" "$WORK/collect.out"
# The External ID is in the audit roles' trust policies (account data, which TG004 checks), but
# collect itself neither prints it nor stores it in its manifest.
no_external_id_in() { ! grep -q 'Zq7vK2mX9pR4tW8nB3cL' "$@"; }
check "the External ID is not in the manifest or the output" no_external_id_in "$WORK/snap/collect-manifest.json" "$WORK/collect.out"
check "the AWS-managed policies no one uses are not written" \
  test "$(grep -c '"Arn": "arn:aws:iam::aws:policy/' "$WORK/snap"/*.json | awk -F: '{s += $2} END {print s}')" -lt 10

echo "== partial: an account outside the organization"
dev=$("$VENV/bin/python" -c "import json; print(json.load(open('$WORK/ids.json'))['dev'])")
set +e
"$BIN" collect --out "$WORK/partial" --endpoint-url "$ENDPOINT" --external-id Zq7vK2mX9pR4tW8nB3cL \
  --accounts "$dev,999999999999" >"$WORK/partial.out" 2>&1
code=$?
set -e
cat "$WORK/partial.out"
check "partial collection exits 3" test "$code" = 3
check "the summary names the failed account and why" grep -q "999999999999: failed" "$WORK/partial.out"
check "the manifest says partial" grep -q '"complete": false' "$WORK/partial/collect-manifest.json"
check "the collected account is still written" test -s "$WORK/partial/$dev.json"
check "the partial snapshot scans" "$BIN" scan "$WORK/partial" --format json -o "$WORK/partial-scan.json"

echo "== partial: a region that does not answer"
set +e
# moto answers HTTP 500 there, which the SDK retries: 2 attempts keep the test short.
"$BIN" collect --out "$WORK/region" --endpoint-url "$ENDPOINT" --no-org --regions us-east-1,zz-nowhere-9 --max-attempts 2 \
  >"$WORK/region.out" 2>&1
code=$?
set -e
cat "$WORK/region.out"
check "a failed region exits 3" test "$code" = 3
check "the summary names the region and the failed calls" \
  grep -q "123456789012: partial (regions not complete: zz-nowhere-9)" "$WORK/region.out"
check "every regional service of that region is reported" \
  test "$(grep -cE '^    (kms|sqs|sns|lambda|secretsmanager|ecr):[A-Za-z]+ in zz-nowhere-9: .*\(HTTP [0-9]{3}\)$' "$WORK/region.out")" = 6
check "the manifest marks the region failed and the other complete" "$VENV/bin/python" -c "
import json, sys
m = json.load(open('$WORK/region/collect-manifest.json'))
regions = {r['region']: r['status'] for r in m['accounts'][0]['regions']}
sys.exit(0 if regions == {'us-east-1': 'complete', 'zz-nowhere-9': 'failed'} and not m['complete'] else 1)"
check "the global data is still written" test -s "$WORK/region/123456789012.json"

echo "== --no-org: the caller's account only"
"$BIN" collect --out "$WORK/single" --endpoint-url "$ENDPOINT" --no-org >"$WORK/single.out"
check "--no-org writes only the caller's account and no organization.json" \
  test "$(ls "$WORK/single"/*.json | xargs -n1 basename | tr '\n' ' ')" = "123456789012.json collect-manifest.json "
check "--no-org manifest is complete" grep -q '"complete": true' "$WORK/single/collect-manifest.json"

echo "== --no-org --accounts: named accounts through the audit role, endpoint from AWS_ENDPOINT_URL"
prod=$("$VENV/bin/python" -c "import json; print(json.load(open('$WORK/ids.json'))['prod'])")
AWS_ENDPOINT_URL="$ENDPOINT" "$BIN" collect --out "$WORK/named" --no-org --accounts "$prod" \
  --external-id Zq7vK2mX9pR4tW8nB3cL >"$WORK/named.out"
check "--no-org --accounts collects that account through the audit role" \
  grep -q '"access": "assumed-role"' "$WORK/named/collect-manifest.json"
check "bucket policies are read with AWS_ENDPOINT_URL too (path-style S3)" \
  grep -q '"arn": "arn:aws:s3:::prod-shared-data"' "$WORK/named/resources/$prod.json"

echo "== a non-empty output directory is refused (exit 2)"
set +e
"$BIN" collect --out "$WORK/single" --endpoint-url "$ENDPOINT" --no-org >/dev/null 2>"$WORK/refused.err"
code=$?
set -e
check "non-empty --out exits 2" test "$code" = 2
check "and says why" grep -q "not empty" "$WORK/refused.err"

echo "collect-moto: $passed passed, $failed failed"
exit "$fail"
