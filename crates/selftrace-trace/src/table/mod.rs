//! What the tracer knows about each system call, stated once per
//! architecture: its name, strace's classes, its arguments (name and kind)
//! and how its return value is printed. One line per call in the table of
//! the architecture (`x86_64.rs`); everything else is derived from it:
//!
//! - the number of arguments printed for a call that is not decoded,
//! - the members of each `-e trace=%class` ([`crate::classes`]),
//! - the path arguments fault injection rewrites ([`crate::inject::paths`]),
//! - and the rendering of most calls: [`crate::decode::render`] walks the
//!   argument kinds. Calls whose rendering needs code (an argument shown
//!   only for some flags, structures, per-command arguments) name a
//!   hand-written decoder instead, or a [`Kind::Custom`] for one argument.
//!
//! A port to another architecture is one more table file with the same
//! macro, selected by `cfg` below.

use crate::classes::Classes;
use crate::decode::{Decoder, Ret, Writer, MAX_ARGS};
use selftrace::info::SyscallInfo;
use selftrace::Sysno;

/// A table of named values: `(value, name)`.
pub type Names = &'static [(u64, &'static str)];

/// Renders one argument: the writer, the call, the argument's name and
/// its index in `info.args`.
pub type ArgFn = fn(&mut Writer, &SyscallInfo, &'static str, usize);

/// What an argument is, and so how it is printed.
#[derive(Clone, Copy)]
pub enum Kind {
    /// A file descriptor (`-y` adds its path).
    Fd,
    /// The directory descriptor of an `*at` call: `AT_FDCWD` or a descriptor.
    /// A [`Kind::Path`] right after it is relative to it.
    Dirfd,
    /// A path the kernel looks up: printed whole, and rewritten by
    /// injection rules.
    Path,
    /// A path printed whole that the kernel does not look up (symlink's
    /// target): not a path for injection.
    Target,
    /// A NUL-terminated string cut at `-s`.
    Str,
    /// An `int`: signed decimal of the low 32 bits.
    Int,
    /// A `long` or `off_t`: signed decimal.
    Long,
    /// An `unsigned int`: decimal of the low 32 bits.
    UInt,
    /// A `size_t` or `unsigned long`: decimal.
    ULong,
    /// Hex (`0x...`) of the whole register.
    Hex,
    /// An `unsigned int` in C's `%#x` (`0` or `0x...`).
    Xint,
    /// An `unsigned long` in C's `%#x`.
    Xlong,
    /// An address: `NULL` or hex.
    Ptr,
    /// A permission mode in octal (`0644`).
    Mode,
    /// A uid or gid: `-1` for "unchanged", else unsigned decimal.
    Id,
    /// A signal number by name (`SIGTERM`).
    Signal,
    /// Bytes the program passes, as many as the next argument says.
    Bytes,
    /// Bytes the kernel filled, as many as the call returned; the address
    /// when it failed.
    OutBytes,
    /// Flag bits of the low 32 bits by name, `0x.. /* X_??? */` when no
    /// bit is known.
    Flags(Names, &'static str),
    /// One named value of the low 32 bits, `%#x /* X_??? */` if unknown.
    Enum(Names, &'static str),
    /// Rendered by code.
    Custom(ArgFn),
}

/// One argument: its name in the man page and its kind.
#[derive(Clone, Copy)]
pub struct Arg {
    pub name: &'static str,
    pub kind: Kind,
}

/// How a call's arguments are rendered.
#[derive(Clone, Copy)]
pub enum Render {
    /// Argument by argument from their kinds.
    Plain,
    /// By a hand-written decoder.
    Code(Decoder),
    /// Not decoded yet: the arguments in hex (their kinds are known for
    /// counting and for injection).
    Raw,
}

/// The line of the table for one call.
#[derive(Clone, Copy)]
pub struct Call {
    pub sysno: Sysno,
    pub classes: Classes,
    pub args: &'static [Arg],
    pub ret: Ret,
    pub render: Render,
}

/// Arguments of a call whose names are not written down: `arg1` ...
const RAW: [Arg; MAX_ARGS] = [
    Arg { name: "arg1", kind: Kind::Hex },
    Arg { name: "arg2", kind: Kind::Hex },
    Arg { name: "arg3", kind: Kind::Hex },
    Arg { name: "arg4", kind: Kind::Hex },
    Arg { name: "arg5", kind: Kind::Hex },
    Arg { name: "arg6", kind: Kind::Hex },
];

/// The first `n` unnamed arguments (at most six).
pub const fn raw(n: usize) -> &'static [Arg] {
    RAW.split_at(if n < MAX_ARGS { n } else { MAX_ARGS }).0
}

/// The table, one line per call:
///
/// ```text
/// name(arg: Kind, ...) CLASS | CLASS -> Ret => decoder;
/// ```
///
/// `(...)` lists the arguments, rendered from their kinds unless
/// `=> decoder` names the code that renders the call; `-> Ret` is the
/// return kind when it is not a plain number. `name[arg: Kind, ...]` or
/// `name[N]` is a call not decoded yet: its arguments print in hex.
macro_rules! calls {
    ($( $sys:ident $args:tt $($class:ident)|+ $(-> $ret:ident $(($rf:path))?)? $(=> $code:expr)? ; )*) => {
        pub(super) const LIST: &[$crate::table::Call] = &[$(
            $crate::table::Call {
                sysno: selftrace::Sysno::$sys,
                classes: $crate::classes::Classes::NONE $(.union($crate::classes::Classes::$class))+,
                args: calls!(@args $args),
                ret: calls!(@ret $($ret $(($rf))?)?),
                render: calls!(@render $args; $($code)?),
            },
        )*];
    };
    (@args [$n:literal]) => { $crate::table::raw($n) };
    (@args [$($a:tt)*]) => { calls!(@list $($a)*) };
    (@args ($($a:tt)*)) => { calls!(@list $($a)*) };
    (@list $($name:tt : $kind:ident $(($($p:tt)*))?),* $(,)?) => {
        &[$($crate::table::Arg {
            name: stringify!($name),
            kind: $crate::table::Kind::$kind $(($($p)*))?,
        }),*]
    };
    (@ret) => { $crate::decode::Ret::Int };
    (@ret $r:ident) => { $crate::decode::Ret::$r };
    (@ret $r:ident($f:path)) => { $crate::decode::Ret::$r($f) };
    (@render [$($a:tt)*];) => { $crate::table::Render::Raw };
    (@render ($($a:tt)*);) => { $crate::table::Render::Plain };
    (@render $a:tt; $code:expr) => { $crate::table::Render::Code($code) };
}

#[cfg(target_arch = "x86_64")]
mod x86_64;
#[cfg(target_arch = "x86_64")]
use x86_64::LIST;

/// Every call of the architecture, in number order.
pub static CALLS: &[Call] = LIST;

/// Numbers up to the largest one in the table.
const LEN: usize = max_nr() + 1;

const fn max_nr() -> usize {
    let mut max = 0;
    let mut i = 0;
    while i < LIST.len() {
        let nr = LIST[i].sysno.id() as usize;
        if nr > max {
            max = nr;
        }
        i += 1;
    }
    max
}

const NO_CALL: u16 = u16::MAX;

/// Index into [`CALLS`] by call number.
static BY_NR: [u16; LEN] = by_nr();

const fn by_nr() -> [u16; LEN] {
    let mut t = [NO_CALL; LEN];
    let mut i = 0;
    while i < LIST.len() {
        let c = &LIST[i];
        assert!(c.args.len() <= MAX_ARGS, "more arguments than registers");
        assert!(t[c.sysno.id() as usize] == NO_CALL, "a call has two lines");
        t[c.sysno.id() as usize] = i as u16;
        i += 1;
    }
    t
}

/// The line of the call numbered `nr`.
pub fn by_number(nr: u64) -> Option<&'static Call> {
    let i = *BY_NR.get(usize::try_from(nr).ok()?)?;
    CALLS.get(i as usize)
}

/// The line of `sysno`.
pub fn call(sysno: Sysno) -> Option<&'static Call> {
    by_number(sysno.id() as u64)
}

