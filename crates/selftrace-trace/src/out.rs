//! The text writer every trace line is built in: a caller-provided buffer,
//! no allocation, text past the end cut. Also strace's renderings of the
//! values every decoder shares (quoted strings, flag sets, numbers).

use std::sync::atomic::{AtomicU8, Ordering};

/// How strings are quoted: strace's `-x`, `-xx`, `--strings-in-hex=`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(u8)]
pub enum StringStyle {
    /// Escapes in octal (`\377`), strace's default.
    #[default]
    Octal = 0,
    /// `-x`, `non-ascii`: a string with any byte that needs an escape is
    /// written wholly in `\xNN`.
    HexNonAscii = 1,
    /// `-xx`, `all`: every string wholly in `\xNN`.
    HexAll = 2,
    /// `non-ascii-chars`: escapes in hex (`\xff`), the rest as is.
    HexEscapes = 3,
}

impl StringStyle {
    /// strace's `--strings-in-hex=` names.
    pub fn parse(name: &str) -> Option<StringStyle> {
        Some(match name {
            "none" => StringStyle::Octal,
            "non-ascii" => StringStyle::HexNonAscii,
            "all" => StringStyle::HexAll,
            "non-ascii-chars" => StringStyle::HexEscapes,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            StringStyle::Octal => "none",
            StringStyle::HexNonAscii => "non-ascii",
            StringStyle::HexAll => "all",
            StringStyle::HexEscapes => "non-ascii-chars",
        }
    }
}

/// The process's string style, set once when the tracer is made.
static STRING_STYLE: AtomicU8 = AtomicU8::new(0);

pub fn set_string_style(style: StringStyle) {
    STRING_STYLE.store(style as u8, Ordering::Relaxed);
}

fn string_style() -> StringStyle {
    match STRING_STYLE.load(Ordering::Relaxed) {
        1 => StringStyle::HexNonAscii,
        2 => StringStyle::HexAll,
        3 => StringStyle::HexEscapes,
        _ => StringStyle::Octal,
    }
}

/// Whether strace writes byte `c` of a string as is or as a named
/// escape (`\n`), rather than as a numeric one.
fn has_own_form(c: u8) -> bool {
    matches!(c, 0x20..=0x7e | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// A line under construction in a fixed buffer (usually on the stack).
pub struct Out<'a> {
    buf: &'a mut [u8],
    len: usize,
}

impl<'a> Out<'a> {
    pub fn new(buf: &'a mut [u8]) -> Out<'a> {
        Out { buf, len: 0 }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether the buffer filled up and later text was cut.
    pub fn is_full(&self) -> bool {
        self.len == self.buf.len()
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    /// The text written since `start` (a value of [`Out::len`]).
    pub fn since(&self, start: usize) -> &[u8] {
        &self.buf[start.min(self.len)..self.len]
    }

    /// Drop everything after the first `len` bytes.
    pub fn truncate(&mut self, len: usize) {
        self.len = self.len.min(len);
    }

    pub fn bytes(&mut self, b: &[u8]) {
        let n = b.len().min(self.buf.len() - self.len);
        self.buf[self.len..self.len + n].copy_from_slice(&b[..n]);
        self.len += n;
    }

    pub fn str(&mut self, s: &str) {
        self.bytes(s.as_bytes());
    }

    pub fn byte(&mut self, b: u8) {
        self.bytes(&[b]);
    }

    /// Pad with spaces up to `column` (counted from the start of the buffer).
    pub fn pad_to(&mut self, column: usize) {
        while self.len < column && !self.is_full() {
            self.byte(b' ');
        }
    }

    pub fn udec(&mut self, v: u64) {
        self.radix(v, 10, 0);
    }

    pub fn dec(&mut self, v: i64) {
        if v < 0 {
            self.byte(b'-');
        }
        self.udec(v.unsigned_abs());
    }

    /// Decimal with at least `width` digits, zero-padded (timestamps).
    pub fn udec_width(&mut self, v: u64, width: usize) {
        self.radix(v, 10, width);
    }

    /// `0x` and lowercase hex digits, as strace prints addresses and masks.
    pub fn hex(&mut self, v: u64) {
        self.str("0x");
        self.radix(v, 16, 0);
    }

    /// Octal with a leading `0` (`0644`), or `000` for zero as strace
    /// prints modes.
    pub fn oct(&mut self, v: u64) {
        self.byte(b'0');
        self.radix(v, 8, 2);
    }

    /// C's `%#x`: `0` for zero, else `0x` and hex digits.
    pub fn hex0(&mut self, v: u64) {
        if v == 0 {
            self.byte(b'0');
        } else {
            self.hex(v);
        }
    }

    /// A pointer argument: `NULL` or hex.
    pub fn ptr(&mut self, v: u64) {
        if v == 0 {
            self.str("NULL");
        } else {
            self.hex(v);
        }
    }

    fn radix(&mut self, mut v: u64, radix: u64, width: usize) {
        let mut d = [0u8; 24];
        let mut i = d.len();
        loop {
            i -= 1;
            d[i] = b"0123456789abcdef"[(v % radix) as usize];
            v /= radix;
            if v == 0 && d.len() - i >= width {
                break;
            }
        }
        self.bytes(&d[i..]);
    }

    /// `bytes` as a C string literal the way strace quotes it: printable
    /// ASCII as is, `\t \n \v \f \r \" \\`, anything else in octal (three
    /// digits when an octal digit follows, so the escape cannot swallow it),
    /// or in hex as [`StringStyle`] says.
    /// `more` appends strace's `...` for a string cut at `-s`.
    pub fn quoted(&mut self, bytes: &[u8], more: bool) {
        let style = string_style();
        let all_hex = match style {
            StringStyle::HexAll => true,
            StringStyle::HexNonAscii => !bytes.iter().all(|&c| has_own_form(c)),
            _ => false,
        };
        self.byte(b'"');
        for (i, &c) in bytes.iter().enumerate() {
            if all_hex || (style == StringStyle::HexEscapes && !has_own_form(c)) {
                self.str("\\x");
                self.radix(c as u64, 16, 2);
                continue;
            }
            match c {
                b'"' => self.str("\\\""),
                b'\\' => self.str("\\\\"),
                b'\t' => self.str("\\t"),
                b'\n' => self.str("\\n"),
                0x0b => self.str("\\v"),
                0x0c => self.str("\\f"),
                b'\r' => self.str("\\r"),
                0x20..=0x7e => self.byte(c),
                _ => {
                    self.byte(b'\\');
                    // Three digits only before an octal digit, which a
                    // shorter escape would swallow ("\08" is NUL, then 8).
                    let next_is_octal = bytes.get(i + 1).is_some_and(|d| (b'0'..=b'7').contains(d));
                    self.radix(c as u64, 8, if next_is_octal { 3 } else { 1 });
                }
            }
        }
        self.byte(b'"');
        if more {
            self.str("...");
        }
    }

    /// A bit set as strace prints it: known flags joined by `|`, unknown
    /// bits as a trailing hex value, `0` when nothing is set. `table`
    /// entries whose value is 0 are ignored here (see [`Out::value_flags`]).
    pub fn flags(&mut self, v: u64, table: &[(u64, &str)]) {
        let start = self.len;
        let mut rest = v;
        for &(bit, name) in table {
            if bit != 0 && rest & bit == bit {
                if self.len != start {
                    self.byte(b'|');
                }
                self.str(name);
                rest &= !bit;
            }
        }
        if rest != 0 || self.len == start {
            if self.len != start {
                self.byte(b'|');
            }
            if self.len == start && rest == 0 {
                self.byte(b'0');
            } else {
                self.hex(rest);
            }
        }
    }

    /// A flag set as strace prints most of them: like [`Out::flags`], but
    /// when no bit is known, the hex value and `/* X_??? */`.
    pub fn flags_or_unknown(&mut self, v: u64, table: &[(u64, &str)], unknown: &str) {
        if v != 0 && table.iter().all(|&(bit, _)| bit == 0 || v & bit != bit) {
            self.hex(v);
            self.str(" /* ");
            self.str(unknown);
            self.str(" */");
        } else {
            self.flags(v, table);
        }
    }

    /// One of several values, or the number in `%#x` with `/* NAME_??? */`
    /// if unknown (strace's style for unrecognised constants).
    pub fn value(&mut self, v: u64, table: &[(u64, &str)], unknown: &str) {
        match table.iter().find(|&&(x, _)| x == v) {
            Some(&(_, name)) => self.str(name),
            None => {
                self.hex0(v);
                self.str(" /* ");
                self.str(unknown);
                self.str(" */");
            }
        }
    }

    /// A value in the low bits (`mask`) named from `values`, then flag bits
    /// from `flags` (open's access mode, socket's type): `O_RDONLY|O_CLOEXEC`.
    pub fn value_flags(
        &mut self,
        v: u64,
        mask: u64,
        values: &[(u64, &str)],
        flags: &[(u64, &str)],
    ) {
        match values.iter().find(|&&(x, _)| x == v & mask) {
            Some(&(_, name)) => self.str(name),
            None => self.hex(v & mask),
        }
        let rest = v & !mask;
        if rest != 0 {
            self.byte(b'|');
            self.flags(rest, flags);
        }
    }
}

/// `write!` into a line: core's formatting allocates nothing, so fixed
/// point numbers (`{:11.6}`) can be written on the trap path.
impl core::fmt::Write for Out<'_> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        self.str(s);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Out;

    fn render(f: impl FnOnce(&mut Out)) -> String {
        let mut buf = [0u8; 256];
        let mut out = Out::new(&mut buf);
        f(&mut out);
        String::from_utf8(out.as_bytes().to_vec()).unwrap()
    }

    #[test]
    fn numbers() {
        assert_eq!(render(|o| o.dec(-38)), "-38");
        assert_eq!(render(|o| o.dec(i64::MIN)), "-9223372036854775808");
        assert_eq!(render(|o| o.hex(0xdead)), "0xdead");
        assert_eq!(render(|o| o.oct(0o644)), "0644");
        assert_eq!(render(|o| o.oct(0)), "000");
        assert_eq!(render(|o| o.ptr(0)), "NULL");
        assert_eq!(render(|o| o.udec_width(7, 6)), "000007");
    }

    #[test]
    fn quoting_matches_strace() {
        assert_eq!(render(|o| o.quoted(b"a\"b\\c\n\t", false)), r#""a\"b\\c\n\t""#);
        assert_eq!(render(|o| o.quoted(b"\x00\x01x\x7f", false)), r#""\0\1x\177""#);
        assert_eq!(render(|o| o.quoted(b"\x001", true)), r#""\0001"..."#);
        // 8 and 9 are not octal digits: strace keeps the escape short.
        assert_eq!(render(|o| o.quoted(b"7\x008\x009", false)), r#""7\08\09""#);
    }

    #[test]
    fn flag_sets() {
        let t = [(1, "A"), (2, "B"), (8, "D")];
        assert_eq!(render(|o| o.flags(3, &t)), "A|B");
        assert_eq!(render(|o| o.flags(0, &t)), "0");
        assert_eq!(render(|o| o.flags(0x31, &t)), "A|0x30");
        assert_eq!(render(|o| o.flags(0x30, &t)), "0x30");
        let modes = [(0, "O_RDONLY"), (1, "O_WRONLY"), (2, "O_RDWR")];
        assert_eq!(
            render(|o| o.value_flags(0o2000001, 3, &modes, &[(0o2000000, "O_CLOEXEC")])),
            "O_WRONLY|O_CLOEXEC"
        );
        assert_eq!(render(|o| o.value(9, &modes, "O_???")), "0x9 /* O_??? */");
    }

    #[test]
    fn cuts_at_capacity_and_pads() {
        let mut buf = [0u8; 8];
        let mut out = Out::new(&mut buf);
        out.str("0123456789");
        assert!(out.is_full());
        assert_eq!(out.as_bytes(), b"01234567");
        assert_eq!(
            render(|o| {
                o.str("ab");
                o.pad_to(5);
                o.str("=");
            }),
            "ab   ="
        );
    }
}
