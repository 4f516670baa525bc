//! The strace-compatible tracer built on the runtime: which calls to show
//! ([`select`]), how to render them ([`decode`], [`out`]), and the hook
//! that writes one line per call.

pub mod classes;
pub mod config;
pub mod decode;
pub mod errno;
pub mod json;
pub mod notes;
pub mod out;
pub mod select;
pub mod sink;
pub mod summary;
pub mod tracer;

pub use tracer::Tracer;