/// A path argument: its index, and the index of the directory descriptor
/// it is relative to (`*at` calls), if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PathArg {
    pub index: usize,
    pub dirfd: Option<usize>,
}

/// Most path arguments a call has (rename has two).
const MAX_PATHS: usize = 2;

#[derive(Clone, Copy)]
struct Paths {
    args: [PathArg; MAX_PATHS],
    len: usize,
}

const NO_PATH: PathArg = PathArg { index: 0, dirfd: None };

/// The path arguments of each call, by number.
static PATHS: [Paths; LEN] = paths();

const fn paths() -> [Paths; LEN] {
    let mut t = [Paths { args: [NO_PATH; MAX_PATHS], len: 0 }; LEN];
    let mut i = 0;
    while i < LIST.len() {
        let c = &LIST[i];
        let slot = &mut t[c.sysno.id() as usize];
        let mut a = 0;
        while a < c.args.len() {
            if let Kind::Path = c.args[a].kind {
                let dirfd = if a > 0 && matches!(c.args[a - 1].kind, Kind::Dirfd) {
                    Some(a - 1)
                } else {
                    None
                };
                assert!(slot.len < MAX_PATHS, "more path arguments than MAX_PATHS");
                slot.args[slot.len] = PathArg { index: a, dirfd };
                slot.len += 1;
            }
            a += 1;
        }
        i += 1;
    }
    t
}

