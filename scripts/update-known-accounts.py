#!/usr/bin/env python3
"""Regenerates crates/model/data/known-accounts.json from the known_aws_accounts list.

Source: github.com/fwdcloudsec/known_aws_accounts, accounts.yaml (Apache-2.0), as copied to
../shared/corpora/known_aws_accounts/. Run: python3 scripts/update-known-accounts.py [accounts.yaml]
(needs PyYAML: `pip install pyyaml`).
"""
import json
import sys
from pathlib import Path

import yaml

here = Path(__file__).resolve().parent.parent
src = Path(sys.argv[1]) if len(sys.argv) > 1 else here.parent / "shared/corpora/known_aws_accounts/accounts.yaml"
entries = yaml.safe_load(src.read_text())
accounts = {}
for e in entries:
    name = e["name"]
    if e.get("type") == "aws":
        name = f"AWS ({name})"
    for acct in e.get("accounts", []):
        acct = str(acct).zfill(12)
        accounts.setdefault(acct, name)
out = {
    "source": "https://github.com/fwdcloudsec/known_aws_accounts (accounts.yaml, Apache-2.0)",
    "accounts": dict(sorted(accounts.items())),
}
dest = here / "crates/model/data/known-accounts.json"
dest.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n")
print(f"wrote {len(accounts)} accounts to {dest}")
