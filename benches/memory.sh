#!/usr/bin/env bash
# Memory: what tracing adds to a program's resident set, fixed and per thread.
#
#   benches/memory.sh              # from the repository root
#
# Builds the release binaries, compiles a small C program that starts N
# threads which then block (N = 0 and N = 100), and reads VmRSS and RssAnon
# from /proc/PID/status of the idle program, untraced and under selftrace.
# The idle programs are also `sleep` and a Python interpreter that sleeps.
#
#   fixed overhead      = RSS traced - RSS untraced, of the same idle program
#   per-thread overhead = ((traced - untraced) at 100 threads
#                          - (traced - untraced) at 0 threads) / 100
#
# The `selftrace` process itself (it collects the trace lines) is a separate
# process; its own RSS is shown in its own column.
#
# Environment:
#   RUNS=N          measurements per program and mode, the median is shown (default 3)
#   THREADS=N       threads of the threaded program (default 100)
#   SKIP_BUILD=1    use target/release/selftrace as it is
#   SELFTRACE=PATH  another selftrace executable
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD

RUNS=${RUNS:-3}
THREADS=${THREADS:-100}
for v in RUNS THREADS; do
    case ${!v} in
        '' | *[!0-9]*) echo "memory.sh: $v must be a number, not '${!v}'" >&2; exit 2 ;;
    esac
done
[ "$RUNS" -gt 0 ] && [ "$THREADS" -gt 0 ] || { echo "memory.sh: RUNS and THREADS must be positive" >&2; exit 2; }

. "$root/benches/common.sh"
find_selftrace memory.sh
for tool in cc python3 sleep; do
    command -v "$tool" >/dev/null 2>&1 || { echo "memory.sh: $tool is needed and is not installed" >&2; exit 1; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/selftrace-memory.XXXXXX")
launched=
cleanup() {
    if [ -n "$launched" ]; then kill "$launched" 2>/dev/null || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

python=$(python3 -c 'import sys; print(sys.executable)')

# threads N READY: starts N threads, waits until every one runs, writes its
# pid to READY, and blocks (every thread in read(2) on a pipe) until killed.
cat >"$tmp/threads.c" <<'EOF'
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static pthread_barrier_t started;
static int blocker[2];

static void *idle(void *arg) {
    char c;
    (void)arg;
    pthread_barrier_wait(&started);
    while (read(blocker[0], &c, 1) < 0) {
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: threads N READY-FILE\n");
        return 2;
    }
    int n = atoi(argv[1]);
    if (pipe(blocker) != 0 || pthread_barrier_init(&started, NULL, (unsigned)n + 1) != 0) {
        perror("threads");
        return 1;
    }
    for (int i = 0; i < n; i++) {
        pthread_t t;
        if (pthread_create(&t, NULL, idle, NULL) != 0) {
            perror("pthread_create");
            return 1;
        }
    }
    pthread_barrier_wait(&started);
    FILE *f = fopen(argv[2], "w");
    if (f == NULL || fprintf(f, "%d\n", (int)getpid()) < 0 || fclose(f) != 0) {
        perror(argv[2]);
        return 1;
    }
    char c;
    while (read(blocker[0], &c, 1) < 0) {
    }
    return 0;
}
EOF
cc -O2 -pthread -o "$tmp/threads" "$tmp/threads.c"

# Programs, by name; each writes its pid into $ready once it idles.
program_cmd() {
    case $1 in
        threads0) cmd=("$tmp/threads" 0 "$ready") ;;
        threadsN) cmd=("$tmp/threads" "$THREADS" "$ready") ;;
        sleep) cmd=(sh -c 'echo $$ >"$1"; exec sleep 30' sh "$ready") ;;
        python) cmd=("$python" -c 'import os, sys, time
with open(sys.argv[1], "w") as f: f.write("%d\n" % os.getpid())
time.sleep(30)' "$ready") ;;
    esac
}
program_title() {
    case $1 in
        threads0) echo "C program, 0 threads" ;;
        threadsN) echo "C program, $THREADS threads" ;;
        sleep) echo "sleep" ;;
        python) echo "python3, sleeping" ;;
    esac
}
modes=(native st_all st_openat)
mode_prefix() {
    case $1 in
        native) pre=() ;;
        st_all) pre=("$SELFTRACE" -f -o "$tmp/trace") ;;
        st_openat) pre=("$SELFTRACE" -f -e trace=openat -o "$tmp/trace") ;;
    esac
}

