//! Shell-style patterns for paths, matched without allocation (the match
//! runs on the trap path): `*` and `?` stay within one path component,
//! `**` crosses `/`, `[a-z]` and `[!a-z]` are classes.

use crate::inject::InjectError;

/// A checked pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Glob(Vec<u8>);

impl Glob {
    /// Check `pattern`: every `[` needs its `]`.
    pub fn new(pattern: &str) -> Result<Glob, InjectError> {
        let p = pattern.as_bytes();
        let mut i = 0;
        while i < p.len() {
            if p[i] == b'[' {
                match class_end(p, i) {
                    Some(end) => i = end,
                    None => {
                        return Err(InjectError::UnclosedClass { pattern: pattern.to_string() })
                    }
                }
            }
            i += 1;
        }
        if pattern.is_empty() {
            return Err(InjectError::EmptyPattern);
        }
        Ok(Glob(p.to_vec()))
    }

    pub fn matches(&self, path: &[u8]) -> bool {
        match_at(&self.0, path, 0)
    }
}

/// Index of the `]` closing the class opened at `start`.
fn class_end(p: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    if matches!(p.get(i), Some(b'!') | Some(b'^')) {
        i += 1;
    }
    if p.get(i) == Some(&b']') {
        i += 1;
    }
    while i < p.len() {
        if p[i] == b']' {
            return Some(i);
        }
        i += 1;
    }
    None
}

fn class_matches(class: &[u8], c: u8) -> bool {
    let (negated, body) = match class.first() {
        Some(b'!') | Some(b'^') => (true, &class[1..]),
        _ => (false, class),
    };
    let mut i = 0;
    let mut hit = false;
    while i < body.len() {
        if i + 2 < body.len() && body[i + 1] == b'-' {
            hit |= body[i] <= c && c <= body[i + 2];
            i += 3;
        } else {
            hit |= body[i] == c;
            i += 1;
        }
    }
    hit != negated
}

/// Depth of recursion is bounded by the number of `*` in the pattern.
fn match_at(p: &[u8], s: &[u8], depth: u32) -> bool {
    if depth > 64 {
        return false;
    }
    let (mut pi, mut si) = (0, 0);
    while pi < p.len() {
        match p[pi] {
            b'*' => {
                let cross = p.get(pi + 1) == Some(&b'*');
                let rest = if cross { pi + 2 } else { pi + 1 };
                let mut k = si;
                loop {
                    if match_at(&p[rest..], &s[k..], depth + 1) {
                        return true;
                    }
                    if k >= s.len() || (!cross && s[k] == b'/') {
                        return false;
                    }
                    k += 1;
                }
            }
            b'?' => {
                if si >= s.len() || s[si] == b'/' {
                    return false;
                }
                si += 1;
                pi += 1;
            }
            b'[' => {
                let Some(end) = class_end(p, pi) else { return false };
                if si >= s.len() || s[si] == b'/' || !class_matches(&p[pi + 1..end], s[si]) {
                    return false;
                }
                si += 1;
                pi = end + 1;
            }
            c => {
                if s.get(si) != Some(&c) {
                    return false;
                }
                si += 1;
                pi += 1;
            }
        }
    }
    si == s.len()
}

#[cfg(test)]
mod tests {
    use super::Glob;

    fn m(p: &str, s: &str) -> bool {
        Glob::new(p).unwrap().matches(s.as_bytes())
    }

    #[test]
    fn components_and_crossing() {
        assert!(m("/etc/*.conf", "/etc/resolv.conf"));
        assert!(!m("/etc/*.conf", "/etc/sub/x.conf"));
        assert!(m("/etc/**.conf", "/etc/sub/x.conf"));
        assert!(m("/tmp/f?le", "/tmp/file"));
        assert!(!m("/tmp/f?le", "/tmp/f/le"));
        assert!(m("/d/[a-c]x", "/d/bx") && !m("/d/[!a-c]x", "/d/bx"));
        assert!(m("*", "relative") && !m("*", "a/b"));
        assert!(m("/exact", "/exact") && !m("/exact", "/exactly"));
    }

    #[test]
    fn bad_patterns_are_refused() {
        assert!(Glob::new("/etc/[ab").is_err());
        assert!(Glob::new("").is_err());
    }
}
