//! Threads and processes: per-thread state (`thread`) in a runtime block of
//! its own (`block`), the other threads at installation (`siblings`), calls
//! that create tasks (`spawn`), and exec with what it must carry over
//! (`exec`, `image`).

pub(crate) mod block;
pub mod exec;
pub mod image;
pub(crate) mod siblings;
pub(crate) mod spawn;
pub mod thread;
