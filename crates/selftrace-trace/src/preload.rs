//! What the preload library runs in its constructor: the tracer configured
//! from `SELFTRACE_*` variables (see [`crate::config::var`]).

use std::sync::Arc;

use crate::config::{var, Config};
use crate::sink::{self, Target, GUARDED};
use crate::summary::SortBy;
use crate::Tracer;
use selftrace::{Builder, Sysno};

/// Why the preload left a program untraced.
#[derive(Debug)]
pub enum PreloadError {
    Config(crate::config::ConfigError),
    Output(std::io::Error),
    Install(selftrace::Error),
}

impl std::fmt::Display for PreloadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PreloadError::Config(e) => write!(f, "{e}"),
            PreloadError::Output(e) => write!(f, "cannot open the trace output: {e}"),
            PreloadError::Install(e) => write!(f, "{e}"),
        }
    }
}

/// Install the tracer as the environment asks. Returns `Ok(false)` when
/// nothing is to be traced here: no `SELFTRACE_TRACE`, or (without `-f`)
/// this is not the process the user traced.
pub fn install_from_env() -> Result<bool, PreloadError> {
    let get = |k: &str| std::env::var(k).ok();
    if get(var::TRACE).is_none() && get(var::SUMMARY).is_none() && get(var::INJECT).is_none() {
        return Ok(false);
    }
    let mut config = Config::from_vars(get).map_err(PreloadError::Config)?;
    if get(var::TRACE).is_none() && get(var::SUMMARY).is_none() {
        // Injection alone: nothing is printed.
        config.trace = crate::select::Selection::none();
        config.silent = true;
    }
    let output = get(var::OUTPUT);
    let collector = get(var::COLLECTOR);
    let sort = get(var::SORT).and_then(|s| SortBy::parse(&s)).unwrap_or_default();
    let pid = std::process::id();
    if !config.follow {
        match get(var::ROOT_PID).and_then(|p| p.parse::<u32>().ok()) {
            Some(root) if root != pid => return Ok(false),
            Some(_) => {}
            None => add_to_environment(&format!("{}={pid}", var::ROOT_PID)),
        }
    }
    let target = match (&collector, &output) {
        (Some(c), _) => Target::Collector(c),
        (None, Some(path)) => Target::File(path),
        (None, None) => Target::Stderr,
    };
    match sink::open(target, config.follow) {
        Ok(()) => {}
        // Started after the `selftrace` process died: run untraced, as
        // the rest of the traced tree now does, without a word.
        Err(e) if collector.is_some() && sink::collector_gone(&e) => return Ok(false),
        Err(e) => return Err(PreloadError::Output(e)),
    }
    if config.summary != crate::config::Summary::Off {
        if let Some(path) = get(var::COUNTERS) {
            // Unreachable (the CLI gone, another build's table): this
            // process counts on its own and hands its rows over at its end.
            let _ = crate::summary::share(&path);
        }
    }
    if let (Some(_), Some(area)) = (&collector, get(crate::inflight::VAR)) {
        // Best effort: without the area, blocked calls show at their end.
        let _ = crate::inflight::attach(&area, &config);
    }
    let tracer = Arc::new(Tracer::new(config, sort, pid));
    builder(&tracer).install().map_err(PreloadError::Install)?;
    crate::tracer::watch_signals(&tracer);
    // SAFETY: registering a fork handler that only stores to atomics.
    unsafe { libc::pthread_atfork(None, None, Some(crate::tracer::after_fork_in_child)) };
    if tracer.config().follow || selftrace::raw::gettid() == pid {
        crate::tracer::announce();
    }
    tracer.exec_line();
    Ok(true)
}

/// Add `entry` to the environment programs started from here inherit.
fn add_to_environment(entry: &str) {
    let entry = std::ffi::CString::new(entry).unwrap_or_default().into_raw();
    // SAFETY: the constructor runs before main on the only thread; the
    // string is leaked, living as long as environ entries must.
    unsafe { selftrace::exec::edit_environment(|entries| entries.push(entry)) };
}

/// With `-f`, what programs exec'd from here need to be traced too, even
/// if they clear their environment: this library in `LD_PRELOAD` and the
/// `SELFTRACE_*` configuration.
fn keep_for_exec(mut b: Builder) -> Builder {
    if let Some(path) = own_path() {
        b = b.keep_env_list_entry("LD_PRELOAD", &path);
    }
    for (name, value) in std::env::vars_os() {
        let (Some(name), Some(value)) = (name.to_str(), value.to_str()) else { continue };
        if name.starts_with("SELFTRACE_") && name != selftrace::exec::NO_RANDOMIZE_VAR {
            b = b.keep_env_var(name, value);
        }
    }
    b
}

/// The file this library was loaded from.
fn own_path() -> Option<String> {
    // SAFETY: dladdr only reads the loader's tables; the address is a
    // function of this library.
    unsafe {
        let mut info: libc::Dl_info = std::mem::zeroed();
        if libc::dladdr(own_path as *const libc::c_void, &mut info) == 0 || info.dli_fname.is_null()
        {
            return None;
        }
        let path = std::ffi::CStr::from_ptr(info.dli_fname).to_str().ok()?;
        path.starts_with('/').then(|| path.to_string())
    }
}

/// Hooks for the tracer: the calls it shows, the calls that end a process
/// or its image (exit lines, `-c` hand-over), the calls that reap a child
/// (its end line, with `-f`), and the output's guard.
pub fn builder(tracer: &Arc<Tracer>) -> Builder {
    let mut b = tracer.deny_in_kernel(Builder::new());
    if tracer.config().follow {
        b = keep_for_exec(b);
    } else if let Some(path) = own_path() {
        // Untraced children inherit LD_PRELOAD; one with musl's loader
        // would not start with this library in it.
        b = b.drop_env_list_entry_for_other_loaders("LD_PRELOAD", &path);
    }
    for s in GUARDED {
        b = b.hook(s, sink::Guard);
    }
    let trace = tracer.calls();
    if trace.is_all() {
        return b.hook_all(tracer.clone());
    }
    let mut always = vec![Sysno::exit, Sysno::exit_group, Sysno::execve, Sysno::execveat];
    if tracer.reports_reaped() {
        always.extend([Sysno::wait4, Sysno::waitid]);
    }
    for &s in &always {
        b = b.hook(s, tracer.clone());
    }
    for s in trace.iter().filter(|s| !always.contains(s) && selftrace::can_hook(*s)) {
        b = b.hook(s, tracer.clone());
    }
    b
}
