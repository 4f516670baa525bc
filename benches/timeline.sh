#!/usr/bin/env bash
# What the timeline and the percentiles cost: dd bs=1 (two traced calls per
# byte) natively, traced to a file, traced with --perfetto beside it, and
# counted with -c with the percentile columns.
#
#   benches/timeline.sh            # from the repository root
#
# Runs each mode RUNS times, the modes interleaved run by run, and prints a
# markdown table of median wall times, the time each mode adds per traced
# call over native, and, for --perfetto, the timeline's size per million
# calls. Compare ratios from one run; absolute figures move with the machine.
#
# Environment:
#   RUNS=N          runs per mode (default 5)
#   DD_COUNT=N      dd's count (default 100000: 200,000 traced read/write)
#   SKIP_BUILD=1    use target/release/selftrace as it is
#   SELFTRACE=PATH  another selftrace executable
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD

RUNS=${RUNS:-5}
DD_COUNT=${DD_COUNT:-100000}
for v in RUNS DD_COUNT; do
    case ${!v} in
        '' | *[!0-9]* | 0) echo "timeline.sh: $v must be a positive integer, not '${!v}'" >&2; exit 2 ;;
    esac
done

. "$root/benches/common.sh"
find_selftrace timeline.sh

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

modes=(native text perfetto summary)
describe() {
    case $1 in
        native) echo "native" ;;
        text) echo "selftrace -o FILE" ;;
        perfetto) echo "selftrace -o FILE --perfetto FILE2" ;;
        summary) echo "selftrace -c -U calls,p50-time,p99-time" ;;
    esac
}
run_mode() {
    local dd=(dd if=/dev/zero of=/dev/null bs=1 "count=$DD_COUNT" status=none)
    case $1 in
        native) "${dd[@]}" ;;
        text) "$SELFTRACE" -o "$work/t.txt" -- "${dd[@]}" ;;
        perfetto) "$SELFTRACE" -o "$work/t.txt" --perfetto "$work/t.pftrace" -- "${dd[@]}" ;;
        summary) "$SELFTRACE" -c -U calls,p50-time,p99-time -o "$work/t.table" -- "${dd[@]}" ;;
    esac
}
seconds() {
    local start end
    start=$(date +%s.%N)
    run_mode "$1"
    end=$(date +%s.%N)
    echo "$end - $start" | bc -l
}
median() {
    sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

for ((i = 0; i < RUNS; i++)); do
    for m in "${modes[@]}"; do
        seconds "$m" >>"$work/$m.times"
    done
done

calls=$(grep -c . "$work/t.txt")
bytes=$(stat -c %s "$work/t.pftrace")
native=$(median <"$work/native.times")
echo "dd bs=1 count=$DD_COUNT: $calls traced calls; median of $RUNS runs"
echo
echo "| mode | median s | µs added per traced call | ratio to selftrace -o FILE |"
echo "|---|---:|---:|---:|"
text=$(median <"$work/text.times")
for m in "${modes[@]}"; do
    s=$(median <"$work/$m.times")
    added=$(echo "($s - $native) * 1000000 / $calls" | bc -l)
    printf '| %s | %.3f | %.2f | %.2f |\n' "$(describe "$m")" "$s" "$added" "$(echo "$s / $text" | bc -l)"
done
echo
printf 'timeline: %d bytes, %.1f MB per million calls\n' "$bytes" "$(echo "$bytes / $calls" | bc -l)"
