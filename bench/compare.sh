#!/usr/bin/env bash
# Whole-run benchmarks, reproducible with one command (see BENCHMARKS.md):
#   bash bench/compare.sh            # 1000 accounts x 200 roles, and the Cloudsplaining comparison
#   ACCOUNTS=100 bash bench/compare.sh   # a quicker run
# Writes bench/out/results.md. Inputs come from `trustgate synth` with a fixed seed.
set -euo pipefail
cd "$(dirname "$0")/.."
ACCOUNTS=${ACCOUNTS:-1000}
ROLES=${ROLES:-200}
SINGLE_ROLES=${SINGLE_ROLES:-5000}
SEED=${SEED:-1}
OUT=bench/out
mkdir -p "$OUT"

echo "== build (release)"
cargo build --release --locked -q -p trustgate -p trustgate-synth --bins
TG=target/release/trustgate
FLOOR=target/release/parse-floor

ORG="$OUT/org-${ACCOUNTS}x${ROLES}-s${SEED}"
if [ ! -d "$ORG" ]; then
  echo "== synth $ACCOUNTS accounts x $ROLES roles (seed $SEED)"
  "$TG" synth --accounts "$ACCOUNTS" --roles "$ROLES" --seed "$SEED" --out "$ORG"
fi
SIZE=$(du -sb "$ORG" | cut -f1)

measure() { # label, command...; prints "wall_seconds max_rss_kb cpu_seconds" (cpu = user + sys)
  local label=$1; shift
  /usr/bin/time -f "%e %M %U %S" -o "$OUT/time.txt" "$@" >/dev/null 2>"$OUT/stderr.txt" || {
    echo "$label failed:"; cat "$OUT/stderr.txt"; exit 1; }
  awk '{printf "%s %s %.2f\n", $1, $2, $3 + $4}' "$OUT/time.txt"
}

echo "== parse floor (read + parse every file into serde_json::Value, in parallel)"
sync; cat "$ORG"/*.json > /dev/null  # warm the page cache for both runs
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
FLOOR_T=$(measure floor "$FLOOR" "$ORG")
echo "   $FLOOR_T"
echo "== trustgate scan (registry + findings + paths)"
SCAN_T=$(measure scan "$TG" scan "$ORG" --format json -o "$OUT/scan.json")
echo "   $SCAN_T"
TRUSTGATE_TIMINGS=1 "$TG" scan "$ORG" --format json -o /dev/null 2> "$OUT/phases.txt" || true
cat "$OUT/phases.txt"

echo "== one account with $SINGLE_ROLES roles: trustgate vs cloudsplaining"
ONE="$OUT/one-${SINGLE_ROLES}-s${SEED}"
if [ ! -d "$ONE" ]; then
  "$TG" synth --accounts 4 --roles "$SINGLE_ROLES" --seed "$SEED" --out "$ONE.tmp"
  mkdir -p "$ONE"; cp "$ONE.tmp/100000000000.json" "$ONE/account.json"; rm -rf "$ONE.tmp"
fi
TG_ONE=$(measure scan-one "$TG" scan "$ONE/account.json" --format json -o "$OUT/one.json")
echo "   trustgate: $TG_ONE"
CS_T="not run"
if [ "${SKIP_CLOUDSPLAINING:-}" = "" ]; then
  if [ ! -x "$OUT/venv/bin/cloudsplaining" ]; then
    python3 -m venv "$OUT/venv" && "$OUT/venv/bin/pip" install -q "cloudsplaining==0.9.1" || echo "cloudsplaining could not be installed"
  fi
  if [ -x "$OUT/venv/bin/cloudsplaining" ]; then
    rm -rf "$OUT/cs-report"; mkdir -p "$OUT/cs-report"
    CS_T=$(measure cloudsplaining "$OUT/venv/bin/cloudsplaining" scan --input-file "$ONE/account.json" --output "$OUT/cs-report" --skip-open-report)
    echo "   cloudsplaining: $CS_T"
  fi
fi

read -r FS FM FC <<<"$FLOOR_T"; read -r SS SM SC <<<"$SCAN_T"; read -r OS OM OC <<<"$TG_ONE"
CS_ROW="not run | | "
if [ "$CS_T" != "not run" ]; then
  read -r CSS CSM CSC <<<"$CS_T"
  CS_ROW="$CSS | $CSC | $((CSM / 1024))"
fi
{
  echo "# Benchmark results ($(date -u +%Y-%m-%d))"
  echo
  echo "Machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB."
  echo "Input: \`trustgate synth --accounts $ACCOUNTS --roles $ROLES --seed $SEED\` ($((SIZE / 1000000)) MB)."
  echo
  echo "Load average before the runs: $LOAD_BEFORE (wall times are only comparable on an idle machine)."
  echo
  echo "| run | wall s | CPU s (user + sys) | peak RSS MB |"
  echo "|---|---|---|---|"
  echo "| parse floor (serde_json::Value, parallel) | $FS | $FC | $((FM / 1024)) |"
  echo "| trustgate scan (registry + findings + paths) | $SS | $SC | $((SM / 1024)) |"
  echo "| ratio scan / floor | $(python3 -c "print(round($SS/max($FS,0.001),1))") | | |"
  echo
  echo "One account, $SINGLE_ROLES roles:"
  echo
  echo "| tool | wall s | CPU s | peak RSS MB |"
  echo "|---|---|---|---|"
  echo "| trustgate scan | $OS | $OC | $((OM / 1024)) |"
  echo "| cloudsplaining 0.9.1 scan | $CS_ROW |"
  if [ "$CS_T" != "not run" ]; then
    echo
    echo "trustgate is $(python3 -c "print(round($CSS/max($OS,0.001)))")x faster (wall)."
  fi
  echo
  echo "Phases of the scan (TRUSTGATE_TIMINGS=1, cumulative):"
  echo '```'
  cat "$OUT/phases.txt"
  echo '```'
} > "$OUT/results.md"
cat "$OUT/results.md"
