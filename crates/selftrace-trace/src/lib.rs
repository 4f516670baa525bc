//! The strace-compatible tracer and fault injection, built on the
//! `selftrace` runtime: what each call is ([`table`]), which calls to show
//! ([`select`]), how to render them ([`decode`], [`out`]), the hook that
//! writes one line per call ([`tracer`]), where lines go ([`sink`]),
//! rules that fail, delay or rewrite calls ([`inject`]), and the preload's
//! configuration from `SELFTRACE_*` variables ([`preload`]).

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
