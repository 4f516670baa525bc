//! The examples run and do what they say.

use std::process::Command;

/// Run an example binary of the runtime crate.
fn run_example(name: &str, args: &[&str]) -> String {
    run_example_of("selftrace", name, args)
}

/// Run an example binary of `package`; a plain `cargo test` has built it,
/// a filtered one (`--test examples`) may not have.
fn run_example_of(package: &str, name: &str, args: &[&str]) -> String {
    let dir = std::env::current_exe().unwrap().parent().unwrap().parent().unwrap().join("examples");
    if !dir.join(name).exists() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let built = Command::new(cargo)
            .args(["build", "--quiet", "-p", package, "--example", name])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .unwrap();
        assert!(built.success(), "building example {name}");
    }
    let out = Command::new(dir.join(name)).args(args).output().expect("run example");
    assert!(
        out.status.success(),
        "{name}: {:?} {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn emulate_getpid_example() {
    let out = run_example("emulate_getpid", &[]);
    assert!(out.contains("getpid() = 4242 (emulated"), "{out}");
    let ppid = std::process::id() + 1_000_000;
    assert!(out.contains(&format!("getppid() = {ppid} ")), "{out}");
}

#[test]
fn redirect_open_example() {
    let dir = std::env::temp_dir().join(format!("selftrace-redirect-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("hostname"), "not-the-real-hostname\n").unwrap();
    let out = run_example("redirect_open", &[dir.to_str().unwrap()]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(out.ends_with("/hostname: not-the-real-hostname\n"), "{out}");
}

#[test]
fn trace_scope_example() {
    let out = run_example("trace_scope", &[]);
    let lines: Vec<&str> = out.lines().collect();
    let start = lines.iter().position(|l| l.starts_with("outside")).unwrap();
    let end = lines.iter().position(|l| *l == "scope ended").unwrap();
    let traced = &lines[start + 1..end];
    assert!(traced.iter().any(|l| l.starts_with("  openat(")), "{out}");
    assert!(traced.iter().any(|l| l.starts_with("  read(")), "{out}");
    assert!(traced.iter().any(|l| l.starts_with("  close(")), "{out}");
    // metadata("/") before the scope is a statx on AT_FDCWD; the one in
    // the scope is read_to_string's statx on its open fd.
    assert!(!traced.iter().any(|l| l.starts_with("  statx(0xffffff9c")), "{out}");
    assert_eq!(end, lines.len() - 1, "nothing traced after the scope: {out}");
}

/// `out` with the descriptor after each `read(`/`write(` shown as `FD`, so
/// the checks hold whatever descriptors the example inherited.
fn fds_as_fd(out: &str) -> String {
    let mut s = String::new();
    let mut rest = out;
    while let Some(i) =
        ["read(", "write("].iter().filter_map(|c| rest.find(c).map(|i| i + c.len())).min()
    {
        s.push_str(&rest[..i]);
        s.push_str("FD");
        rest = rest[i..].trim_start_matches(|c: char| c.is_ascii_digit());
    }
    s.push_str(rest);
    s
}

#[test]
fn enospc_second_write_example() {
    let out = fds_as_fd(&run_example_of("selftrace-trace", "enospc_second_write", &[]));
    assert_eq!(
        out,
        "save: No space left on device (os error 28)\n  write(FD, \"header\\n\", 7) = 7\n  \
         write(FD, \"body\\n\", 5) = -1 ENOSPC (No space left on device)\n\
         the file holds \"header\\n\"\n"
    );
}

#[test]
fn short_read_bufreader_example() {
    let out = fds_as_fd(&run_example_of("selftrace-trace", "short_read_bufreader", &[]));
    assert!(
        out.starts_with("lines: [\"first line\", \"second line\"]\nread_to_end: 23 bytes\n"),
        "{out}"
    );
    assert!(
        out.contains("reads of at most 3 bytes, the first: read(FD, \"fir\", 3) = 3\n"),
        "{out}"
    );
}

#[test]
fn eintr_retry_example() {
    let out = fds_as_fd(&run_example_of("selftrace-trace", "eintr_retry", &[]));
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("retry loop: \"hello\" after read(FD, 0x"), "{out}");
    assert!(lines[0].ends_with(", 5) = -1 EINTR (Interrupted system call)"), "{out}");
    assert_eq!(lines[1], "plain read: Interrupted system call (os error 4)", "{out}");
}
