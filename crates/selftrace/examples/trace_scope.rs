//! Trace the calls of one region of one thread, as a test would: every
//! thread starts off, and a scope turns this thread on.
//!
//! cargo run -p selftrace --example trace_scope

use selftrace::fmt::Line;
use selftrace::{Builder, Hook, SyscallInfo};

/// Writes `name(args) = result` for each call, one `write(2)` per line,
/// formatted on the stack: hooks run in a signal handler and must not
/// allocate.
struct Printer;

impl Hook for Printer {
    fn exit(&self, call: &mut SyscallInfo) {
        let mut line = Line::new();
        line.push_str("  ");
        line.push_str(call.name().unwrap_or("?"));
        line.push_str("(");
        for (i, a) in call.args.iter().take(3).enumerate() {
            if i > 0 {
                line.push_str(", ");
            }
            line.push_hex(*a);
        }
        line.push_str(", ...) = ");
        line.push_i64(call.rval);
        line.push_str("\n");
        let _ = selftrace::raw::write(1, line.as_bytes());
    }
}

fn main() {
    Builder::new().hook_all(Printer).threads_off_by_default().install().unwrap_or_else(|e| {
        eprintln!("trace_scope: {e}");
        std::process::exit(1)
    });
    println!("outside the scope: nothing is traced");
    let _ = std::fs::metadata("/");
    {
        let _on = selftrace::thread::enabled();
        let _ = std::fs::read_to_string("/proc/self/comm");
    }
    println!("scope ended");
    let _ = std::fs::metadata("/");
}
