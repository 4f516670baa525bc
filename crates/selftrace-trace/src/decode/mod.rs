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

pub(crate) mod desc;
pub(crate) mod fs;
pub(crate) mod ioctl;
pub(crate) mod mem;
pub(crate) mod net;
pub(crate) mod process;
pub(crate) mod signal;
pub(crate) mod stat;
pub(crate) mod sys;
#[cfg(test)]
mod tests;
pub(crate) mod time;

pub use signal::{parse_signal_set, signal_name, signal_number, write_siginfo, write_signal};

use crate::out::Out;
use crate::table::{self, Kind as ArgKind, Render};
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
    /// Arguments offered so far, written or not.
    offered: usize,
    /// Arguments from this position on are not written (see
    /// [`render_entry`]).
    upto: usize,
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
        Writer {
            out,
            cx,
            args: [NO_ARG; MAX_ARGS],
            count: 0,
            ret: Ret::Int,
            offered: 0,
            upto: usize::MAX,
        }
    }

    /// Whether the next argument is past the cut of [`render_entry`]: it
    /// is counted, not read or written.
    fn skip_next(&mut self) -> bool {
        let skip = self.offered >= self.upto;
        if skip {
            self.offered += 1;
        }
        skip
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
        if self.skip_next() {
            return;
        }
        self.offered += 1;
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

    /// A directory descriptor of the `*at` calls: `AT_FDCWD` (with `-y`,
    /// `AT_FDCWD</cwd>`, as strace) or a descriptor.
    pub fn dirfd(&mut self, name: &'static str, raw: u64) {
        if raw as i32 == libc::AT_FDCWD {
            let fd_paths = self.cx.fd_paths;
            self.arg(name, Kind::Text, raw, |o| {
                o.str("AT_FDCWD");
                let mut cwd = [0u8; PATH_MAX];
                if let (true, Some(n)) = (fd_paths, working_directory(&mut cwd)) {
                    o.byte(b'<');
                    o.bytes(&cwd[..n]);
                    o.byte(b'>');
                }
            });
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
        if self.offered >= self.upto {
            return self.arg(name, Kind::Pointer, addr, |_| {});
        }
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
        if self.offered >= self.upto {
            return self.arg(name, Kind::Pointer, addr, |_| {});
        }
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

/// The working directory (getcwd(2)), without its NUL.
fn working_directory(buf: &mut [u8]) -> Option<usize> {
    let args = [buf.as_mut_ptr() as u64, buf.len() as u64];
    // SAFETY: `buf` is writable for its length.
    let n = unsafe { selftrace::raw::syscall(selftrace::raw::Sysno::getcwd, &args) }.ok()?;
    Some((n as usize).saturating_sub(1))
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
plain!(libc::winsize, libc::timespec, libc::timeval, libc::itimerval, libc::rusage, libc::utsname);
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

/// The line of the table for `info`'s call, if the call is known and not
/// in the i386 numbering.
fn table_call(info: &SyscallInfo) -> Option<&'static table::Call> {
    if info.abi == Abi::I386 {
        return None;
    }
    table::by_number(info.nr & !selftrace::info::X32_SYSCALL_BIT)
}

/// Render the arguments of `info` into `out`: from the kinds of the
/// table, through the call's decoder, or as hex values when it has none.
pub fn render(out: &mut Out, info: &SyscallInfo, cx: Context) -> Rendered {
    let mut w = Writer::new(out, cx);
    match table_call(info) {
        Some(&table::Call { render: Render::Plain, args, ret, .. }) => {
            w.returns(ret);
            for (i, a) in args.iter().enumerate() {
                plain(&mut w, info, a, i);
            }
        }
        Some(&table::Call { render: Render::Code(decode), ret, .. }) => {
            w.returns(ret);
            decode(&mut w, info);
        }
        _ => {
            for (i, a) in table::raw(arg_count(info)).iter().enumerate() {
                w.hex(a.name, arg(info, i));
            }
        }
    }
    w.finish()
}

/// The part of a call's line known at its entry: the arguments before
/// position `upto` (in the order they are printed), each followed by
/// `, `, or all of them when `upto` is past the last. Later arguments are
/// neither read nor written; a decoder whose first argument is past the
/// cut is not run. Returns whether any argument was left out.
pub fn render_entry(out: &mut Out, info: &SyscallInfo, cx: Context, upto: usize) -> bool {
    if upto == 0 {
        return true;
    }
    let mut w = Writer::new(out, cx);
    w.upto = upto;
    let more = match table_call(info) {
        Some(&table::Call { render: Render::Plain, args, .. }) => {
            for (i, a) in args.iter().enumerate().take(upto) {
                plain(&mut w, info, a, i);
            }
            args.len() > upto
        }
        Some(&table::Call { render: Render::Code(decode), .. }) => {
            decode(&mut w, info);
            w.offered > upto
        }
        _ => {
            let n = arg_count(info);
            for (i, a) in table::raw(n).iter().enumerate().take(upto) {
                w.hex(a.name, arg(info, i));
            }
            n > upto
        }
    };
    if more && w.count > 0 {
        w.out.str(", ");
    }
    more
}

/// Argument `i` of the call (0 past the sixth).
fn arg(info: &SyscallInfo, i: usize) -> u64 {
    info.args.get(i).copied().unwrap_or(0)
}

/// Write argument `i` as its kind says.
fn plain(w: &mut Writer, info: &SyscallInfo, a: &table::Arg, i: usize) {
    let (name, v) = (a.name, arg(info, i));
    match a.kind {
        ArgKind::Fd => w.fd(name, v),
        ArgKind::Dirfd => w.dirfd(name, v),
        ArgKind::Path | ArgKind::Target => w.path(name, v),
        ArgKind::Str => w.cstr(name, v),
        ArgKind::Int => w.int(name, int(v)),
        ArgKind::Long => w.int(name, v as i64),
        ArgKind::UInt => w.uint(name, uint(v)),
        ArgKind::ULong => w.uint(name, v),
        ArgKind::Hex => w.hex(name, v),
        ArgKind::Xint => w.text(name, uint(v), |o| o.hex0(uint(v))),
        ArgKind::Xlong => w.text(name, v, |o| o.hex0(v)),
        ArgKind::Ptr => w.ptr(name, v),
        ArgKind::Mode => w.text(name, v, |o| o.oct(v & 0xffff)),
        ArgKind::Id => w.text(name, v, |o| id(o, v)),
        ArgKind::Signal => w.text(name, v, |o| write_signal(o, v as i32)),
        ArgKind::Bytes => w.bytes(name, v, arg(info, i + 1)),
        ArgKind::OutBytes if info.is_error() => w.ptr(name, v),
        ArgKind::OutBytes => w.bytes(name, v, info.rval as u64),
        ArgKind::Flags(t, unknown) => w.text(name, v, |o| o.flags_or_unknown(uint(v), t, unknown)),
        ArgKind::Enum(t, unknown) => w.text(name, uint(v), |o| o.value(uint(v), t, unknown)),
        ArgKind::Custom(f) => f(w, info, name, i),
    }
}

/// How many arguments strace prints for a call it does not decode.
fn arg_count(info: &SyscallInfo) -> usize {
    match (info.abi, table::by_number(info.nr)) {
        (Abi::X86_64, Some(c)) => c.args.len(),
        _ => MAX_ARGS,
    }
}

// ---------------------------------------------------------------------------
// Renderings the decoders share

/// An `int` argument given in a 64-bit register: strace uses the low half.
fn int(v: u64) -> i64 {
    v as i32 as i64
}

/// An `unsigned int` argument.
fn uint(v: u64) -> u64 {
    v as u32 as u64
}

/// `len` bytes at `addr` as a quoted string cut at `limit`; the address
/// when unreadable.
fn quoted_mem(o: &mut Out, addr: u64, len: u64, limit: usize) {
    let mut buf = [0u8; PATH_MAX];
    let shown = (len.min(limit as u64) as usize).min(buf.len());
    let Some(b) = buf.get_mut(..shown) else { return o.ptr(addr) };
    if addr == 0 && len > 0 || selftrace::mem::read(addr, b).is_err() {
        return o.ptr(addr);
    }
    o.quoted(b, len > shown as u64);
}

/// An array of `count` `T`s at `addr`, as `[a, b, ...]`: at most `limit`
/// elements (strace cuts arrays at `-s` too), each rendered by `each`.
/// An element that cannot be read ends the array with `...`.
fn array<T: Plain>(
    o: &mut Out,
    addr: u64,
    count: u64,
    limit: usize,
    mut each: impl FnMut(&mut Out, u64, &T),
) {
    o.byte(b'[');
    let size = std::mem::size_of::<T>() as u64;
    let mut i = 0u64;
    while i < count {
        if i > 0 {
            o.str(", ");
        }
        if i >= limit as u64 {
            o.str("...");
            break;
        }
        let at = addr.wrapping_add(i.wrapping_mul(size));
        match read_struct::<T>(at) {
            Some(v) => each(o, i, &v),
            None => {
                o.str("...");
                break;
            }
        }
        i += 1;
    }
    o.byte(b']');
}

/// Whether `array` can show anything at `addr`: NULL and unreadable
/// arrays print as their address.
fn array_readable<T: Plain>(addr: u64, count: u64) -> bool {
    addr != 0 && (count == 0 || read_struct::<T>(addr).is_some())
}

/// Write an array argument, or its address when it cannot be read.
fn array_arg<T: Plain>(
    w: &mut Writer,
    name: &'static str,
    addr: u64,
    count: u64,
    each: impl FnMut(&mut Out, u64, &T),
) {
    if !array_readable::<T>(addr, count) {
        return w.ptr(name, addr);
    }
    let limit = w.context().string_limit;
    w.text(name, addr, |o| array(o, addr, count, limit, each));
}

/// An output structure: shown when the call succeeded and it can be read,
/// otherwise its address (`NULL` for 0), as strace does.
fn out_struct<T: Plain>(
    w: &mut Writer,
    info: &SyscallInfo,
    name: &'static str,
    addr: u64,
    body: impl FnOnce(&mut Out, &T),
) {
    if info.is_error() {
        return w.ptr(name, addr);
    }
    in_struct(w, name, addr, body);
}

/// An input structure: shown whenever it can be read.
fn in_struct<T: Plain>(
    w: &mut Writer,
    name: &'static str,
    addr: u64,
    body: impl FnOnce(&mut Out, &T),
) {
    match (addr != 0).then(|| read_struct::<T>(addr)).flatten() {
        Some(v) => w.text(name, addr, |o| body(o, &v)),
        None => w.ptr(name, addr),
    }
}

/// `[value]` of an `int` in memory (`FIONREAD`, `ioctl` arguments).
fn int_ref(w: &mut Writer, name: &'static str, addr: u64, shown: bool) {
    if !shown {
        return w.ptr(name, addr);
    }
    in_struct::<i32>(w, name, addr, |o, v| {
        o.byte(b'[');
        o.dec(*v as i64);
        o.byte(b']');
    });
}

fn field_dec(o: &mut Out, name: &str, v: i64) {
    o.str(name);
    o.byte(b'=');
    o.dec(v);
}

fn field_udec(o: &mut Out, name: &str, v: u64) {
    o.str(name);
    o.byte(b'=');
    o.udec(v);
}

/// Whether what the kernel wrote to output pointers can be shown.
fn wrote(info: &SyscallInfo) -> bool {
    !info.is_error()
}

/// `T` at `addr` through `f`, `NULL`, or the address if unreadable.
fn at<T: Plain>(o: &mut Out, addr: u64, f: impl FnOnce(&mut Out, &T)) {
    if addr == 0 {
        return o.str("NULL");
    }
    match read_struct::<T>(addr) {
        Some(v) => f(o, &v),
        None => o.hex(addr),
    }
}

/// An output pointer: decoded when the call succeeded, else its address.
fn out_at<T: Plain>(o: &mut Out, info: &SyscallInfo, addr: u64, f: impl FnOnce(&mut Out, &T)) {
    if wrote(info) {
        at(o, addr, f);
    } else {
        o.ptr(addr);
    }
}

/// `[N]`: an `int` the kernel stored.
fn int_in_brackets(o: &mut Out, v: &i32) {
    o.byte(b'[');
    o.dec(*v as i64);
    o.byte(b']');
}

/// A uid or gid: `-1` for the "unchanged" value, else unsigned.
fn id(o: &mut Out, v: u64) {
    let v = v as u32;
    if v == u32::MAX {
        o.str("-1");
    } else {
        o.udec(v as u64);
    }
}

/// Everything after `= ` for a finished call.
pub fn write_return(out: &mut Out, info: &SyscallInfo, rendered: &Rendered, cx: &Context) {
    if let Some(errno) = info.errno() {
        out.str("-1 ");
        crate::errno::write(out, errno.into_raw());
        return;
    }
    match rendered.ret {
        Ret::Int => out.dec(info.rval),
        Ret::Hex => out.hex(info.rval as u64),
        Ret::Fd => fd(out, info.rval as i32, cx),
        Ret::Custom(f) => f(out, info, cx),
    }
}
