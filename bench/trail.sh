#!/usr/bin/env bash
# CloudTrail ingestion benchmark (see BENCHMARKS.md, "CloudTrail"):
#   bash bench/trail.sh                 # ~500 MB of gzipped CloudTrail files
#   FILES_PER_DAY=1 bash bench/trail.sh # smaller (~120 MB)
# Writes the logs with `trustgate-trail-gen random` (fixed seed), then times
# `trustgate trail` on them and reports MB/s of gzip on disk and of JSON, wall and per CPU
# second (the machine is shared: CPU seconds move less with other people's builds). Then
# `examples/read_phase.rs` times the read phase alone (read_logs on all cores: wall, user +
# sys CPU), and `examples/throughput.rs` splits one thread's CPU time on 300 of the files:
# decompression (flate2/zlib-rs, libdeflate), the fast path's validation, and whole reads
# with and without libdeflate and the fast path.
set -euo pipefail
cd "$(dirname "$0")/.."
SEED=${SEED:-1}
DAYS=${DAYS:-30}
ACCOUNTS=${ACCOUNTS:-20}
FILES_PER_DAY=${FILES_PER_DAY:-6}
RECORDS_PER_FILE=${RECORDS_PER_FILE:-500}
CALLS=${CALLS:-100000}
OUT=bench/out
LOGS="$OUT/trail-s${SEED}-d${DAYS}-a${ACCOUNTS}-f${FILES_PER_DAY}-r${RECORDS_PER_FILE}-c${CALLS}"
mkdir -p "$OUT"

echo "== build (release)"
cargo build --release --locked -q -p trustgate -p trustgate-trail --bins
TG=target/release/trustgate

if [ ! -d "$LOGS" ]; then
  echo "== generate"
  target/release/trustgate-trail-gen random --out "$LOGS.tmp" --seed "$SEED" --days "$DAYS" \
    --accounts "$ACCOUNTS" --roles 20 --calls "$CALLS" --noise-per-call 4 \
    --noise-files-per-day "$FILES_PER_DAY" --noise-records-per-file "$RECORDS_PER_FILE"
  mv "$LOGS.tmp" "$LOGS"
fi
GZ=$(du -sb "$LOGS" | cut -f1)
FILES=$(find "$LOGS" -type f | wc -l)
echo "   $FILES files, $((GZ / 1000000)) MB gzip"

# A snapshot for the join (any will do: the time goes into reading the logs).
SNAP="$OUT/org-20x20-s1"
[ -d "$SNAP" ] || "$TG" synth --accounts 20 --roles 20 --seed 1 --out "$SNAP" >/dev/null

sync; cat $(find "$LOGS" -type f) > /dev/null   # warm the page cache
for run in 1 2 3; do
  /usr/bin/time -f "%e %M %U %S" -o "$OUT/trail-time.txt" \
    env TRUSTGATE_TIMINGS=1 "$TG" trail "$SNAP" --logs "$LOGS" --format json -o "$OUT/trail.json" \
    2> "$OUT/trail-stderr.txt"
  read -r SECS RSS USER SYS < "$OUT/trail-time.txt"
  READ=$(grep "trail read" "$OUT/trail-stderr.txt" || true)
  CPU=$(python3 -c "print(f'{$USER + $SYS:.1f}')")
  PER_CPU=$(python3 -c "print(f'{$GZ / 1e6 / ($USER + $SYS):.0f}')")
  echo "run $run: whole command ${SECS}s wall, ${CPU} CPU-s (${PER_CPU} MB gzip per CPU-s), peak RSS $((RSS / 1024)) MB; $READ"
done
python3 - "$OUT/trail.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
print(f"   {s['files']} files, {s['records']} records, {s['events']} role-assumption events, "
      f"{s['bytes']/1e6:.0f} MB gzip, {s['jsonBytes']/1e6:.0f} MB JSON, {s['pairs']} (role, caller) pairs")
PY

echo "== the read phase alone (read_logs, $(nproc) cores)"
cargo build --release --locked -q -p trustgate-trail --example read_phase --example throughput
RUNS=3 target/release/examples/read_phase "$LOGS"

echo "== one thread, 300 files: where the time goes"
SUB="$OUT/trail-sub300"
if [ ! -d "$SUB" ]; then
  mkdir -p "$SUB"
  find "$LOGS" -type f | sort > "$OUT/trail-files.txt"
  head -300 "$OUT/trail-files.txt" | while read -r f; do cp "$f" "$SUB/"; done
fi
target/release/examples/throughput "$SUB"
