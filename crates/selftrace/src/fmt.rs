//! Fixed-size line formatting for the trap path: no allocation.

/// A line built on the stack; text past the capacity is cut.
pub struct Line {
    buf: [u8; 512],
    len: usize,
}

impl Default for Line {
    fn default() -> Line {
        Line::new()
    }
}

impl Line {
    pub const fn new() -> Line {
        Line { buf: [0; 512], len: 0 }
    }

    pub fn push_bytes(&mut self, b: &[u8]) {
        let n = b.len().min(self.buf.len() - self.len);
        self.buf[self.len..self.len + n].copy_from_slice(&b[..n]);
        self.len += n;
    }

    pub fn push_str(&mut self, s: &str) {
        self.push_bytes(s.as_bytes());
    }

    pub fn push_u64(&mut self, mut v: u64) {
        let mut d = [0u8; 20];
        let mut i = d.len();
        loop {
            i -= 1;
            d[i] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        self.push_bytes(&d[i..]);
    }

    pub fn push_i64(&mut self, v: i64) {
        if v < 0 {
            self.push_str("-");
        }
        self.push_u64(v.unsigned_abs());
    }

    pub fn push_hex(&mut self, mut v: u64) {
        let mut d = [0u8; 16];
        let mut i = d.len();
        loop {
            i -= 1;
            d[i] = b"0123456789abcdef"[(v & 15) as usize];
            v >>= 4;
            if v == 0 {
                break;
            }
        }
        self.push_str("0x");
        self.push_bytes(&d[i..]);
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

#[cfg(test)]
mod tests {
    use super::Line;

    #[test]
    fn formats_numbers() {
        let mut l = Line::new();
        l.push_i64(-38);
        l.push_str(" ");
        l.push_u64(0);
        l.push_str(" ");
        l.push_hex(0xdead);
        l.push_str(" ");
        l.push_i64(i64::MIN);
        assert_eq!(l.as_bytes(), b"-38 0 0xdead -9223372036854775808");
    }

    #[test]
    fn cuts_instead_of_overflowing() {
        let mut l = Line::new();
        for _ in 0..100 {
            l.push_str("0123456789");
        }
        assert_eq!(l.as_bytes().len(), 512);
    }
}
