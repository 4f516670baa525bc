//! LD_PRELOAD shell over the selftrace library: traces an unmodified
//! program as the `SELFTRACE_*` environment variables say, from before
//! `main`. The variables are documented in the README and in
//! `selftrace_trace::config::var`.

#[ctor::ctor(unsafe)]
fn selftrace_preload_init() {
    selftrace::exec::restore_personality();
    if let Err(e) = selftrace_trace::preload::install_from_env() {
        let msg = format!("selftrace: {e}; the program runs untraced\n");
        let _ = selftrace::raw::write(2, msg.as_bytes());
    }
}
