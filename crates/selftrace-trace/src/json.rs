//! `--json`: one JSON object per line, the same facts as the strace line
//! with names and types: arguments by their man-page names, numbers as
//! numbers, strings as strings, pointers as `"0x..."` or `null`, flag sets
//! and structures as their strace text.
//!
//! Bytes the program passed (buffers, paths, argv) are a JSON string when
//! they are valid UTF-8, and `{"hex":"41ff0a"}` otherwise, so a consumer
//! gets back exactly the bytes: JSON strings hold characters, and a byte
//! 0xff written as `\u00ff` would read back as the UTF-8 "ÿ" (0xc3 0xbf).

use crate::decode::{Kind, Rendered, Ret};
use crate::out::Out;
use selftrace::info::SyscallInfo;

/// Bytes of the program: a JSON string if they are UTF-8, else their hex
/// digits in `{"hex":...}` (see the module's documentation).
pub fn data(out: &mut Out, bytes: &[u8]) {
    if std::str::from_utf8(bytes).is_ok() {
        return string(out, bytes);
    }
    out.str("{\"hex\":\"");
    for &b in bytes {
        out.byte(b"0123456789abcdef"[(b >> 4) as usize]);
        out.byte(b"0123456789abcdef"[(b & 15) as usize]);
    }
    out.str("\"}");
}

/// `bytes` as a JSON string: valid UTF-8 kept, other bytes as `\u00XX`
/// (for selftrace's own texts; the program's bytes go through [`data`]).
pub fn string(out: &mut Out, bytes: &[u8]) {
    out.byte(b'"');
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '"' => out.str("\\\""),
                '\\' => out.str("\\\\"),
                '\n' => out.str("\\n"),
                '\t' => out.str("\\t"),
                '\r' => out.str("\\r"),
                c if (c as u32) < 0x20 || c as u32 == 0x7f => escape(out, c as u32),
                c => {
                    let mut b = [0u8; 4];
                    out.str(c.encode_utf8(&mut b));
                }
            }
        }
        for &b in chunk.invalid() {
            escape(out, b as u32);
        }
    }
    out.byte(b'"');
}

fn escape(out: &mut Out, v: u32) {
    out.str("\\u00");
    out.byte(b"0123456789abcdef"[(v >> 4) as usize & 15]);
    out.byte(b"0123456789abcdef"[v as usize & 15]);
}

/// The facts of a call line besides its arguments.
pub struct CallFacts<'a> {
    pub pid: u32,
    pub tid: u32,
    /// Seconds since the epoch at entry, as `(seconds, microseconds)`.
    pub time: (u64, u32),
    /// `CLOCK_MONOTONIC` at entry, in nanoseconds: one clock for every
    /// process, exact enough to place calls on a timeline.
    pub mono_ns: u64,
    /// Nanoseconds spent in the call; `None` for calls that do not return.
    pub duration_ns: Option<u64>,
    pub name: &'a str,
    pub abi: &'a str,
}

/// Write the object for one call. `text` is the strace rendering of the
/// arguments that `rendered` describes.
pub fn call(
    out: &mut Out,
    facts: &CallFacts,
    info: &SyscallInfo,
    rendered: &Rendered,
    text: &[u8],
    finished: bool,
    marks: crate::inject::Marks,
) {
    use core::fmt::Write;
    let _ = write!(
        out,
        "{{\"type\":\"syscall\",\"pid\":{},\"tid\":{},\"time\":{}.{:06},\"mono_ns\":{},\"syscall\":",
        facts.pid, facts.tid, facts.time.0, facts.time.1, facts.mono_ns
    );
    string(out, facts.name.as_bytes());
    if facts.abi != "x86_64" {
        out.str(",\"abi\":");
        string(out, facts.abi.as_bytes());
    }
    out.str(",\"args\":{");
    for (i, a) in rendered.args().iter().enumerate() {
        if i > 0 {
            out.byte(b',');
        }
        string(out, a.name.as_bytes());
        out.byte(b':');
        let arg_text = text.get(a.start..a.end).unwrap_or(b"");
        value(out, a.kind, a.raw, arg_text);
    }
    out.byte(b'}');
    if finished {
        out.str(",\"return\":");
        match info.errno() {
            Some(e) => {
                let e = e.into_raw();
                out.str("-1,\"errno\":");
                string(out, crate::errno::name(e).unwrap_or("?").as_bytes());
                out.str(",\"error\":");
                string(out, crate::errno::message(e).unwrap_or("").as_bytes());
            }
            None => match rendered.ret {
                Ret::Hex => {
                    out.byte(b'"');
                    out.hex(info.rval as u64);
                    out.byte(b'"');
                }
                _ => out.dec(info.rval),
            },
        }
    } else {
        out.str(",\"return\":null");
    }
    if marks.injected {
        out.str(",\"injected\":true");
    }
    if marks.delayed {
        out.str(",\"delayed\":true");
    }
    if let Some(ns) = facts.duration_ns {
        let _ = write!(out, ",\"duration\":{}.{:09}", ns / 1_000_000_000, ns % 1_000_000_000);
    }
    out.str("}\n");
}

fn value(out: &mut Out, kind: Kind, raw: u64, text: &[u8]) {
    match kind {
        Kind::Int | Kind::Fd => {
            // The number is the text up to any `<path>` that -y added.
            let end = text.iter().position(|&b| b == b'<').unwrap_or(text.len());
            match text.get(..end) {
                Some(n) if !n.is_empty() && n.iter().all(|b| b.is_ascii_digit() || *b == b'-') => {
                    out.bytes(n)
                }
                _ => string(out, text),
            }
        }
        Kind::Pointer if raw == 0 => out.str("null"),
        Kind::Str { addr, shown, .. } => {
            let mut buf = [0u8; 1024];
            let n = (shown as usize).min(buf.len());
            match selftrace::mem::read(addr, &mut buf[..n]) {
                Ok(()) => data(out, &buf[..n]),
                Err(_) => string(out, text),
            }
        }
        _ => string(out, text),
    }
}

/// An event that is not a call (`exited`, `killed`).
pub fn event(out: &mut Out, kind: &str, pid: u32, tid: u32, field: &str, value: i64) {
    use core::fmt::Write;
    let _ =
        writeln!(out, "{{\"type\":\"{kind}\",\"pid\":{pid},\"tid\":{tid},\"{field}\":{value}}}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_valid_json() {
        let mut buf = [0u8; 64];
        let mut o = Out::new(&mut buf);
        string(&mut o, b"a\"\\\n\x01\xffh\xc3\xa9");
        assert_eq!(o.as_bytes(), "\"a\\\"\\\\\\n\\u0001\\u00ffhé\"".as_bytes());
    }

    #[test]
    fn the_programs_bytes_come_back_exactly() {
        let render = |b: &[u8]| {
            let mut buf = [0u8; 64];
            let mut o = Out::new(&mut buf);
            data(&mut o, b);
            String::from_utf8(o.as_bytes().to_vec()).unwrap()
        };
        assert_eq!(render(b"A\xc3\xbfB\n"), "\"AÿB\\n\"");
        assert_eq!(render(b"A\xffB\n"), "{\"hex\":\"41ff420a\"}");
    }
}
