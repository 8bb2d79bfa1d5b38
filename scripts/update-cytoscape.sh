#!/usr/bin/env bash
# Re-vendors Cytoscape.js (MIT) from the npm registry into crates/report/assets/vendor/.
# The HTML report inlines it, so reports work offline. Usage: scripts/update-cytoscape.sh [VERSION]
set -euo pipefail
version="${1:-3.34.4}"
cd "$(dirname "$0")/.."
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack "cytoscape@$version" >/dev/null && tar xzf "cytoscape-$version.tgz")
cp "$tmp/package/dist/cytoscape.min.js" crates/report/assets/vendor/cytoscape.min.js
cp "$tmp/package/LICENSE" crates/report/assets/vendor/cytoscape.LICENSE
if grep -qi '</script' crates/report/assets/vendor/cytoscape.min.js; then
  echo "cytoscape.min.js contains </script: cannot be inlined as is" >&2
  exit 1
fi
sed -i "s/^Version: .*/Version: $version/" crates/report/assets/vendor/README.md
echo "vendored cytoscape $version"
