//! The trap path: the seccomp filter that turns chosen calls into SIGSYS,
//! Syscall User Dispatch for code the filter cannot tell apart, and the
//! handler that decodes a trapped call, runs the hooks and performs it.

pub(crate) mod dispatch;
pub(crate) mod filter;
pub(crate) mod handler;
