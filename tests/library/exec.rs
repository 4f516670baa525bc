//! exec under the filter (docs/design.md, hazard 6): environments kept for
//! programs that clear theirs, exec with address randomization off, exec
//! chains, statically linked and set-user-ID programs.

#[path = "../common/mod.rs"]
mod common;

use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::OnceLock;

use common::in_child;
use selftrace::{Action, Builder, Error, Sysno};

fn stdout_of(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

// ------------------------------------------------------------ library

#[test]
fn kept_variables_reach_programs_that_clear_their_environment() {
    in_child("kept_variables_reach_programs_that_clear_their_environment", || {
        Builder::new()
            .keep_env_var("SELFTRACE_TEST_KEPT", "yes")
            .keep_env_list_entry("SELFTRACE_TEST_LIST", "/first")
            .install()
            .unwrap();
        let env = |cmd: &mut Command| stdout_of(&cmd.output().unwrap());
        let cleared = env(Command::new("/usr/bin/env").env_clear());
        let mut lines: Vec<&str> = cleared.lines().collect();
        lines.sort_unstable();
        assert_eq!(lines, ["SELFTRACE_TEST_KEPT=yes", "SELFTRACE_TEST_LIST=/first"], "{cleared}");

        let own = env(Command::new("/usr/bin/env")
            .env_clear()
            .env("SELFTRACE_TEST_KEPT", "theirs")
            .env("SELFTRACE_TEST_LIST", "/a:/b"));
        assert!(
            own.contains("SELFTRACE_TEST_KEPT=theirs\n"),
            "the program's own value wins: {own}"
        );
        assert!(
            own.contains("SELFTRACE_TEST_LIST=/first:/a:/b\n"),
            "ours in front of theirs: {own}"
        );

        let listed =
            env(Command::new("/usr/bin/env").env_clear().env("SELFTRACE_TEST_LIST", "/a:/first"));
        assert!(
            listed.contains("SELFTRACE_TEST_LIST=/a:/first\n"),
            "already listed: unchanged: {listed}"
        );
        assert_eq!(listed.matches("SELFTRACE_TEST_LIST=").count(), 1);

        // SAFETY: execve of a missing file with valid, NULL-terminated arrays.
        let r = unsafe {
            libc::execve(c"/nonexistent".as_ptr(), [std::ptr::null()].as_ptr(), std::ptr::null())
        };
        assert_eq!(r, -1, "a failed exec returns");
        assert_eq!(std::io::Error::last_os_error().raw_os_error(), Some(libc::ENOENT));
    });
}

#[test]
fn an_exec_with_a_null_environment_gets_the_kept_entries() {
    in_child("an_exec_with_a_null_environment_gets_the_kept_entries", || {
        Builder::new().keep_env_var("SELFTRACE_TEST_KEPT", "1").install().unwrap();
        let mut fds = [0; 2];
        // SAFETY: pipe/fork/dup2/execve/waitpid with valid arguments; the
        // child only execs or exits.
        unsafe {
            assert_eq!(libc::pipe(fds.as_mut_ptr()), 0);
            let pid = libc::fork();
            if pid == 0 {
                libc::dup2(fds[1], 1);
                let argv = [c"env".as_ptr(), std::ptr::null()];
                libc::execve(c"/usr/bin/env".as_ptr(), argv.as_ptr(), std::ptr::null());
                libc::_exit(127);
            }
            libc::close(fds[1]);
            let mut buf = [0u8; 256];
            let n = libc::read(fds[0], buf.as_mut_ptr().cast(), buf.len());
            let mut status = 0;
            libc::waitpid(pid, &mut status, 0);
            assert_eq!(&buf[..n.max(0) as usize], b"SELFTRACE_TEST_KEPT=1\n");
        }
    });
}

#[test]
fn kept_entries_that_cannot_be_entries_are_typed_errors() {
    in_child("kept_entries_that_cannot_be_entries_are_typed_errors", || {
        for b in [
            Builder::new().keep_env_var("A=B", "x"),
            Builder::new().keep_env_var("", "x"),
            Builder::new().keep_env_var("A", "x\0y"),
            Builder::new().keep_env_list_entry("LIST", "a:b"),
        ] {
            let e = b.install().unwrap_err();
            assert!(matches!(e, Error::InvalidEnvironment { .. }), "{e:?}");
        }
        Builder::new().install().expect("nothing was installed by the refused builders");
    });
}

#[test]
fn exec_with_randomization_off_keeps_the_personality_for_the_programs_children() {
    // The test child itself runs with ADDR_NO_RANDOMIZE (re-exec'd under
    // it), so its libc lies where the exec'd shell's would.
    const NAME: &str =
        "exec_with_randomization_off_keeps_the_personality_for_the_programs_children";
    if common::is_child(NAME) && std::env::var_os("SELFTRACE_TEST_NORAND").is_none() {
        // SAFETY: personality only changes this process's exec layout.
        unsafe { libc::personality(libc::ADDR_NO_RANDOMIZE as libc::c_ulong) };
        let err = Command::new(std::env::current_exe().unwrap())
            .args([NAME, "--exact", "--nocapture", "--test-threads=1"])
            .env("SELFTRACE_TEST_NORAND", "1")
            .exec();
        panic!("re-exec failed: {err}");
    }
    in_child(NAME, || {
        Builder::new()
            .on_entry(Sysno::getppid, |_| Action::Run)
            .hook(Sysno::prlimit64, common::Count(Default::default()))
            .install()
            .unwrap();
        let out = Command::new("/bin/sh")
            .args(["-c", "cat /proc/self/personality; uname"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        // The shell and cat load no preload here: they run randomized, and
        // cannot set the personality back (the preload would).
        assert_eq!(stdout_of(&out), "00000000\nLinux\n");
        // SAFETY: querying the personality changes nothing.
        let p = unsafe { libc::personality(0xffff_ffff) };
        assert_eq!(
            p & libc::ADDR_NO_RANDOMIZE,
            libc::ADDR_NO_RANDOMIZE,
            "our own personality is unchanged"
        );
    });
}

// ---------------------------------------------------------------- CLI

fn selftrace(args: &[&str]) -> (Output, String) {
    let dir = common::TempDir::new("exec");
    let trace = dir.at("trace.txt");
    let mut all = vec!["-f", "-o", &trace];
    all.extend(args);
    let out = common::selftrace_command().args(&all).output().unwrap();
    let text = std::fs::read_to_string(&trace).unwrap_or_default();
    (out, text)
}

fn assert_alive(out: &Output, trace: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    for text in [&stdout_of(out), &stderr.into_owned(), &trace.to_string()] {
        assert!(!text.contains("Bad system call") && !text.contains("killed by SIGSYS"), "{text}");
    }
}

fn execs(trace: &str) -> Vec<String> {
    trace
        .lines()
        .filter(|l| l.ends_with(" = 0"))
        .filter_map(|l| {
            l.split_once("execve(\"").map(|(_, rest)| rest.split('"').next().unwrap().to_string())
        })
        .collect()
}

#[test]
fn programs_that_clear_their_environment_are_followed() {
    let (out, trace) = selftrace(&[
        "env",
        "-i",
        "sh",
        "-c",
        "uname; env -i /usr/bin/env | grep -c SELFTRACE_TRACE",
    ]);
    assert_alive(&out, &trace);
    assert_eq!(stdout_of(&out), "Linux\n1\n", "{trace}");
    let execs = execs(&trace);
    assert!(execs.iter().any(|p| p.ends_with("/uname")), "uname was traced: {execs:?}");
    assert!(
        execs.iter().filter(|p| p.ends_with("/env")).count() >= 3,
        "both env were traced: {execs:?}"
    );
    assert!(trace.contains("uname({sysname=\"Linux\""), "uname's own calls were traced");
}

#[test]
fn exec_chains_with_randomization_off_are_traced_and_keep_the_personality() {
    let script = "cat /proc/self/personality; sh -c 'sh -c \"sh -c uname\"'; python3 -c 'print(1)'";
    let out = Command::new("setarch")
        .args([
            "-R",
            env!("CARGO_BIN_EXE_selftrace"),
            "-f",
            "-o",
            "/dev/null",
            "--",
            "sh",
            "-c",
            script,
        ])
        .env("SELFTRACE_PRELOAD", common::preload_library())
        .output()
        .expect("setarch (util-linux) is needed");
    assert!(out.status.success(), "{out:?}");
    assert_eq!(stdout_of(&out), "00040000\nLinux\n1\n", "{}", String::from_utf8_lossy(&out.stderr));
    assert_alive(&out, "");
}

#[test]
fn deep_exec_chains_are_followed() {
    let inner = "uname";
    let mut cmd = inner.to_string();
    for _ in 0..6 {
        cmd = format!("exec sh -c '{}'", cmd.replace('\'', "'\\''"));
    }
    let (out, trace) = selftrace(&["sh", "-c", &cmd]);
    assert_alive(&out, &trace);
    assert_eq!(stdout_of(&out), "Linux\n");
    let execs = execs(&trace);
    assert_eq!(execs.iter().filter(|p| p.ends_with("/sh")).count(), 7, "{execs:?}");
    assert!(execs.last().unwrap().ends_with("/uname"), "{execs:?}");
}

/// A statically linked C program exiting with 3, built once.
fn static_program() -> PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let dir =
            std::env::temp_dir().join(format!("selftrace-exec-static-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let src = dir.join("st.c");
        std::fs::write(&src, "#include <stdio.h>\nint main(void){puts(\"static ok\");return 3;}\n")
            .unwrap();
        let bin = dir.join("st");
        let out = Command::new("cc")
            .arg("-static")
            .arg("-o")
            .arg(&bin)
            .arg(&src)
            .output()
            .expect("cc is needed");
        assert!(
            out.status.success(),
            "cc -static failed (the C library's static archive, libc6-dev, is needed): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        bin
    })
    .clone()
}

#[test]
fn a_static_program_runs_untraced_unharmed_and_the_trace_says_so() {
    let st = static_program();
    let st = st.to_str().unwrap();
    let (out, trace) = selftrace(&["sh", "-c", &format!("{st}; echo $?")]);
    assert_alive(&out, &trace);
    assert_eq!(stdout_of(&out), "static ok\n3\n");
    let notes: Vec<&str> = trace.lines().filter(|l| l.contains("selftrace: ")).collect();
    assert_eq!(notes.len(), 1, "{trace}");
    assert!(
        notes[0].ends_with(&format!("selftrace: {st} is statically linked: it runs untraced")),
        "{notes:?}"
    );
    assert!(!trace.contains("write(1, \"static ok"), "the static program's calls are not traced");

    let (out, trace) = selftrace(&["-q", "sh", "-c", st]);
    assert_eq!(out.status.code(), Some(3));
    assert!(!trace.contains("selftrace: "), "-q: no note: {trace}");
    let (_, trace) = selftrace(&["sh", "-c", "uname >/dev/null"]);
    assert!(!trace.contains("selftrace: "), "no note for a dynamic program: {trace}");
}

#[test]
fn a_set_user_id_program_is_noted_once_per_process() {
    let dir = std::env::temp_dir().join(format!("selftrace-exec-suid-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let copy = dir.join("id-copy");
    std::fs::copy("/usr/bin/id", &copy).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o4755)).unwrap();
    let copy = copy.to_str().unwrap();
    let (out, trace) = selftrace(&["sh", "-c", &format!("{copy} -u; exec {copy} -u")]);
    assert_alive(&out, &trace);
    assert_eq!(out.status.code(), Some(0));
    let notes =
        trace.matches("is set-user-ID or set-group-ID: it runs without gaining privileges").count();
    assert!((1..=2).contains(&notes), "one note per process that execs it: {trace}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_program_under_a_low_descriptor_limit_is_traced() {
    // Below 501 descriptors no new descriptor can be 500 or above: the
    // preload raises the soft limit for its own and puts it back.
    let (out, trace) =
        selftrace(&["sh", "-c", "ulimit -S -n 64; exec cat /etc/hostname /proc/self/limits"]);
    assert_alive(&out, &trace);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("cannot open the trace output"), "{stderr}");
    assert!(
        trace.contains("openat(AT_FDCWD, \"/etc/hostname\", O_RDONLY) = 3"),
        "cat was traced: {trace}"
    );
    let limits = stdout_of(&out);
    let open_files = limits.lines().find(|l| l.starts_with("Max open files")).unwrap_or_default();
    assert!(
        open_files.split_whitespace().nth(3) == Some("64"),
        "the program's limit is kept: {open_files}"
    );
}

#[test]
fn a_static_program_started_by_a_large_non_pie_program_is_not_killed() {
    // A non-PIE executable's code lies at 0x400000 and up, where the static
    // program's will: the parent's filter must not trap calls from there.
    let st = static_program();
    let dir = st.parent().unwrap();
    let src = dir.join("big-parent.c");
    std::fs::write(
        &src,
        "#include <stdio.h>\n#include <unistd.h>\n#include <sys/wait.h>\n\
         __asm__(\".text\\n.globl big_pad\\nbig_pad:\\n.skip 4000000, 0x90\\nret\\n\");\n\
         int main(int c, char **v) { (void)c; pid_t p = fork(); if (!p) { execv(v[1], v + 1); _exit(127); }\n\
         int st; waitpid(p, &st, 0); printf(\"child status %#x\\n\", st); return 0; }\n",
    )
    .unwrap();
    let parent = dir.join("big-parent");
    let out = Command::new("cc")
        .args(["-no-pie", "-O1", "-o"])
        .arg(&parent)
        .arg(&src)
        .output()
        .expect("cc is needed");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (out, trace) = selftrace(&[parent.to_str().unwrap(), st.to_str().unwrap()]);
    assert_alive(&out, &trace);
    assert_eq!(stdout_of(&out), "static ok\nchild status 0x300\n", "{trace}");
}
