#!/usr/bin/env bash
# The HTML report at scale (see BENCHMARKS.md): writes the report of the synthetic organization
# and times, in headless Chromium, how long the page takes to open, filter and draw the graph.
#   bash bench/html-report.sh                 # 1000 accounts x 200 roles
#   ACCOUNTS=100 bash bench/html-report.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ACCOUNTS=${ACCOUNTS:-1000}
ROLES=${ROLES:-200}
SEED=${SEED:-1}
OUT=bench/out
mkdir -p "$OUT"
cargo build --release --locked -q -p trustgate
TG=target/release/trustgate
ORG="$OUT/org-${ACCOUNTS}x${ROLES}-s${SEED}"
[ -d "$ORG" ] || "$TG" synth --accounts "$ACCOUNTS" --roles "$ROLES" --seed "$SEED" --out "$ORG"
REPORT="$OUT/report-${ACCOUNTS}x${ROLES}.html"
echo "== trustgate report"
/usr/bin/time -f "   %e s wall, %M KB peak RSS" "$TG" report "$ORG" -o "$REPORT" --now 2026-11-01 2>&1 | grep -v "wrote the report"
echo "   $(du -h "$REPORT" | cut -f1) file"
command -v chromium >/dev/null || { echo "needs Debian's chromium (apt-get install chromium)"; exit 1; }
(cd tests/browser && npm ci --no-audit --no-fund --silent)
echo "== in headless Chromium"
node bench/html-report.mjs "$REPORT"
