//! Emulate `getpid` and rewrite the result of `getppid`, then show that
//! other calls are untouched.
//!
//! cargo run -p selftrace --example emulate_getpid

use selftrace::{Action, Builder, Sysno};

fn main() {
    let real_ppid = std::os::unix::process::parent_id();
    Builder::new()
        .on_entry(Sysno::getpid, |_| Action::value(4242))
        .on_exit(Sysno::getppid, |call| call.rval += 1_000_000)
        .install()
        .unwrap_or_else(|e| {
            eprintln!("emulate_getpid: {e}");
            std::process::exit(1)
        });
    // SAFETY: plain libc calls without arguments.
    let (pid, ppid) = unsafe { (libc::getpid(), libc::getppid()) };
    println!("getpid() = {pid} (emulated; the kernel was never asked)");
    println!("getppid() = {ppid} (real {real_ppid}, plus 1000000 at exit)");
    // SAFETY: getuid has no arguments and cannot fail.
    println!("uid = {} (not hooked)", unsafe { libc::getuid() });
}
