//! Arguments and return values of system calls, rendered as strace renders
//! them (strace(1), "-s", "-y"; the per-call formats follow strace's
//! output). Each domain has its own module holding its decoders and flag
//! tables; this module holds the [`Writer`] they all write through and the
//! dispatch from a call number to its decoder.
//!
//! Everything here runs on the trap path: no allocation, memory of the
//! program read only through [`selftrace::mem`], so a bad pointer prints as an
//! address instead of faulting.

/// A table of named values for [`Out::flags`] and [`Out::value`]:
/// `flags![O_CREAT, (O_LARGEFILE, "O_LARGEFILE")]` is
/// `[(libc::O_CREAT as u64, "O_CREAT"), (O_LARGEFILE, "O_LARGEFILE")]`; values
/// the libc crate lacks are written as pairs.
macro_rules! flags {
    (@one ($v:expr, $n:expr)) => { ($v, $n) };
    (@one $n:ident) => { (libc::$n as u64, stringify!($n)) };
    ($($item:tt),* $(,)?) => { [$(flags!(@one $item)),*] };
}

mod file;
mod net;
mod process;
mod signal;

pub use signal::{signal_name, write_siginfo, write_signal};

use crate::out::Out;
use selftrace::info::{Abi, SyscallInfo};

/// The knobs of rendering that come from the user's options.
#[derive(Clone, Copy, Debug)]
pub struct Context {
    /// `-s`: most bytes of a string argument shown (strace's default is 32).
    pub string_limit: usize,
    /// `-y`: print `fd<path>` instead of `fd`.
    pub fd_paths: bool,
}

impl Default for Context {
    fn default() -> Context {
        Context { string_limit: 32, fd_paths: false }
    }
}

/// What an argument is, for renderings other than strace's text (JSON).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A number, written in decimal.
    Int,
    /// An address: hex, or `NULL`.
    Pointer,
    /// A file descriptor, possibly with `<path>` after it.
    Fd,
    /// Bytes of program memory shown as a quoted string: `shown` bytes
    /// from `addr`, and `more` when strace would print `...` after it.
    Str { addr: u64, shown: u32, more: bool },
    /// Anything else: a constant, a flag set, a structure, an array.
    Text,
}

/// One rendered argument: its name in the man page, its kind, the span of
/// its text in the line, and the raw register value.
#[derive(Clone, Copy, Debug)]
pub struct Arg {
    pub name: &'static str,
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
    pub raw: u64,
}

/// How the return value is printed after `= ` when the call succeeded.
#[derive(Clone, Copy)]
pub enum Ret {
    /// Decimal (most calls).
    Int,
    /// Hex: calls returning addresses (`mmap`, `brk`).
    Hex,
    /// A new file descriptor: decimal, with `<path>` under `-y`.
    Fd,
    /// Decimal, then text written by the function (`= 1 ([{fd=3, ...}])`,
    /// `= 0x2 (flags O_RDWR)`): the function writes everything after `= `.
    Custom(fn(&mut Out, &SyscallInfo, &Context)),
}

/// A decoder: renders the arguments of one call through the writer.
pub type Decoder = fn(&mut Writer, &SyscallInfo);

/// Most arguments a call has.
pub const MAX_ARGS: usize = 6;

/// Where a decoder writes: arguments go into the line one by one, each
/// remembered with its kind so other output formats can use it.
pub struct Writer<'o, 'b> {
    out: &'o mut Out<'b>,
    cx: Context,
    args: [Arg; MAX_ARGS],
    count: usize,
    ret: Ret,
}

/// The arguments of a call as rendered, and how to print its return value.
#[derive(Clone, Copy)]
pub struct Rendered {
    pub args: [Arg; MAX_ARGS],
    pub count: usize,
    pub ret: Ret,
}

impl Rendered {
    pub fn args(&self) -> &[Arg] {
        &self.args[..self.count]
    }
}

const NO_ARG: Arg = Arg { name: "", kind: Kind::Int, start: 0, end: 0, raw: 0 };

/// Longest path read for a path argument (strace prints paths whole, up
/// to PATH_MAX, whatever `-s` says).
pub const PATH_MAX: usize = 4096;

