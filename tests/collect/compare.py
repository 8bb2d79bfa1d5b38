"""Compares the findings of the collected snapshot with those of the hand-written fixture.

Usage: compare.py IDS.json COLLECTED-SCAN.json EXPECTED-SCAN.json MANIFEST.json

Findings are compared as (rule, resource) pairs after account IDs become account names (moto
gives member accounts random IDs) and KMS key IDs become `KEY`. TG011 (stale trust) and TG020
(old keys) depend on when the roles and keys were created and used, and are left out.
Prints one line per check and `N passed, M failed`; exits 1 when a check failed.
"""

import json
import re
import sys

ids_file, collected_file, expected_file, manifest_file = sys.argv[1:5]
TIME_DEPENDENT = {"TG011", "TG020"}
FIXTURE_IDS = {"123456789012": "mgmt", "200000000001": "prod", "200000000002": "dev"}

with open(ids_file) as f:
    collected_ids = {v: k for k, v in json.load(f).items()}


def normalize(findings, names):
    out = set()
    for f in findings:
        if f["rule"] in TIME_DEPENDENT:
            continue
        resource = re.sub(r"\b\d{12}\b", lambda m: names.get(m.group(0), m.group(0)), f["resource"])
        resource = re.sub(r"key/[0-9a-f-]{36}", "key/KEY", resource)
        out.add((f["rule"], resource))
    return out


with open(collected_file) as f:
    collected = normalize(json.load(f)["findings"], collected_ids)
with open(expected_file) as f:
    expected = normalize(json.load(f)["findings"], FIXTURE_IDS)
with open(manifest_file) as f:
    manifest = json.load(f)

passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok    {name}")
    else:
        failed += 1
        print(f"FAIL  {name}: {detail}")


check(
    "collected findings equal the fixture's",
    collected == expected,
    f"only collected: {sorted(collected - expected)}; only in fixture: {sorted(expected - collected)}",
)
for rule, resource in [
    ("TG001", "arn:aws:iam::prod:role/CrossAccountAdmin"),
    ("TG003", "arn:aws:iam::prod:role/VendorReadOnly"),
    ("TG007", "arn:aws:iam::prod:role/CrossAccountAdmin"),
    ("TG013", "arn:aws:s3:::prod-shared-data"),
    ("TG013", "arn:aws:sqs:us-east-1:prod:prod-events"),
    ("TG013", "arn:aws:kms:us-east-1:prod:key/KEY"),
    ("TG019", "arn:aws:iam::dev:user/ci-deployer"),
]:
    check(f"{rule} on {resource}", (rule, resource) in collected, "missing from the collected scan")
check(
    "the audit role has no trust finding (specific principal, External ID, boundary, tags)",
    not any(r.endswith("role/TrustgateAudit") and rule in {"TG001", "TG003", "TG004", "TG009", "TG016"} for rule, r in collected),
    sorted(f for f in collected if f[1].endswith("role/TrustgateAudit")),
)
check("manifest says complete", manifest["complete"] is True, manifest.get("failures"))
check(
    "manifest: every account complete, member accounts through the audit role",
    all(a["status"] == "complete" for a in manifest["accounts"])
    and {a["access"] for a in manifest["accounts"] if a["id"] != manifest["callerAccountId"]} == {"assumed-role"},
    [(a["id"], a["status"], a["access"]) for a in manifest["accounts"]],
)
check("manifest names the caller by ARN", manifest["callerArn"].startswith("arn:aws:"), manifest["callerArn"])

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
