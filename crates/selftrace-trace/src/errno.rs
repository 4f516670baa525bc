//! Errors as strace prints them: `ENOENT (No such file or directory)`,
//! with the C library's own message text.

use std::sync::OnceLock;

use crate::out::Out;

/// Highest errno with a message (`EHWPOISON`).
const LAST: usize = 133;

static MESSAGES: OnceLock<Vec<&'static str>> = OnceLock::new();

/// Copy the C library's messages while allocation is still allowed (at
/// install), in the C locale the program has not yet left.
pub fn prepare() {
    MESSAGES.get_or_init(|| {
        (0..=LAST as i32)
            .map(|e| {
                // SAFETY: strerror returns a valid C string; it is copied
                // before any other call could overwrite its buffer.
                let s = unsafe { std::ffi::CStr::from_ptr(libc::strerror(e)) };
                &*String::leak(s.to_string_lossy().into_owned())
            })
            .collect()
    });
}

/// `ENAME`, or the number for an errno without a name.
pub fn name(errno: i32) -> Option<&'static str> {
    syscalls::Errno::new(errno).name()
}

/// The C library's message for `errno` (`No such file or directory`).
pub fn message(errno: i32) -> Option<&'static str> {
    MESSAGES.get().and_then(|m| m.get(errno as usize)).copied()
}

/// `ENAME (message)`, as strace writes after `= -1 `.
pub fn write(out: &mut Out, errno: i32) {
    match name(errno) {
        Some(n) => out.str(n),
        None => out.dec(errno as i64),
    }
    if let Some(msg) = message(errno) {
        out.str(" (");
        out.str(msg);
        out.str(")");
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_and_c_library_messages() {
        super::prepare();
        let mut buf = [0u8; 128];
        let mut out = super::Out::new(&mut buf);
        super::write(&mut out, libc::ENOENT);
        assert_eq!(out.as_bytes(), b"ENOENT (No such file or directory)");
    }
}
