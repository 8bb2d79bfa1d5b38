#!/usr/bin/env bash
# Instructions per operation of the policy engine benchmarks, counted by callgrind: exact and
# repeatable even on a busy machine (unlike wall time). Needs valgrind.
#
#   bash crates/policy/benches/instructions.sh            # all scenarios
#   bash crates/policy/benches/instructions.sh decide     # one
#
# Each scenario runs N1 and N2 times; (Ir(N2) - Ir(N1)) / (N2 - N1) is the cost of one
# operation, setup excluded.
set -euo pipefail
cd "$(dirname "$0")/../../.."
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(decide explain partial request parse batch batch-explain)
bin=$(cargo bench -p trustgate-policy --bench instructions --no-run --message-format=json 2>/dev/null \
  | sed -n 's/.*"executable":"\([^"]*instructions[^"]*\)".*/\1/p' | tail -1)
[ -x "$bin" ] || { echo "could not build the instructions driver" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
count() { # scenario n -> total instructions
  valgrind --tool=callgrind --callgrind-out-file="$tmp/out" "$bin" "$1" "$2" 2>"$tmp/err" >/dev/null
  sed -n 's/^summary: //p' "$tmp/out" | awk '{print $1}'
}
printf '| scenario | instructions per operation |\n|---|---|\n'
for s in "${scenarios[@]}"; do
  case $s in
    batch*) n1=100; n2=1100 ;;
    *) n1=1000; n2=11000 ;;
  esac
  a=$(count "$s" "$n1"); b=$(count "$s" "$n2")
  printf '| %s | %s |\n' "$s" "$(( (b - a) / (n2 - n1) ))"
done
