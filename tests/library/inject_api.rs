//! The injection API from Rust, as a test would use it. The runtime
//! installs once per process, so each scenario runs in a child.

#[path = "../common/mod.rs"]
mod common;

use std::process::Command;
use std::time::Duration;

use selftrace::{Builder, Errno, Sysno};
use selftrace_trace::inject::{take_marks, Glob, Injector, Rewrite, Rule, When};

fn write(fd: i32, b: &[u8]) -> Result<usize, i32> {
    // SAFETY: writing from a live buffer.
    let n = unsafe { libc::write(fd, b.as_ptr().cast(), b.len()) };
    if n < 0 {
        Err(std::io::Error::last_os_error().raw_os_error().unwrap())
    } else {
        Ok(n as usize)
    }
}

/// A pipe whose write end is also descriptor 3: (read end, other write end).
fn pipe_on_fd_3() -> (i32, i32) {
    let mut fds = [0; 2];
    // SAFETY: pipe fills the array; F_DUPFD moves both ends above 10 so
    // dup2 onto 3 replaces neither.
    unsafe {
        assert_eq!(libc::pipe(fds.as_mut_ptr()), 0);
        let (r, w) =
            (libc::fcntl(fds[0], libc::F_DUPFD, 10), libc::fcntl(fds[1], libc::F_DUPFD, 10));
        libc::close(fds[0]);
        libc::close(fds[1]);
        assert!(r >= 10 && w >= 10);
        assert_eq!(libc::dup2(w, 3), 3);
        (r, w)
    }
}

fn drain(fd: i32) -> Vec<u8> {
    let mut buf = [0u8; 4096];
    // SAFETY: reading into a live buffer; the caller closed every write end.
    let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
    assert!(n >= 0);
    buf[..n as usize].to_vec()
}

fn close(fd: i32) {
    // SAFETY: closing a descriptor this test owns.
    unsafe { libc::close(fd) };
}

#[test]
fn the_second_write_to_fd_3_fails_with_enospc() {
    common::in_child("the_second_write_to_fd_3_fails_with_enospc", || {
        let (r, w) = pipe_on_fd_3();
        let fd3 = Rule::new([Sysno::write])
            .error(Errno::ENOSPC)
            .when(When::nth(2))
            .only_if(|c| c.args[0] == 3);
        Injector::new().rule(fd3).hook_into(Builder::new()).install().unwrap();
        assert_eq!(write(3, b"a"), Ok(1));
        assert!(!take_marks().injected);
        assert_eq!(write(w, b"x"), Ok(1), "another descriptor is neither failed nor counted");
        assert_eq!(write(w, b"y"), Ok(1));
        assert_eq!(write(3, b"b"), Err(libc::ENOSPC));
        assert!(take_marks().injected, "the failed call is marked");
        assert_eq!(write(3, b"c"), Ok(1));
        assert_eq!(write(w, b"z"), Ok(1));
        close(3);
        close(w);
        assert_eq!(drain(r), b"axycz", "the failed write wrote nothing");
    });
}

#[test]
fn when_steps_are_exact_across_threads() {
    common::in_child("when_steps_are_exact_across_threads", || {
        let (r, w) = pipe_on_fd_3();
        close(r);
        close(w);
        // Writes to fd 3 go to a pipe nobody reads: fail every one that is
        // not injected too, so nothing blocks; count the ENOSPCs only.
        let rule = Rule::new([Sysno::write])
            .error(Errno::ENOSPC)
            .when(When::parse("5..3000+11").unwrap())
            .only_if(|c| c.args[0] == 3);
        // SAFETY: ignoring SIGPIPE, so writes to the pipe fail with EPIPE.
        unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) };
        Injector::new().rule(rule).hook_into(Builder::new()).install().unwrap();
        let threads: Vec<_> = (0..8)
            .map(|_| {
                std::thread::spawn(|| {
                    (0..500).filter(|_| write(3, b"x") == Err(libc::ENOSPC)).count()
                })
            })
            .collect();
        let total: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
        let expected =
            (1..=4000u64).filter(|&k| (5..=3000).contains(&k) && (k - 5) % 11 == 0).count();
        assert_eq!(total, expected);
    });
}

