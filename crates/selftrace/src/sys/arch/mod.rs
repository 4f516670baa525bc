//! Architecture-specific code: registers, gates, ABI numbers.
//!
//! One module per architecture, each exporting the same names; the rest of
//! the crate only ever says `arch::...`.

#[cfg(target_arch = "x86_64")]
mod x86_64;
#[cfg(target_arch = "x86_64")]
pub use self::x86_64::*;

#[cfg(not(target_arch = "x86_64"))]
compile_error!("selftrace supports x86_64 only so far; a port is one module in sys/arch/ and one syscall table in selftrace-trace");
