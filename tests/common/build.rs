//! Building fixtures (C, Go, Java) once per test run.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Where `suite`'s built fixtures go: under cargo's temporary directory
/// for tests, kept between runs.
pub fn build_dir(suite: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(suite);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs a build command that writes `out` (given as `-o PATH`), through a
/// temporary name so that a concurrent run never executes a half-written
/// file; `what` names the tool in errors.
pub fn build(suite: &str, what: &str, mut cmd: Command, out: &str) -> Result<PathBuf, String> {
    let dest = build_dir(suite).join(out);
    let tmp = build_dir(suite).join(format!("{out}.{}.tmp", std::process::id()));
    cmd.arg("-o").arg(&tmp);
    let description = format!("{cmd:?}");
    match cmd.output() {
        Err(e) => Err(format!("cannot run {what}: {e}")),
        Ok(o) if !o.status.success() => Err(format!(
            "{description} failed: {}\n--- stdout\n{}\n--- stderr\n{}",
            o.status,
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )),
        Ok(_) => {
            std::fs::rename(&tmp, &dest).unwrap();
            Ok(dest)
        }
    }
}

/// `cc -O1 -Wall -pthread EXTRA SOURCE -o BUILD/out`.
pub fn cc(suite: &str, source: &Path, out: &str, extra: &[&str]) -> Result<PathBuf, String> {
    let mut cmd = Command::new("cc");
    cmd.args(["-O1", "-Wall", "-pthread"]).args(extra).arg(source);
    build(suite, "cc (Debian: apt-get install gcc libc6-dev)", cmd, out)
}
