//! Hook semantics: emulate, rewrite, change results, own calls, ABIs,
//! threads, and the per-thread switch. Each test runs in its own process.

#[path = "../common/mod.rs"]
mod common;

use std::ffi::CString;
use std::sync::atomic::{AtomicI64, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use common::{in_child, Count};
use selftrace::{Abi, Action, Builder, Errno, Error, Hook, Op, SyscallInfo, Sysno};

fn getpid() -> i64 {
    // SAFETY: getpid has no arguments and cannot fail.
    unsafe { libc::syscall(libc::SYS_getpid) }
}

#[test]
fn emulated_getpid_never_reaches_the_kernel() {
    in_child("emulated_getpid_never_reaches_the_kernel", || {
        let real = getpid();
        Builder::new().on_entry(Sysno::getpid, |_| Action::value(4242)).install().unwrap();
        assert_eq!(getpid(), 4242);
        // SAFETY: libc's getpid wrapper; no arguments.
        assert_eq!(unsafe { libc::getpid() }, 4242);
        assert_eq!(selftrace::raw::getpid() as i64, real, "gate calls are never hooked");
    });
}

#[test]
fn emulated_errors_set_errno() {
    in_child("emulated_errors_set_errno", || {
        Builder::new().on_entry(Sysno::getuid, |_| Action::errno(Errno::EACCES)).install().unwrap();
        // SAFETY: raw getuid, no arguments.
        let r = unsafe { libc::syscall(libc::SYS_getuid) };
        let e = std::io::Error::last_os_error().raw_os_error();
        assert_eq!((r, e), (-1, Some(libc::EACCES)));
    });
}

static REDIRECT_TO: &[u8] = b"/proc/self/comm\0";

#[test]
fn openat_path_can_be_rewritten() {
    in_child("openat_path_can_be_rewritten", || {
        Builder::new()
            .on_entry(Sysno::openat, |call| {
                let mut buf = [0u8; 64];
                let n = selftrace::mem::read_cstr(call.args[1], &mut buf).unwrap_or(0);
                if &buf[..n] == b"/nonexistent/selftrace" {
                    call.args[1] = REDIRECT_TO.as_ptr() as u64;
                }
                Action::Run
            })
            .install()
            .unwrap();
        let redirected =
            std::fs::read_to_string("/nonexistent/selftrace").expect("redirected open");
        let direct = std::fs::read_to_string("/proc/self/comm").unwrap();
        assert_eq!(redirected, direct);
        assert!(std::fs::read_to_string("/nonexistent/other").is_err(), "other paths untouched");
    });
}

#[test]
fn return_value_changed_at_exit() {
    in_child("return_value_changed_at_exit", || {
        let seen = Arc::new(Mutex::new(None));
        let seen2 = seen.clone();
        let real = getpid();
        Builder::new()
            .on_exit(Sysno::getpid, move |call| {
                if let Ok(mut s) = seen2.try_lock() {
                    *s = Some((call.op, call.rval, call.is_error()));
                }
                call.rval = -(libc::ENOENT as i64);
            })
            .install()
            .unwrap();
        assert_eq!(getpid(), -1);
        assert_eq!(std::io::Error::last_os_error().raw_os_error(), Some(libc::ENOENT));
        assert_eq!(*seen.lock().unwrap(), Some((Op::Exit, real, false)));
    });
}

/// Counts the calls a hook sees, and makes calls of its own.
struct CallsFromHook {
    entries: AtomicUsize,
    own_results: AtomicU64,
}

impl Hook for CallsFromHook {
    fn enter(&self, _call: &mut SyscallInfo) -> Action {
        self.entries.fetch_add(1, Ordering::SeqCst);
        // Through the gate: never trapped.
        // SAFETY: getppid has no arguments.
        let ppid = unsafe { selftrace::raw::syscall(Sysno::getppid, &[]) }.unwrap();
        // Through libc: trapped (getppid is hooked too) but must skip hooks.
        // SAFETY: getppid has no arguments.
        let libc_ppid = unsafe { libc::getppid() } as u64;
        assert_eq!(ppid, libc_ppid);
        self.own_results.store(ppid, Ordering::SeqCst);
        Action::Run
    }
}

#[test]
fn hooks_make_their_own_calls_without_reentering_hooks() {
    in_child("hooks_make_their_own_calls_without_reentering_hooks", || {
        let hook = Arc::new(CallsFromHook {
            entries: AtomicUsize::new(0),
            own_results: AtomicU64::new(0),
        });
        let real_ppid = std::os::unix::process::parent_id() as u64;
        Builder::new()
            .hook(Sysno::getpid, hook.clone())
            .hook(Sysno::getppid, hook.clone())
            .install()
            .unwrap();
        getpid();
        assert_eq!(hook.entries.load(Ordering::SeqCst), 1, "the hook's own getppid skipped hooks");
        assert_eq!(hook.own_results.load(Ordering::SeqCst), real_ppid);
        // SAFETY: getppid has no arguments.
        assert_eq!(unsafe { libc::getppid() } as u64, real_ppid);
        assert_eq!(hook.entries.load(Ordering::SeqCst), 2, "a program call reaches hooks again");
    });
}

/// (abi, number, name, return value) of one call.
type Seen = (Abi, u64, Option<&'static str>, i64);

/// Record every call at exit; pass it through.
#[derive(Default)]
struct Recorder {
    seen: Mutex<Vec<Seen>>,
}

impl Hook for Recorder {
    fn exit(&self, call: &mut SyscallInfo) {
        // try_lock: a hook must never wait on a lock the interrupted code holds.
        if let Ok(mut v) = self.seen.try_lock() {
            v.push((call.abi, call.nr, call.name(), call.rval));
        }
    }
}

fn int80_getpid() -> i64 {
    let r: i64;
    // SAFETY: i386 getpid (20) through int 0x80 takes no arguments and
    // clobbers nothing but eax.
    unsafe { std::arch::asm!("int 0x80", inlateout("rax") 20i64 => r) };
    r
}

#[test]
fn int80_getpid_is_reported_as_i386_20_and_passes_through() {
    in_child("int80_getpid_is_reported_as_i386_20_and_passes_through", || {
        let rec = Arc::new(Recorder::default());
        let real = getpid();
        Builder::new().hook_all(rec.clone()).install().unwrap();
        let pid = int80_getpid();
        let seen = rec.seen.lock().unwrap().clone();
        assert_eq!(pid, real);
        assert!(
            seen.contains(&(Abi::I386, 20, Some("getpid"), real)),
            "i386 getpid not reported: {seen:?}"
        );
    });
}

#[test]
fn int80_calls_can_be_hooked_by_i386_number() {
    in_child("int80_calls_can_be_hooked_by_i386_number", || {
        Builder::new()
            .hook_i386(selftrace::i386::Sysno::getpid, selftrace_hook_value(777))
            .install()
            .unwrap();
        assert_eq!(int80_getpid(), 777);
        assert_ne!(getpid(), 777, "the x86_64 getpid is a different call");
    });
}

fn selftrace_hook_value(v: i64) -> impl Hook {
    struct Value(i64);
    impl Hook for Value {
        fn enter(&self, _: &mut SyscallInfo) -> Action {
            Action::value(self.0)
        }
    }
    Value(v)
}

#[test]
fn native_number_20_is_writev() {
    in_child("native_number_20_is_writev", || {
        let rec = Arc::new(Recorder::default());
        Builder::new().hook(Sysno::writev, rec.clone()).install().unwrap();
        let msg = b"";
        let iov = libc::iovec { iov_base: msg.as_ptr() as *mut _, iov_len: 0 };
        // SAFETY: one empty iovec to stdout.
        let r = unsafe { libc::syscall(20, 1, &iov as *const libc::iovec, 1) };
        assert_eq!(r, 0);
        let seen = rec.seen.lock().unwrap().clone();
        assert!(seen.contains(&(Abi::X86_64, 20, Some("writev"), 0)), "{seen:?}");
    });
}

#[test]
fn x32_calls_are_decoded_as_x32() {
    in_child("x32_calls_are_decoded_as_x32", || {
        let rec = Arc::new(Recorder::default());
        Builder::new().hook_all(rec.clone()).install().unwrap();
        let r: i64;
        // SAFETY: x32 getpid (bit 30 | 39), no arguments; kernels without
        // x32 answer ENOSYS. rcx and r11 are clobbered by `syscall`.
        unsafe {
            std::arch::asm!("syscall", inlateout("rax") 0x4000_0000i64 | 39 => r,
                out("rcx") _, out("r11") _)
        };
        let seen = rec.seen.lock().unwrap().clone();
        assert!(
            seen.iter().any(|&(abi, nr, name, rval)| abi == Abi::X32
                && nr == 0x4000_0027
                && name == Some("getpid")
                && rval == r),
            "{seen:?}"
        );
    });
}

#[test]
fn entry_info_matches_the_calling_instruction() {
    in_child("entry_info_matches_the_calling_instruction", || {
        let seen = Arc::new(Mutex::new(None));
        let s2 = seen.clone();
        Builder::new()
            .on_entry(Sysno::getppid, move |call| {
                if let Ok(mut s) = s2.try_lock() {
                    *s = Some(*call);
                }
                Action::Run
            })
            .install()
            .unwrap();
        let marker = 0u64;
        let sp_here = &marker as *const u64 as u64;
        // SAFETY: getppid with six ignored arguments, each a full register
        // (an i32 passed through varargs leaves the upper half of its
        // stack slot undefined, and the sixth goes on the stack).
        unsafe { libc::syscall(libc::SYS_getppid, 1i64, 2i64, 3i64, 4i64, 5i64, 6i64) };
        let info = seen.lock().unwrap().expect("hook ran");
        assert_eq!(info.op, Op::Entry);
        assert_eq!(info.abi, Abi::X86_64);
        assert_eq!(info.arch(), 0xc000_003e);
        assert_eq!(info.nr, libc::SYS_getppid as u64);
        assert_eq!(info.args, [1, 2, 3, 4, 5, 6]);
        // SAFETY: the address after a syscall instruction is mapped code.
        let insn = unsafe { *((info.instruction_pointer - 2) as *const [u8; 2]) };
        assert_eq!(insn, [0x0f, 0x05], "ip is just after a `syscall`");
        assert!(info.stack_pointer < sp_here && sp_here - info.stack_pointer < 4096);
    });
}

#[test]
fn pass_through_of_everything_keeps_program_results() {
    in_child("pass_through_of_everything_keeps_program_results", || {
        let dir = std::env::temp_dir().join(format!("selftrace-pass-{}", std::process::id()));
        let before = workload(&dir);
        let count = Arc::new(Count(AtomicUsize::new(0)));
        Builder::new().hook_all(count.clone()).install().unwrap();
        let after = workload(&dir);
        assert_eq!(before, after);
        assert!(count.0.load(Ordering::Relaxed) > 20, "the workload's calls were trapped");
    });
}

/// File, directory, pipe and process calls; returns what a program sees.
fn workload(dir: &std::path::Path) -> Vec<String> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("a.txt"), b"hello selftrace").unwrap();
    std::fs::rename(dir.join("a.txt"), dir.join("sub/b.txt")).unwrap();
    let mut out = vec![std::fs::read_to_string(dir.join("sub/b.txt")).unwrap()];
    let mut names: Vec<_> =
        std::fs::read_dir(dir.join("sub")).unwrap().map(|e| e.unwrap().file_name()).collect();
    names.sort();
    out.push(format!("{names:?}"));
    out.push(format!("{:?}", std::fs::metadata(dir.join("sub/b.txt")).unwrap().len()));
    out.push(format!("{:?}", std::fs::read(dir.join("missing")).map_err(|e| e.kind())));
    let (r, w) = nix::unistd::pipe().unwrap();
    nix::unistd::write(&w, b"through a pipe").unwrap();
    let mut buf = [0u8; 32];
    let n = nix::unistd::read(&r, &mut buf).unwrap();
    out.push(String::from_utf8_lossy(&buf[..n]).into_owned());
    let cwd = std::env::current_dir().unwrap();
    out.push(cwd.display().to_string());
    // SAFETY: uname fills the struct it is given.
    let mut u: libc::utsname = unsafe { std::mem::zeroed() };
    // SAFETY: as above, `u` is a utsname for uname to fill.
    unsafe { libc::uname(&mut u) };
    out.push(format!("{:?}", &u.sysname[..5]));
    std::fs::remove_dir_all(dir).unwrap();
    out
}

