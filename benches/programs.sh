#!/usr/bin/env bash
# Whole programs: wall time natively, under selftrace and under strace.
#
#   benches/programs.sh            # from the repository root
#
# Builds the release binaries (cargo build --release), then runs every
# workload RUNS times in each mode, the modes interleaved run by run so that
# a noisy moment hits all of them alike, and prints a markdown table of the
# median wall times and the ratios taken from those medians.
#
# Modes:
#   native            the program alone
#   selftrace all     selftrace -f -o FILE               (every call traced)
#   selftrace openat  selftrace -f -e trace=openat -o FILE
#   strace all        strace -f -o FILE
#   strace openat     strace -f --seccomp-bpf -e trace=openat -o FILE
#
# "added time vs strace -f" is (strace - native) / (selftrace - native),
# both tracing everything to a file: how many times less time selftrace adds.
#
# Environment:
#   RUNS=N          runs per workload and mode (default 5)
#   WORKLOADS="a b" a subset of: dd tar find python make git (default: all)
#   DD_COUNT=N      dd's count (default 200000: 400,000 traced read/write)
#   SKIP_BUILD=1    use target/release/selftrace as it is
#   SELFTRACE=PATH  another selftrace executable
#
# Needs bash, cc, make, git, python3, tar, find, dd; strace for its columns
# (without it they read n/a). Takes a few minutes, most of it dd under strace.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD

RUNS=${RUNS:-5}
WORKLOADS=${WORKLOADS:-"dd tar find python make git"}
DD_COUNT=${DD_COUNT:-200000}

case $RUNS in
    '' | *[!0-9]* | 0) echo "programs.sh: RUNS must be a positive integer, not '$RUNS'" >&2; exit 2 ;;
esac

. "$root/benches/common.sh"
find_selftrace programs.sh

have_strace=0
strace_bpf=0
if command -v strace >/dev/null 2>&1; then
    have_strace=1
    # --seccomp-bpf came with strace 5.3.
    if strace -f --seccomp-bpf -e trace=openat -o /dev/null true >/dev/null 2>&1; then
        strace_bpf=1
    else
        echo "programs.sh: this strace has no --seccomp-bpf: 'strace openat' reads n/a" >&2
    fi
else
    echo "programs.sh: strace is not installed: its columns read n/a" \
        "(install the strace package to compare)" >&2
fi

for tool in cc make git python3 tar find dd; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "programs.sh: $tool is needed for the workloads and is not installed" >&2
        exit 1
    fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/selftrace-programs.XXXXXX")
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# The interpreter itself, not a wrapper script around it (a version
# manager's shim would add its own shell and processes to the workload).
python=$(python3 -c 'import sys; print(sys.executable)')

# --- Workload set-up (once, untimed) ---------------------------------------

# A small C project: 20 sources of a few functions each, one program.
setup_make() {
    local dir=$tmp/cproj i j
    mkdir -p "$dir"
    for i in $(seq 1 20); do
        {
            echo "#include <stdio.h>"
            echo "#include <string.h>"
            for j in $(seq 1 8); do
                echo "int f${i}_$j(const char *s) {"
                echo "    int h = $j; char buf[64];"
                echo "    snprintf(buf, sizeof buf, \"%s-%d\", s, h);"
                echo "    for (size_t k = 0; k < strlen(buf); k++) h = h * 31 + buf[k];"
                echo "    return h;"
                echo "}"
            done
        } >"$dir/m$i.c"
    done
    {
        echo "#include <stdio.h>"
        for i in $(seq 1 20); do echo "int f${i}_1(const char *s);"; done
        echo "int main(void) { int h = 0;"
        for i in $(seq 1 20); do echo "    h ^= f${i}_1(\"x\");"; done
        echo "    printf(\"%d\\n\", h); return 0; }"
    } >"$dir/main.c"
    {
        echo "OBJS := main.o $(for i in $(seq 1 20); do printf 'm%d.o ' "$i"; done)"
        echo "prog: \$(OBJS)"
        printf '\t$(CC) -o $@ $(OBJS)\n'
        echo "%.o: %.c"
        printf '\t$(CC) -O1 -c -o $@ $<\n'
        echo "clean:"
        printf '\trm -f prog *.o\n'
    } >"$dir/Makefile"
}

