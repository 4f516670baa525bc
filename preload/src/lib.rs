//! LD_PRELOAD shell over the selftrace library: installs the runtime in an
//! unmodified program from the environment, before `main`.
//!
//! `SELFTRACE_TRACE`: comma-separated x86_64 syscall names, or `all`; each
//! trapped call is written to stderr as one line. Unset: the runtime is
//! installed with its signal protection only.

#[ctor::ctor(unsafe)]
fn selftrace_preload_init() {
    let spec = std::env::var("SELFTRACE_TRACE").unwrap_or_default();
    if let Err(e) = selftrace::preload::install_from_spec(&spec) {
        let msg = format!("selftrace: {e}; the program runs untraced\n");
        let _ = selftrace::raw::write(2, msg.as_bytes());
    }
}