/// Stack buffer for strings cut at `-s` (32 by default). Zeroing a
/// PATH_MAX buffer for every traced `read`/`write` was about 1% of the
/// cost of a traced call (perf, `dd bs=1`); paths and `-s` above this
/// still get the large one.
const SMALL_BUF: usize = 256;

impl<'o, 'b> Writer<'o, 'b> {
    pub fn new(out: &'o mut Out<'b>, cx: Context) -> Writer<'o, 'b> {
        Writer { out, cx, args: [NO_ARG; MAX_ARGS], count: 0, ret: Ret::Int }
    }

    pub fn context(&self) -> &Context {
        &self.cx
    }

    /// Set how the return value is printed.
    pub fn returns(&mut self, ret: Ret) {
        self.ret = ret;
    }

    pub fn finish(self) -> Rendered {
        Rendered { args: self.args, count: self.count, ret: self.ret }
    }

    /// Write one argument: `body` renders it into the line.
    pub fn arg(&mut self, name: &'static str, kind: Kind, raw: u64, body: impl FnOnce(&mut Out)) {
        if self.count > 0 {
            self.out.str(", ");
        }
        let start = self.out.len();
        body(self.out);
        if self.count < MAX_ARGS {
            self.args[self.count] = Arg { name, kind, start, end: self.out.len(), raw };
            self.count += 1;
        }
    }

    /// Signed decimal (callers cast 32-bit `int` arguments through `i32`).
    pub fn int(&mut self, name: &'static str, v: i64) {
        self.arg(name, Kind::Int, v as u64, |o| o.dec(v));
    }

    pub fn uint(&mut self, name: &'static str, v: u64) {
        self.arg(name, Kind::Int, v, |o| o.udec(v));
    }

    /// Hex, for masks and numbers strace shows in hex.
    pub fn hex(&mut self, name: &'static str, v: u64) {
        self.arg(name, Kind::Text, v, |o| o.hex(v));
    }

    pub fn ptr(&mut self, name: &'static str, v: u64) {
        self.arg(name, Kind::Pointer, v, |o| o.ptr(v));
    }

    /// A descriptor argument; `-y` adds `<path>`.
    pub fn fd(&mut self, name: &'static str, raw: u64) {
        let cx = self.cx;
        self.arg(name, Kind::Fd, raw, |o| fd(o, raw as i32, &cx));
    }

    /// A directory descriptor of the `*at` calls: `AT_FDCWD` or a descriptor.
    pub fn dirfd(&mut self, name: &'static str, raw: u64) {
        if raw as i32 == libc::AT_FDCWD {
            self.arg(name, Kind::Text, raw, |o| o.str("AT_FDCWD"));
        } else {
            self.fd(name, raw);
        }
    }

    /// A NUL-terminated path, shown whole; an unreadable pointer as hex.
    pub fn path(&mut self, name: &'static str, addr: u64) {
        self.cstr_limited(name, addr, PATH_MAX);
    }

    /// A NUL-terminated string cut at `-s`.
    pub fn cstr(&mut self, name: &'static str, addr: u64) {
        let limit = self.cx.string_limit;
        self.cstr_limited(name, addr, limit);
    }

    fn cstr_limited(&mut self, name: &'static str, addr: u64, limit: usize) {
        if addr == 0 {
            return self.arg(name, Kind::Pointer, 0, |o| o.str("NULL"));
        }
        let want = (limit + 1).min(PATH_MAX + 1);
        let (mut small, mut large);
        let buf: &mut [u8] = if want <= SMALL_BUF {
            small = [0u8; SMALL_BUF];
            &mut small[..want]
        } else {
            large = [0u8; PATH_MAX + 1];
            &mut large[..want]
        };
        match selftrace::mem::read_cstr(addr, buf) {
            Ok(n) => {
                let shown = n.min(limit);
                let more = n > limit;
                let kind = Kind::Str { addr, shown: shown as u32, more };
                self.arg(name, kind, addr, |o| o.quoted(&buf[..shown], more));
            }
            Err(_) => self.ptr(name, addr),
        }
    }