# A git repository of 1,000 committed files in 20 directories.
setup_git() {
    local dir=$tmp/repo d f
    mkdir -p "$dir"
    for d in $(seq 1 20); do
        mkdir -p "$dir/d$d"
        for f in $(seq 1 50); do
            echo "file $d/$f" >"$dir/d$d/f$f.txt"
        done
    done
    (
        cd "$dir"
        export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
        git init -q .
        git add -A
        git -c user.name=bench -c user.email=bench@example.invalid commit -q -m files
    )
}

# What each workload runs, as words; `before` runs untimed before each run.
cmd_for() {
    case $1 in
        dd) cmd=(dd if=/dev/zero of=/dev/null bs=1 "count=$DD_COUNT") ;;
        # GNU tar skips reading the files when the archive is /dev/null, so the
        # archive goes through a pipe.
        tar) cmd=(sh -c 'tar cf - -C "$1" include | cat >/dev/null' sh /usr) ;;
        find) cmd=(find /usr) ;;
        python) cmd=("$python" -c 'import json, email, http.client') ;;
        make) cmd=(make -s -C "$tmp/cproj" -j2) ;;
        git) cmd=(env GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null git -C "$tmp/repo" status) ;;
        *) echo "programs.sh: unknown workload '$1' (dd tar find python make git)" >&2; exit 2 ;;
    esac
}
describe() {
    case $1 in
        dd) echo "dd bs=1 count=$DD_COUNT" ;;
        tar) echo "tar cf - /usr/include \| cat" ;;
        find) echo "find /usr" ;;
        python) echo "python3 -c 'import json, email, http.client'" ;;
        make) echo "make -j2, 21 C files" ;;
        git) echo "git status, 1,000 files" ;;
    esac
}
before() {
    case $1 in
        make) make -s -C "$tmp/cproj" clean >/dev/null ;;
        *) ;;
    esac
}

modes=(native st_all st_openat strace_all strace_openat)
mode_title() {
    case $1 in
        native) echo "native" ;;
        st_all) echo "selftrace all" ;;
        st_openat) echo "selftrace openat" ;;
        strace_all) echo "strace all" ;;
        strace_openat) echo "strace openat" ;;
    esac
}
mode_available() {
    case $1 in
        strace_all) [ $have_strace = 1 ] ;;
        strace_openat) [ $strace_bpf = 1 ] ;;
        *) true ;;
    esac
}

# Runs one workload in one mode; prints the wall time in seconds.
# The trace goes to $tmp/trace, kept until the next run (for counting).
run_once() {
    local mode=$1 t0 t1 status=0
    local -a pre
    case $mode in
        native) pre=() ;;
        st_all) pre=("$SELFTRACE" -f -o "$tmp/trace") ;;
        st_openat) pre=("$SELFTRACE" -f -e trace=openat -o "$tmp/trace") ;;
        strace_all) pre=(strace -f -o "$tmp/trace") ;;
        strace_openat) pre=(strace -f --seccomp-bpf -e trace=openat -o "$tmp/trace") ;;
    esac
    rm -f "$tmp/trace"
    t0=$EPOCHREALTIME
    "${pre[@]}" "${cmd[@]}" >/dev/null 2>"$tmp/stderr" || status=$?
    t1=$EPOCHREALTIME
    if [ $status != 0 ]; then
        echo "programs.sh: '${pre[*]} ${cmd[*]}' failed (exit $status):" >&2
        tail -5 "$tmp/stderr" >&2
        exit 1
    fi
    # EPOCHREALTIME is seconds.microseconds; subtract in microseconds.
    echo $(( (${t1/./} - ${t0/./}) ))
}

