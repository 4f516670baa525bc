//! The examples run and do what they say.

use std::process::Command;

/// Run an example binary; a plain `cargo test` has built it, a filtered
/// one (`--test examples`) may not have.
fn run_example(name: &str, args: &[&str]) -> String {
    let dir = std::env::current_exe().unwrap().parent().unwrap().parent().unwrap().join("examples");
    if !dir.join(name).exists() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let built = Command::new(cargo)
            .args(["build", "--quiet", "-p", "selftrace", "--example", name])
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
