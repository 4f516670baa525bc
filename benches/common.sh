# Shared by the benchmark scripts: sourced, not run.

# Set SELFTRACE to the executable to measure: $SELFTRACE if given, else
# target/release/selftrace, built first unless SKIP_BUILD=1. $1 names the
# calling script in messages.
find_selftrace() {
    if [ -z "${SELFTRACE:-}" ]; then
        if [ "${SKIP_BUILD:-0}" != 1 ]; then
            echo "$1: cargo build --release" >&2
            cargo build --release --quiet
        fi
        SELFTRACE=$root/target/release/selftrace
    fi
    if [ ! -x "$SELFTRACE" ]; then
        echo "$1: $SELFTRACE is not built (run cargo build --release)" >&2
        exit 1
    fi
}