kib() { awk -v k="$1" '$1 == k ":" { print $2 }' "$2"; }

# Measures one program in one mode: prints "VmRSS RssAnon collector-VmRSS" in KiB.
measure() {
    local program=$1 mode=$2 pid i
    local -a cmd pre
    ready=$tmp/ready
    rm -f "$ready" "$tmp/trace"
    program_cmd "$program"
    mode_prefix "$mode"
    "${pre[@]}" "${cmd[@]}" >/dev/null 2>"$tmp/stderr" &
    launched=$!
    for i in $(seq 1 200); do
        [ -s "$ready" ] && break
        if ! kill -0 "$launched" 2>/dev/null; then
            echo "memory.sh: '${pre[*]} ${cmd[*]}' ended early:" >&2
            cat "$tmp/stderr" >&2
            exit 1
        fi
        sleep 0.05
    done
    [ -s "$ready" ] || { echo "memory.sh: $program did not start" >&2; exit 1; }
    # `sleep` wrote its pid from the shell before exec: let the new image start.
    sleep 0.3
    read -r pid <"$ready"
    cp "/proc/$pid/status" "$tmp/status"
    local collector=-
    if [ "$mode" != native ]; then
        collector=$(kib VmRSS "/proc/$launched/status")
    fi
    echo "$(kib VmRSS "$tmp/status") $(kib RssAnon "$tmp/status") $collector"
    kill "$pid" 2>/dev/null || true
    wait "$launched" 2>/dev/null || true
    launched=
}

median() {
    sort -n | awk '{ v[NR] = $1 } END {
        if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

declare -A rss anon coll
programs=(threads0 threadsN sleep python)
for p in "${programs[@]}"; do
    for m in "${modes[@]}"; do : >"$tmp/m.$p.$m"; done
    for r in $(seq 1 "$RUNS"); do
        for m in "${modes[@]}"; do
            measure "$p" "$m" >>"$tmp/m.$p.$m"
        done
    done
    for m in "${modes[@]}"; do
        rss[$p.$m]=$(awk '{ print $1 }' "$tmp/m.$p.$m" | median)
        anon[$p.$m]=$(awk '{ print $2 }' "$tmp/m.$p.$m" | median)
        coll[$p.$m]=$(awk '$3 != "-" { print $3 }' "$tmp/m.$p.$m" | median)
    done
done

mib() { awk -v k="$1" 'BEGIN { printf "%.2f", k / 1024 }'; }
echo "Resident memory of the idle program, median of $RUNS, in MiB (VmRSS; RssAnon in brackets);"
echo "added = traced - untraced. The selftrace column is the collecting selftrace process."
echo
echo "| program | untraced | selftrace all | added | selftrace openat | added | selftrace process (all) |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for p in "${programs[@]}"; do
    n=${rss[$p.native]} na=${anon[$p.native]}
    row="| $(program_title "$p") | $(mib "$n") ($(mib "$na")) |"
    for m in st_all st_openat; do
        row+=" $(mib "${rss[$p.$m]}") ($(mib "${anon[$p.$m]}")) |"
        row+=" $(mib $(( ${rss[$p.$m]%.*} - ${n%.*} ))) ($(mib $(( ${anon[$p.$m]%.*} - ${na%.*} )))) |"
    done
    row+=" $(mib "${coll[$p.st_all]}") |"
    echo "$row"
done
echo
echo "| per-thread overhead ($THREADS threads against 0) | KiB per thread, VmRSS | KiB per thread, RssAnon |"
echo "|---|---:|---:|"
for m in st_all st_openat; do
    per() { # field array name
        local -n a=$1
        awk -v t1="${a[threadsN.$m]}" -v n1="${a[threadsN.native]}" \
            -v t0="${a[threads0.$m]}" -v n0="${a[threads0.native]}" -v n="$THREADS" \
            'BEGIN { printf "%.1f", ((t1 - n1) - (t0 - n0)) / n }'
    }
    case $m in st_all) title="selftrace -f (trace all)" ;; st_openat) title="selftrace -f -e trace=openat" ;; esac
    echo "| $title | $(per rss) | $(per anon) |"
done
echo
echo "($(uname -m), Linux $(uname -r); RUNS=$RUNS)"
