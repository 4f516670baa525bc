//! The `selftrace` command: options ([`args`]), running the program
//! ([`launch`]) and turning the preload's records into the trace
//! ([`collector`]) and, with `--perfetto`, a timeline ([`perfetto`]).

pub mod args;
pub mod channel;
pub mod collector;
pub mod inflight;
pub mod launch;
pub mod perfetto;
pub mod policy;
pub mod signals;

/// One line on standard error, then exit.
pub fn die(message: &str, code: i32) -> ! {
    eprintln!("selftrace: {message}");
    std::process::exit(code)
}

/// `--help` and `--version` print and exit 0; any other parse error is
/// one line and exit 2.
pub fn exit_on_parse_error(e: clap::Error) -> ! {
    use clap::error::ErrorKind;
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        let _ = e.print();
        std::process::exit(0);
    }
    let text = e.render().to_string();
    let first = text.lines().next().unwrap_or("invalid arguments");
    die(first.trim_start_matches("error: "), 2)
}

/// End the way the traced program ended: killed by the same signal (with
/// no core file of our own), as strace does.
pub fn die_like(signal: i32) -> ! {
    // SAFETY: plain calls with integer arguments; we are about to exit.
    unsafe {
        let no_core = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        libc::setrlimit(libc::RLIMIT_CORE, &no_core);
        libc::signal(signal, libc::SIG_DFL);
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, signal);
        libc::sigprocmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        libc::raise(signal);
    }
    std::process::exit(128 + signal)
}