    /// `len` bytes of a buffer at `addr`, cut at `-s` with `...`.
    pub fn bytes(&mut self, name: &'static str, addr: u64, len: u64) {
        let limit = self.cx.string_limit;
        let shown = (len as usize).min(limit);
        let shown = shown.min(PATH_MAX);
        if addr == 0 && len > 0 {
            return self.ptr(name, addr);
        }
        let (mut small, mut large);
        let buf: &mut [u8] = if shown <= SMALL_BUF {
            small = [0u8; SMALL_BUF];
            &mut small[..shown]
        } else {
            large = [0u8; PATH_MAX];
            &mut large[..shown]
        };
        match selftrace::mem::read(addr, buf) {
            Ok(()) => {
                let more = len as usize > shown;
                let kind = Kind::Str { addr, shown: shown as u32, more };
                self.arg(name, kind, addr, |o| o.quoted(buf, more));
            }
            Err(_) => self.ptr(name, addr),
        }
    }

    /// A constant or flag set, structure or array: anything strace shows as
    /// text that is not one of the kinds above.
    pub fn text(&mut self, name: &'static str, raw: u64, body: impl FnOnce(&mut Out)) {
        self.arg(name, Kind::Text, raw, body);
    }
}

/// Write a descriptor, with `<path>` under `-y` when it has one.
pub fn fd(out: &mut Out, fd: i32, cx: &Context) {
    out.dec(fd as i64);
    if cx.fd_paths && fd >= 0 {
        let mut path = [0u8; PATH_MAX];
        if let Some(n) = fd_path(fd, &mut path) {
            out.byte(b'<');
            out.bytes(&path[..n]);
            out.byte(b'>');
        }
    }
}

/// The path of a descriptor the current call is closing, read at entry
/// (after the call the descriptor no longer has one).
struct Closing {
    /// The descriptor plus one; 0 when no path is kept.
    fd_plus_one: std::cell::Cell<i32>,
    len: std::cell::Cell<usize>,
    /// Set while `path` is being written or read (a nested call on the
    /// same thread leaves it alone).
    busy: std::cell::Cell<bool>,
    path: std::cell::UnsafeCell<[u8; PATH_MAX]>,
}

// SAFETY: integers, a bool and bytes: zero is "nothing kept".
unsafe impl selftrace::thread::Zeroed for Closing {}

static CLOSING: selftrace::thread::ThreadLocal<Closing> = selftrace::thread::ThreadLocal::new();

impl Closing {
    /// Run `f` on the path buffer unless a caller further up this thread has it.
    fn with_path<R>(&self, f: impl FnOnce(&mut [u8; PATH_MAX]) -> Option<R>) -> Option<R> {
        if self.busy.replace(true) {
            return None;
        }
        // SAFETY: `busy` makes this the only reference to the buffer.
        let r = f(unsafe { &mut *self.path.get() });
        self.busy.set(false);
        r
    }
}

/// At entry of a call that closes `fd`: keep its path for the line.
pub fn remember_fd_path(fd: i32) {
    let _ = CLOSING.with(|c| {
        let len = c.with_path(|p| read_fd_link(fd, &mut p[..]));
        c.fd_plus_one.set(if len.is_some() { fd.wrapping_add(1) } else { 0 });
        c.len.set(len.unwrap_or(0));
    });
}

/// After the line is written: the kept path no longer applies.
pub fn forget_fd_path() {
    let _ = CLOSING.with(|c| c.fd_plus_one.set(0));
}

/// The path of `fd`: kept from the call's entry, or read now.
pub fn fd_path(fd: i32, buf: &mut [u8]) -> Option<usize> {
    let copied = CLOSING.with(|c| {
        if fd < 0 || c.fd_plus_one.get() != fd.wrapping_add(1) {
            return None;
        }
        let n = c.len.get().min(buf.len());
        c.with_path(|p| {
            buf[..n].copy_from_slice(p.get(..n)?);
            Some(n)
        })
    });
    copied.flatten().or_else(|| read_fd_link(fd, buf))
}

/// What `/proc/self/fd/N` links to, read through the gate.
fn read_fd_link(fd: i32, buf: &mut [u8]) -> Option<usize> {
    let mut name = [0u8; 32];
    let mut o = Out::new(&mut name);
    o.str("/proc/self/fd/");
    o.udec(fd as u64);
    o.byte(0);
    let args =
        [libc::AT_FDCWD as u64, name.as_ptr() as u64, buf.as_mut_ptr() as u64, buf.len() as u64];
    // SAFETY: `name` is NUL-terminated and `buf` is writable for its length.
    let n = unsafe { selftrace::raw::syscall(selftrace::raw::Sysno::readlinkat, &args) }.ok()?;
    Some(n as usize)
}