median() { # microseconds on stdin, one per line
    sort -n | awk '{ v[NR] = $1 } END {
        if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

secs() { awk -v us="$1" 'BEGIN { printf "%.3f", us / 1e6 }'; }
ratio() { # a / b, or n/a
    awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b <= 0) print "n/a"; else printf "%.1fx", a / b }'
}
# (strace - native) / (selftrace - native), n/a when selftrace adds nothing measurable.
added() {
    awk -v s="$1" -v t="$2" -v n="$3" 'BEGIN {
        if (s == "" || t == "" || t - n <= 0) print "n/a"; else printf "%.1fx", (s - n) / (t - n) }'
}

for w in $WORKLOADS; do cmd_for "$w"; done
case " $WORKLOADS " in *" make "*) setup_make ;; esac
case " $WORKLOADS " in *" git "*) setup_git ;; esac

declare -A med lines
started=$EPOCHREALTIME
for w in $WORKLOADS; do
    cmd_for "$w"
    # One untimed native run: warms the page cache and Python's bytecode cache.
    before "$w"
    "${cmd[@]}" >/dev/null 2>&1 || true
    for m in "${modes[@]}"; do : >"$tmp/times.$m"; done
    for r in $(seq 1 "$RUNS"); do
        for m in "${modes[@]}"; do
            mode_available "$m" || continue
            before "$w"
            if [ -t 2 ]; then
                printf 'programs.sh: %-7s %-16s run %d/%d\r' "$w" "$(mode_title "$m")" "$r" "$RUNS" >&2
            fi
            run_once "$m" >>"$tmp/times.$m"
            if [ "$m" = st_all ] && [ "$r" = 1 ]; then
                lines[$w]=$(wc -l <"$tmp/trace")
            fi
        done
    done
    for m in "${modes[@]}"; do
        if [ -s "$tmp/times.$m" ]; then
            med[$w.$m]=$(median <"$tmp/times.$m")
        else
            med[$w.$m]=
        fi
    done
done
if [ -t 2 ]; then printf '%-60s\r' "" >&2; fi
elapsed=$(( ${EPOCHREALTIME/./} - ${started/./} ))

echo "Median wall time of $RUNS runs per mode, in seconds; slowdowns are each mode's median over"
echo "native's median. Traces are written to a file in the temporary directory."
echo
echo "| workload | native s | selftrace all s | selftrace openat s | strace all s | strace openat s | selftrace all slowdown | selftrace openat slowdown | strace all slowdown | strace openat slowdown | added time vs strace -f | lines traced (selftrace all) | µs added per traced line, selftrace / strace |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for w in $WORKLOADS; do
    n=${med[$w.native]}
    row="| $(describe "$w") |"
    for m in "${modes[@]}"; do
        if [ -n "${med[$w.$m]}" ]; then row+=" $(secs "${med[$w.$m]}") |"; else row+=" n/a |"; fi
    done
    for m in st_all st_openat strace_all strace_openat; do
        row+=" $(ratio "${med[$w.$m]}" "$n") |"
    done
    row+=" $(added "${med[$w.strace_all]}" "${med[$w.st_all]}" "$n") |"
    l=${lines[$w]:-0}
    row+=" $l |"
    row+=" $(awk -v t="${med[$w.st_all]}" -v s="${med[$w.strace_all]}" -v n="$n" -v l="$l" 'BEGIN {
        if (l <= 0) { print "n/a"; exit }
        a = sprintf("%.1f", (t - n) / l)
        b = (s == "") ? "n/a" : sprintf("%.1f", (s - n) / l)
        print a " / " b }') |"
    echo "$row"
done
echo
echo "($(uname -m), Linux $(uname -r), $(nproc) CPUs; RUNS=$RUNS; $(secs "$elapsed") s in all)"
