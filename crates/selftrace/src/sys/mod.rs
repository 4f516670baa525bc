//! Talking to the kernel: the gates and everything architecture-specific
//! (`arch`), raw calls (`raw`), the program's memory (`mem`) and its
//! mappings (`maps`).

pub(crate) mod arch;
pub(crate) mod maps;
pub mod mem;
pub mod raw;