/// Plain C data: a type for which every pattern of `size_of::<Self>()`
/// bytes is a valid value, so that it can be read from program memory.
///
/// # Safety
///
/// Implement only for types without invalid bit patterns: integers, raw
/// pointers, and arrays and `#[repr(C)]` structures of those (no `bool`,
/// `char`, enums, references, `NonNull` or function pointers).
pub unsafe trait Plain: Copy {}

/// `Plain` for C structures and integers: each is integers, raw pointers
/// or arrays of those.
macro_rules! plain {
    ($($t:ty),* $(,)?) => {
        $(
            // SAFETY: the type holds only integers, raw pointers and arrays
            // of those, for which every bit pattern is valid.
            unsafe impl Plain for $t {}
        )*
    };
}

plain!(u8, u16, u32, u64, i32, i64);
plain!(libc::stat, libc::statx, libc::iovec, libc::pollfd, libc::epoll_event, libc::flock);
plain!(libc::winsize, libc::timespec, libc::timeval, libc::rusage, libc::utsname);
plain!(libc::sysinfo, libc::msghdr, libc::stack_t);

// SAFETY: an array of plain values is plain: its bytes are the elements'.
unsafe impl<T: Plain, const N: usize> Plain for [T; N] {}

/// Read a `T` from program memory; `None` when the pointer is bad.
pub fn read_struct<T: Plain>(addr: u64) -> Option<T> {
    let mut v = std::mem::MaybeUninit::<T>::uninit();
    // SAFETY: the slice covers exactly the bytes of `v`, which is only
    // assumed initialised after `mem::read` filled all of them; `T: Plain`
    // makes any bytes a valid `T`.
    unsafe {
        let bytes =
            std::slice::from_raw_parts_mut(v.as_mut_ptr() as *mut u8, std::mem::size_of::<T>());
        selftrace::mem::read(addr, bytes).ok()?;
        Some(v.assume_init())
    }
}

/// The decoder for a call, if one is written; `None` means the generic
/// rendering (hex arguments).
pub fn decoder(abi: Abi, nr: u64) -> Option<Decoder> {
    if abi == Abi::I386 {
        return None;
    }
    let nr = nr & !selftrace::info::X32_SYSCALL_BIT;
    let sysno = selftrace::Sysno::new(nr as usize)?;
    file::decoder(sysno).or_else(|| process::decoder(sysno)).or_else(|| net::decoder(sysno))
}

/// Render the arguments of `info` into `out`: through its decoder, or as
/// `count` hex values when it has none.
pub fn render(out: &mut Out, info: &SyscallInfo, cx: Context) -> Rendered {
    let mut w = Writer::new(out, cx);
    match decoder(info.abi, info.nr) {
        Some(decode) => decode(&mut w, info),
        None => {
            for (i, &a) in info.args.iter().take(arg_count(info)).enumerate() {
                w.hex(GENERIC_NAMES[i], a);
            }
        }
    }
    w.finish()
}

const GENERIC_NAMES: [&str; MAX_ARGS] = ["arg1", "arg2", "arg3", "arg4", "arg5", "arg6"];

/// How many arguments strace prints for a call it does not decode.
fn arg_count(info: &SyscallInfo) -> usize {
    match (info.abi, selftrace::Sysno::new(info.nr as usize)) {
        (Abi::X86_64, Some(s)) => crate::classes::arg_count(s),
        _ => MAX_ARGS,
    }
}

/// Everything after `= ` for a finished call.
pub fn write_return(out: &mut Out, info: &SyscallInfo, rendered: &Rendered, cx: &Context) {
    if let Some(errno) = info.errno() {
        out.str("-1 ");
        crate::errno::write(out, errno);
        return;
    }
    match rendered.ret {
        Ret::Int => out.dec(info.rval),
        Ret::Hex => out.hex(info.rval as u64),
        Ret::Fd => fd(out, info.rval as i32, cx),
        Ret::Custom(f) => f(out, info, cx),
    }
}
