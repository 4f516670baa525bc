//! What the preload library runs in its constructor: configuration from
//! the environment, and a minimal raw line tracer.

use crate::{Builder, Error, Hook, Installed, Sysno, SyscallInfo};

/// Writes `name(0xarg, ...) = rval` per call to stderr, one `write` a line.
struct RawLines;

impl Hook for RawLines {
    fn exit(&self, info: &mut SyscallInfo) {
        let mut line = crate::fmt::Line::new();
        match info.name() {
            Some(n) => line.push_str(n),
            None => {
                line.push_str("syscall_");
                line.push_u64(info.nr);
            }
        }
        if info.abi != crate::Abi::X86_64 {
            line.push_str(if info.abi == crate::Abi::I386 { "[i386]" } else { "[x32]" });
        }
        line.push_str("(");
        for (i, a) in info.args.iter().enumerate() {
            if i > 0 {
                line.push_str(", ");
            }
            line.push_hex(*a);
        }
        line.push_str(") = ");
        line.push_i64(info.rval);
        line.push_str("\n");
        let _ = crate::raw::write(2, line.as_bytes());
    }
}

/// Install from a `SELFTRACE_TRACE` value: empty, `all`, or names.
pub fn install_from_spec(spec: &str) -> Result<Installed, Error> {
    let mut b = Builder::new();
    for name in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        if name == "all" {
            b = b.hook_all(RawLines);
            continue;
        }
        match name.parse::<Sysno>() {
            Ok(s) => b = b.hook(s, RawLines),
            Err(_) => return Err(Error::UnknownName(name.to_string())),
        }
    }
    b.install()
}