/// The path arguments of the call numbered `nr` (none for an unknown number).
pub fn path_args(nr: u64) -> &'static [PathArg] {
    match usize::try_from(nr).ok().and_then(|n| PATHS.get(n)) {
        Some(p) => p.args.split_at(p.len).0,
        None => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_call_has_one_line_in_number_order() {
        // Not Sysno::iter(): in syscalls 0.8.1 it stops before the last
        // call (file_setattr).
        let mut n = 0;
        for s in (0..=Sysno::last().id() as usize).filter_map(Sysno::new) {
            assert_eq!(CALLS.iter().filter(|c| c.sysno == s).count(), 1, "{}", s.name());
            assert!(call(s).is_some_and(|c| c.sysno == s), "{}", s.name());
            n += 1;
        }
        assert_eq!(n, Sysno::count());
        assert_eq!(CALLS.len(), n);
        assert!(CALLS.windows(2).all(|w| w[0].sysno < w[1].sysno));
    }

    #[test]
    fn path_arguments() {
        let p = |s: Sysno| path_args(s.id() as u64).to_vec();
        let plain = |index| PathArg { index, dirfd: None };
        let at = |dirfd, index| PathArg { index, dirfd: Some(dirfd) };
        assert_eq!(p(Sysno::open), [plain(0)]);
        assert_eq!(p(Sysno::chroot), [plain(0)]);
        assert_eq!(p(Sysno::utime), [plain(0)]);
        assert_eq!(p(Sysno::lsetxattr), [plain(0)]);
        assert_eq!(p(Sysno::openat), [at(0, 1)]);
        assert_eq!(p(Sysno::openat2), [at(0, 1)]);
        assert_eq!(p(Sysno::rename), [plain(0), plain(1)]);
        assert_eq!(p(Sysno::renameat2), [at(0, 1), at(2, 3)]);
        // symlink's target is text, not a path the kernel looks up.
        assert_eq!(p(Sysno::symlink), [plain(1)]);
        assert_eq!(p(Sysno::symlinkat), [at(1, 2)]);
        assert_eq!(p(Sysno::inotify_add_watch), [plain(1)]);
        // getcwd's buffer is filled by the kernel.
        assert_eq!(p(Sysno::getcwd), []);
        assert_eq!(p(Sysno::read), []);
        assert_eq!(path_args(100_000), []);
    }
}
