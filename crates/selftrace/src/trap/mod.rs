//! The trap path: the seccomp filter that turns chosen calls into SIGSYS,
//! Syscall User Dispatch for code the filter cannot tell apart, the
//! handler that decodes a trapped call, runs the hooks and performs it,
//! and the filter of calls the kernel refuses whoever makes them.

pub mod deny;
pub(crate) mod dispatch;
pub mod extension;
pub(crate) mod filter;
pub(crate) mod handler;
