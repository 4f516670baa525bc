//! Other threads at installation time.
//!
//! TSYNC puts the filter on every thread, but a thread that has SIGSYS
//! blocked at that moment dies at its next trapped call: the kernel
//! force-delivers seccomp's SIGSYS and, finding it blocked, kills the
//! process. No thread can change another's mask, so installation waits
//! until no other thread blocks SIGSYS. Short windows are common (glibc's
//! `pthread_create` blocks every signal around `clone3`); a thread that
//! keeps SIGSYS blocked makes installation fail instead of killing later.

use std::time::{Duration, Instant};

use crate::error::Error;

/// How long installation waits for other threads to unblock SIGSYS.
const PATIENCE: Duration = Duration::from_millis(500);

/// Wait until no thread but this one has SIGSYS blocked.
pub(crate) fn wait_until_sigsys_unblocked() -> Result<(), Error> {
    let me = crate::sys::raw::gettid();
    let start = Instant::now();
    loop {
        match blocking_thread(me) {
            None => return Ok(()),
            Some(tid) if start.elapsed() > PATIENCE => return Err(Error::SigsysBlocked { tid }),
            Some(_) => std::thread::sleep(Duration::from_micros(200)),
        }
    }
}

/// A thread other than `me` whose mask has SIGSYS in it, if any.
fn blocking_thread(me: u32) -> Option<u32> {
    let tasks = std::fs::read_dir("/proc/self/task").ok()?;
    for task in tasks.flatten() {
        let Some(tid) = task.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        if tid == me {
            continue;
        }
        // A thread that exited meanwhile has no status: nothing to wait for.
        let Ok(status) = std::fs::read_to_string(task.path().join("status")) else { continue };
        if blocks_sigsys(&status) {
            return Some(tid);
        }
    }
    None
}

fn blocks_sigsys(status: &str) -> bool {
    status
        .lines()
        .find_map(|l| l.strip_prefix("SigBlk:"))
        .and_then(|hex| u64::from_str_radix(hex.trim(), 16).ok())
        .is_some_and(|mask| mask & crate::signals::SIGSYS_BIT != 0)
}

#[cfg(test)]
mod tests {
    use super::blocks_sigsys;

    #[test]
    fn reads_sigsys_from_the_blocked_mask() {
        assert!(blocks_sigsys("Name:\tx\nSigBlk:\tfffffffe7ffbfeff\nSigIgn:\t0\n"));
        assert!(!blocks_sigsys("SigPnd:\t0000000040000000\nSigBlk:\tfffffffe3ffbfeff\n"));
        assert!(!blocks_sigsys("SigBlk:\t0000000000000000\n"));
    }
}
