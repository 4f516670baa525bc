//! The strace-compatible tracer and fault injection, built on the
//! `selftrace` runtime: what each call is ([`table`]), which calls to show
//! ([`select`]), how to render them ([`decode`], [`out`]), the hook that
//! writes one line per call ([`tracer`]), where lines go ([`sink`]),
//! rules that fail, delay or rewrite calls ([`inject`]), injection and
//! call recording for one test's thread ([`testing`]), and the preload's
//! configuration from `SELFTRACE_*` variables ([`preload`]).
//!
//! In a test, a scope injects faults into the calls of the test's own
//! thread while other tests run in parallel; the crate's `examples/`
//! (`enospc_second_write`, `short_read_bufreader`, `eintr_retry`) are
//! complete programs:
//!
//! ```no_run
//! use selftrace::Sysno;
//! use selftrace_trace::inject::Rule;
//! use std::io::Read;
//!
//! let scope = selftrace_trace::testing::scope()
//!     .inject(Rule::new([Sysno::read]).short(1))
//!     .record([Sysno::read])
//!     .enter()
//!     .expect("enter the scope");
//! let mut text = String::new();
//! std::fs::File::open("/etc/hostname").unwrap().read_to_string(&mut text).unwrap();
//! // Every read moved at most one byte, and the whole file still arrived.
//! assert!(scope.calls().iter().all(|c| c.rval <= 1));
//! ```

pub mod classes;
pub mod config;
pub mod decode;
pub mod errno;
pub mod inflight;
pub mod inject;
pub mod json;
pub mod notes;
pub mod out;
pub mod preload;
pub mod select;
pub mod sink;
pub mod summary;
pub mod table;
pub mod testing;
pub mod tracer;

pub use tracer::Tracer;

/// The README's Rust examples (the runtime's and the injector's), compiled
/// and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