#[test]
fn eight_threads_each_see_every_call_once() {
    in_child("eight_threads_each_see_every_call_once", || {
        const THREADS: usize = 8;
        const CALLS: usize = 100_000;
        static PER_TID: Mutex<Vec<(i64, usize)>> = Mutex::new(Vec::new());
        thread_local! {
            static MINE: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
        }
        let total = Arc::new(Count(AtomicUsize::new(0)));
        let t2 = total.clone();
        Builder::new()
            .on_entry(Sysno::gettid, move |_| {
                t2.0.fetch_add(1, Ordering::Relaxed);
                MINE.with(|m| m.set(m.get() + 1));
                Action::Run
            })
            .install()
            .unwrap();
        let handles: Vec<_> = (0..THREADS)
            .map(|_| {
                std::thread::spawn(|| {
                    let tid = selftrace::raw::gettid() as i64;
                    let before = MINE.with(|m| m.get());
                    for _ in 0..CALLS {
                        // SAFETY: gettid has no arguments.
                        assert_eq!(unsafe { libc::syscall(libc::SYS_gettid) }, tid);
                    }
                    PER_TID.lock().unwrap().push((tid, MINE.with(|m| m.get()) - before));
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        let per = PER_TID.lock().unwrap();
        assert_eq!(per.len(), THREADS);
        assert!(per.iter().all(|&(_, n)| n == CALLS), "{per:?}");
        assert!(total.0.load(Ordering::Relaxed) >= THREADS * CALLS);
    });
}

#[test]
fn a_thread_can_switch_its_own_tracing_off_and_on() {
    in_child("a_thread_can_switch_its_own_tracing_off_and_on", || {
        let count = Arc::new(Count(AtomicUsize::new(0)));
        Builder::new().hook(Sysno::getpid, count.clone()).install().unwrap();
        let n = || count.0.load(Ordering::SeqCst);
        getpid();
        assert_eq!(n(), 1);
        selftrace::thread::disable();
        assert!(!selftrace::thread::is_enabled());
        assert_eq!(getpid(), selftrace::raw::getpid() as i64, "still runs while off");
        assert_eq!(n(), 1);
        // Another thread is unaffected by this thread's switch.
        std::thread::spawn(getpid).join().unwrap();
        assert_eq!(n(), 2);
        selftrace::thread::enable();
        getpid();
        assert_eq!(n(), 3);
        {
            let _off = selftrace::thread::disabled();
            getpid();
            {
                let _on = selftrace::thread::enabled();
                getpid();
            }
            getpid();
        }
        assert_eq!(n(), 4, "only the call inside the inner enabled scope");
        getpid();
        assert_eq!(n(), 5, "scopes restore the previous state");
    });
}

#[test]
fn threads_off_by_default_opt_in() {
    in_child("threads_off_by_default_opt_in", || {
        let count = Arc::new(Count(AtomicUsize::new(0)));
        Builder::new()
            .hook(Sysno::getpid, count.clone())
            .threads_off_by_default()
            .install()
            .unwrap();
        getpid();
        std::thread::spawn(getpid).join().unwrap();
        assert_eq!(count.0.load(Ordering::SeqCst), 0);
        let _on = selftrace::thread::enabled();
        getpid();
        assert_eq!(count.0.load(Ordering::SeqCst), 1);
    });
}

#[test]
fn hooks_chain_in_order_and_first_emulation_wins() {
    in_child("hooks_chain_in_order_and_first_emulation_wins", || {
        static ORDER: Mutex<Vec<&str>> = Mutex::new(Vec::new());
        let log = |s: &'static str| ORDER.try_lock().map(|mut v| v.push(s)).ok();
        Builder::new()
            .on_entry(Sysno::getuid, move |c| {
                log("first");
                c.args[0] = 99;
                Action::Run
            })
            .on_entry(Sysno::getuid, move |c| {
                log(if c.args[0] == 99 { "second saw rewrite" } else { "second" });
                Action::value(5)
            })
            .on_entry(Sysno::getuid, move |_| {
                log("third");
                Action::value(6)
            })
            .on_exit(Sysno::getuid, move |_| {
                log("exit of a hook whose entry never ran");
            })
            .install()
            .unwrap();
        // SAFETY: getuid, no arguments.
        assert_eq!(unsafe { libc::getuid() }, 5);
        assert_eq!(*ORDER.lock().unwrap(), ["first", "second saw rewrite"]);
    });
}

#[test]
fn a_panicking_hook_does_not_kill_the_program() {
    in_child("a_panicking_hook_does_not_kill_the_program", || {
        std::panic::set_hook(Box::new(|_| {}));
        let real = getpid();
        Builder::new().on_entry(Sysno::getpid, |_| panic!("hook bug")).install().unwrap();
        assert_eq!(getpid(), real, "the call runs as if the hook said Run");
    });
}

#[test]
fn installation_errors_are_typed() {
    in_child("installation_errors_are_typed", || {
        let e =
            Builder::new().on_entry(Sysno::restart_syscall, |_| Action::Run).install().unwrap_err();
        assert!(matches!(e, Error::Untrappable { name: "restart_syscall", .. }), "{e:?}");
        let e =
            Builder::new().on_entry(Sysno::rt_sigreturn, |_| Action::Run).install().unwrap_err();
        assert!(matches!(e, Error::Untrappable { name: "rt_sigreturn", .. }), "{e}");
        Builder::new().install().expect("the failed attempts installed nothing");
        assert_eq!(Builder::new().install().unwrap_err(), Error::AlreadyInstalled);
        assert_eq!(
            Builder::new().install().unwrap_err().to_string(),
            "selftrace is already installed in this process"
        );
    });
}

#[test]
fn exec_after_install_runs_the_new_program() {
    in_child("exec_after_install_runs_the_new_program", || {
        let count = Arc::new(Count(AtomicUsize::new(0)));
        Builder::new().hook_all(count.clone()).install().unwrap();
        let out = std::process::Command::new("/bin/sh")
            .args(["-c", "echo $((6 * 7)); uname -s; exit 5"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(5));
        assert_eq!(String::from_utf8_lossy(&out.stdout), "42\nLinux\n");
        assert!(count.0.load(Ordering::Relaxed) > 0);
    });
}

#[test]
fn libc_wrappers_see_hooked_results() {
    in_child("libc_wrappers_see_hooked_results", || {
        Builder::new()
            .on_entry(Sysno::uname, |c| {
                // Fill the caller's struct ourselves and succeed.
                let mut u = [0u8; 6 * 65];
                u[..9].copy_from_slice(b"Selftrace");
                // SAFETY: uname's argument is the caller's struct utsname,
                // 6 * 65 bytes for the kernel to fill.
                unsafe { selftrace::mem::write(c.args[0], &u) }
                    .map(|_| Action::value(0))
                    .unwrap_or(Action::errno(Errno::EFAULT))
            })
            .install()
            .unwrap();
        // SAFETY: uname fills the struct it is given.
        let mut u: libc::utsname = unsafe { std::mem::zeroed() };
        // SAFETY: `u` is a utsname for uname to fill.
        assert_eq!(unsafe { libc::uname(&mut u) }, 0);
        // SAFETY: sysname is NUL-terminated (written above).
        let name = unsafe { std::ffi::CStr::from_ptr(u.sysname.as_ptr()) };
        assert_eq!(name, CString::new("Selftrace").unwrap().as_c_str());
    });
}

/// A thread that blocks SIGSYS until told to stop, then reports.
fn thread_blocking_sigsys(hold: std::time::Duration) -> std::thread::JoinHandle<()> {
    let (tx, rx) = std::sync::mpsc::channel();
    let h = std::thread::spawn(move || {
        let mut set = nix::sys::signal::SigSet::empty();
        set.add(nix::sys::signal::Signal::SIGSYS);
        set.thread_block().unwrap();
        tx.send(()).unwrap();
        std::thread::sleep(hold);
        set.thread_unblock().unwrap();
    });
    rx.recv().unwrap();
    h
}

#[test]
fn installation_refuses_while_a_thread_keeps_sigsys_blocked() {
    in_child("installation_refuses_while_a_thread_keeps_sigsys_blocked", || {
        let h = thread_blocking_sigsys(std::time::Duration::from_secs(2));
        let e = Builder::new().on_entry(Sysno::getpid, |_| Action::value(1)).install().unwrap_err();
        assert!(matches!(e, Error::SigsysBlocked { .. }), "{e:?}");
        h.join().unwrap();
        assert_ne!(getpid(), 1, "nothing was installed");
        Builder::new().on_entry(Sysno::getpid, |_| Action::value(1)).install().unwrap();
        assert_eq!(getpid(), 1);
    });
}

#[test]
fn installation_waits_out_a_short_sigsys_block() {
    in_child("installation_waits_out_a_short_sigsys_block", || {
        let h = thread_blocking_sigsys(std::time::Duration::from_millis(50));
        Builder::new().on_entry(Sysno::getpid, |_| Action::value(1)).install().unwrap();
        h.join().unwrap();
        assert_eq!(getpid(), 1);
    });
}

/// Rewrites getpid into getppid at entry, and records what its exit saw.
struct Redirect(AtomicI64);

impl Hook for Redirect {
    fn enter(&self, call: &mut SyscallInfo) -> Action {
        call.nr = Sysno::getppid.id() as u64;
        Action::Run
    }

    fn exit(&self, call: &mut SyscallInfo) {
        self.0.store(call.rval, Ordering::SeqCst);
    }
}

#[test]
fn a_hook_that_rewrites_the_number_still_sees_the_exit() {
    in_child("a_hook_that_rewrites_the_number_still_sees_the_exit", || {
        let hook = Arc::new(Redirect(AtomicI64::new(0)));
        Builder::new().hook(Sysno::getpid, hook.clone()).install().unwrap();
        // SAFETY: getpid and getppid take no arguments.
        let (got, ppid) = unsafe { (libc::getpid(), libc::getppid()) };
        assert_eq!(got, ppid, "the rewritten call ran");
        assert_eq!(hook.0.load(Ordering::SeqCst), ppid as i64, "its exit reached the hook");
    });
}
