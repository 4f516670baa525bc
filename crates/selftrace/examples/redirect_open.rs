//! Redirect file paths, proot-style: every `openat` of a path under
//! `/virtual/` opens the same path under the real directory instead.
//!
//! cargo run -p selftrace --example redirect_open -- /etc
//! (then reads /virtual/hostname, which is /etc/hostname)

use std::cell::UnsafeCell;
use std::sync::OnceLock;

use selftrace::{Action, Builder, Errno, Sysno};

const PREFIX: &[u8] = b"/virtual/";

thread_local! {
    /// The rewritten path must outlive the hook: it is read by the kernel
    /// when the call runs. A per-thread buffer, const-initialised so the
    /// SIGSYS handler can touch it without allocating.
    static PATH: UnsafeCell<[u8; 4096]> = const { UnsafeCell::new([0; 4096]) };
}

/// The real directory, with a trailing slash. Set before installation;
/// `OnceLock::get` is a plain atomic load, safe in the handler.
static TARGET: OnceLock<Vec<u8>> = OnceLock::new();

fn main() {
    let target = std::env::args().nth(1).unwrap_or_else(|| "/etc".into());
    TARGET.set(format!("{target}/").into_bytes()).unwrap();
    Builder::new().on_entry(Sysno::openat, redirect).install().unwrap_or_else(|e| {
        eprintln!("redirect_open: {e}");
        std::process::exit(1)
    });
    match std::fs::read_to_string("/virtual/hostname") {
        Ok(s) => print!("/virtual/hostname -> {target}/hostname: {s}"),
        Err(e) => println!("/virtual/hostname: {e}"),
    }
}

fn redirect(call: &mut selftrace::SyscallInfo) -> Action {
    let mut path = [0u8; 1024];
    let Ok(n) = selftrace::mem::read_cstr(call.args[1], &mut path) else { return Action::Run };
    let Some(rest) = path[..n].strip_prefix(PREFIX) else { return Action::Run };
    let Some(target) = TARGET.get() else { return Action::Run };
    if target.len() + rest.len() + 1 > 4096 {
        return Action::errno(Errno::ENAMETOOLONG);
    }
    PATH.with(|buf| {
        // SAFETY: the buffer belongs to this thread, and the previous
        // rewritten call on this thread has completed.
        let buf = unsafe { &mut *buf.get() };
        buf[..target.len()].copy_from_slice(target);
        buf[target.len()..target.len() + rest.len()].copy_from_slice(rest);
        buf[target.len() + rest.len()] = 0;
        call.args[1] = buf.as_ptr() as u64;
    });
    Action::Run
}