#[test]
fn a_path_rule_fails_only_matching_opens() {
    common::in_child("a_path_rule_fails_only_matching_opens", || {
        let dir = std::env::temp_dir().join(format!("selftrace-api-path-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a.secret"), "s").unwrap();
        std::fs::write(dir.join("a.open"), "o").unwrap();
        let glob = Glob::new(&format!("{}/*.secret", dir.display())).unwrap();
        let rule = Rule::new([Sysno::openat]).error(Errno::EACCES).path(glob);
        Injector::new()
            .rule(rule)
            .hook_into(Builder::new().threads_off_by_default())
            .install()
            .unwrap();
        let (secret, open) = {
            let _on = selftrace::thread::enabled();
            (
                std::fs::read_to_string(dir.join("a.secret")),
                std::fs::read_to_string(dir.join("a.open")),
            )
        };
        let unhooked = std::fs::read_to_string(dir.join("a.secret"));
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(secret.unwrap_err().raw_os_error(), Some(libc::EACCES));
        assert_eq!(open.unwrap(), "o");
        assert_eq!(unhooked.unwrap(), "s", "a thread with hooks off is not injected");
    });
}

#[test]
fn rewrites_apply_through_the_api() {
    common::in_child("rewrites_apply_through_the_api", || {
        let dir = std::env::temp_dir().join(format!("selftrace-api-rw-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("to")).unwrap();
        std::fs::write(dir.join("to/real"), "through").unwrap();
        let from = format!("{}/virtual", dir.display());
        let parsed = Rewrite::parse(&format!("rewrite=path:{from}={}/to", dir.display())).unwrap();
        let built = Rewrite {
            from: b"/selftrace-nowhere".to_vec(),
            to: dir.join("to").to_str().unwrap().as_bytes().to_vec(),
        };
        Injector::new()
            .rewrite(parsed)
            .rewrite(built)
            .hook_into(Builder::new().threads_off_by_default())
            .install()
            .unwrap();
        let (a, b, c) = {
            let _on = selftrace::thread::enabled();
            (
                std::fs::read_to_string(format!("{from}/real")),
                std::fs::read_to_string("/selftrace-nowhere/real"),
                std::fs::read_to_string(format!("{from}x/real")),
            )
        };
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(a.unwrap(), "through");
        assert_eq!(b.unwrap(), "through");
        assert_eq!(
            c.unwrap_err().kind(),
            std::io::ErrorKind::NotFound,
            "{from}x is not under {from}"
        );
    });
}

#[test]
fn delays_and_values_are_marked() {
    common::in_child("delays_and_values_are_marked", || {
        let delay =
            Rule::new([Sysno::getppid]).delay_exit(Duration::from_micros(10)).when(When::nth(1));
        let value = Rule::new([Sysno::getpid]).retval(77).when(When::from(2));
        Injector::new()
            .rule(delay)
            .rule(value)
            .hook_into(Builder::new().threads_off_by_default())
            .install()
            .unwrap();
        let _on = selftrace::thread::enabled();
        // SAFETY: plain calls.
        let real = unsafe { libc::getppid() };
        let m = take_marks();
        assert!(m.delayed && !m.injected, "{m:?}");
        // SAFETY: as above.
        assert_eq!(unsafe { libc::getppid() }, real);
        assert_eq!(take_marks(), Default::default());
        // SAFETY: as above.
        let pids = unsafe { [libc::getpid(), libc::getpid(), libc::getpid()] };
        assert_ne!(pids[0], 77);
        assert_eq!(&pids[1..], [77, 77]);
        let m = take_marks();
        assert!(m.injected && !m.delayed, "{m:?}");
    });
}

const SEED_VAR: &str = "SELFTRACE_API_TEST_SEED";

/// The child of `prob_choices_follow_the_seed`: which of 400 getppid calls
/// a `prob=0.4` rule took, for the seed in SEED_VAR.
fn print_prob_choices() {
    let seed: u64 = std::env::var(SEED_VAR).unwrap().parse().unwrap();
    let rule = Rule::new([Sysno::getppid]).retval(0).prob(0.4);
    Injector::new()
        .seed(seed)
        .rule(rule)
        .hook_into(Builder::new().threads_off_by_default())
        .install()
        .unwrap();
    let picks: Vec<String> = {
        let _on = selftrace::thread::enabled();
        // SAFETY: a plain call.
        (1..=400).filter(|_| unsafe { libc::getppid() } == 0).map(|k: i32| k.to_string()).collect()
    };
    println!("picks: {}", picks.join(" "));
}

fn prob_choices(seed: u64) -> Vec<u32> {
    let name = "prob_choices_follow_the_seed";
    let out = Command::new(std::env::current_exe().unwrap())
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env("SELFTRACE_TEST_CHILD", name)
        .env(SEED_VAR, seed.to_string())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let line = stdout
        .lines()
        .find_map(|l| l.split_once("picks: ").map(|(_, p)| p))
        .unwrap_or_else(|| panic!("{stdout}"));
    line.split_whitespace().map(|k| k.parse().unwrap()).collect()
}

#[test]
fn prob_choices_follow_the_seed() {
    if common::is_child("prob_choices_follow_the_seed") {
        common::in_child("prob_choices_follow_the_seed", print_prob_choices);
        return;
    }
    let (a, b, c) = (prob_choices(9), prob_choices(9), prob_choices(10));
    assert_eq!(a, b, "the same seed makes the same choices");
    assert_ne!(a, c, "another seed makes others");
    // 400 draws at 0.4: 160 expected, standard deviation about 10.
    assert!((110..=210).contains(&a.len()), "{} of 400", a.len());
}

#[test]
fn rule_texts_are_checked() {
    selftrace_trace::errno::prepare();
    assert!(Injector::parse(["inject=openat:error=EACCES:path=/etc/*", "rewrite=path:/a=/b"], 1)
        .is_ok());
    for bad in [
        "inject=read",
        "inject=read:error=EWHAT",
        "inject=read:when=0",
        "fault=read:retval=1",
        "rewrite=path:/a",
    ] {
        let e = Injector::parse([bad], 0).err().unwrap_or_else(|| panic!("{bad} accepted"));
        assert!(!e.to_string().is_empty(), "{bad}");
    }
    // A rewrite needs every call with a path argument.
    let calls = Injector::parse(["rewrite=path:/a=/b"], 0).unwrap().calls();
    for s in [Sysno::openat, Sysno::open, Sysno::execve, Sysno::rename, Sysno::newfstatat] {
        assert!(calls.contains(s), "{s:?}");
    }
    assert!(!calls.contains(Sysno::write));
}

#[test]
fn only_an_unconditional_error_on_calls_selftrace_does_not_make_goes_to_the_kernel() {
    let counted = Rule::parse("inject=socket:error=EACCES:when=2").unwrap();
    let e = counted.enforce_in_kernel().expect_err("a counted rule needs the hook");
    assert_eq!(
        e.to_string(),
        "inject=socket:error=EACCES:when=2 cannot be enforced by the kernel: it decides call by call or does more than fail",
        "{e}"
    );
    let own = Rule::new([Sysno::write]).error(Errno::EPERM).enforce_in_kernel();
    assert!(own.err().is_some_and(|e| e.to_string().contains("selftrace makes write itself")));
    let socket = Rule::new([Sysno::socket]).error(Errno::EACCES);
    assert!(socket.hooks_only().is_none(), "an unconditional error on socket can be the kernel's");
    assert!(socket.kernel_denials().is_empty(), "but a Rust rule is the hook's unless asked");
    let kernel = socket.enforce_in_kernel().unwrap();
    assert_eq!(kernel.kernel_denials(), vec![(Sysno::socket, Errno::EACCES)]);
}

/// socket(AF_UNIX, SOCK_STREAM, 0) through libc: the result or the errno.
fn unix_socket() -> Result<i32, Errno> {
    // SAFETY: socket takes integers only.
    let fd = unsafe { libc::socket(libc::AF_UNIX, libc::SOCK_STREAM, 0) };
    if fd < 0 {
        Err(Errno::new(std::io::Error::last_os_error().raw_os_error().unwrap()))
    } else {
        close(fd);
        Ok(fd)
    }
}

#[test]
fn a_kernel_rule_holds_where_hooks_are_off() {
    common::in_child("a_kernel_rule_holds_where_hooks_are_off", || {
        let rule = Rule::new([Sysno::socket]).error(Errno::EACCES).enforce_in_kernel().unwrap();
        Injector::new()
            .rule(rule)
            .hook_into(Builder::new().threads_off_by_default())
            .install()
            .unwrap();
        // Hooks are off on this thread: the trapped call is re-issued, and
        // the kernel refuses it.
        assert_eq!(unix_socket(), Err(Errno::EACCES));
        let _on = selftrace::thread::enabled();
        assert_eq!(unix_socket(), Err(Errno::EACCES), "and the hook refuses it too");
        // A child process, exec'd without any preload, is refused as well.
        let out = Command::new("sh")
            .args(["-c", "exec 3<>/dev/null; python3 -c 'import socket; socket.socket(socket.AF_UNIX)' 2>&1; echo rc=$?"])
            .env_remove("LD_PRELOAD")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("PermissionError") && text.contains("rc=1"), "{text}");
    });
}

#[test]
fn deny_in_kernel_refuses_a_call_the_runtime_makes() {
    let e = Builder::new().deny_in_kernel(Sysno::write, Errno::EPERM).install().err();
    assert_eq!(
        e.map(|e| e.to_string()).as_deref(),
        Some("cannot deny write in the kernel: selftrace makes this call itself")
    );
}
