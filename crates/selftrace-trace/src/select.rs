//! Which calls to show: strace's `-e trace=` and `-e status=` expressions
//! (strace(1), "Filtering").
//!
//! A trace expression is a comma-separated list of syscall names,
//! `%class` names, `/regex` (matched against names), `?name` (a name that
//! may not exist), `all` and `none`; a leading `!` negates the list.

use std::fmt;

use crate::classes;
use selftrace::Sysno;

/// Every x86_64 call the table names. (`Sysno::iter` in the `syscalls`
/// crate stops one short of the last call, so numbers are walked instead.)
fn every_sysno() -> impl Iterator<Item = Sysno> {
    (0..selftrace::info::TABLE_SIZE).filter_map(Sysno::new)
}

/// A set of x86_64 system-call numbers.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Selection {
    bits: [u64; 16],
}

impl fmt::Debug for Selection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter().map(|s| s.name())).finish()
    }
}

impl Selection {
    pub const fn none() -> Selection {
        Selection { bits: [0; 16] }
    }

    /// Every call the x86_64 table names.
    pub fn all() -> Selection {
        Selection::from_iter(every_sysno())
    }

    fn from_iter(calls: impl Iterator<Item = Sysno>) -> Selection {
        let mut s = Selection::none();
        for sysno in calls {
            s.insert(sysno);
        }
        s
    }

    pub fn insert(&mut self, sysno: Sysno) {
        let nr = sysno.id() as usize;
        if let Some(w) = self.bits.get_mut(nr / 64) {
            *w |= 1 << (nr % 64);
        }
    }

    pub fn remove(&mut self, sysno: Sysno) {
        let nr = sysno.id() as usize;
        if let Some(w) = self.bits.get_mut(nr / 64) {
            *w &= !(1 << (nr % 64));
        }
    }

    /// Whether number `nr` is in the set; read on the trap path.
    pub fn contains_nr(&self, nr: u64) -> bool {
        self.bits.get((nr / 64) as usize).is_some_and(|w| w & (1 << (nr % 64)) != 0)
    }

    pub fn contains(&self, sysno: Sysno) -> bool {
        self.contains_nr(sysno.id() as u64)
    }

    pub fn is_all(&self) -> bool {
        *self == Selection::all()
    }

    pub fn is_empty(&self) -> bool {
        self.bits.iter().all(|&w| w == 0)
    }

    pub fn iter(&self) -> impl Iterator<Item = Sysno> + '_ {
        every_sysno().filter(|&s| self.contains(s))
    }

    fn union(&mut self, other: &Selection) {
        for (a, b) in self.bits.iter_mut().zip(other.bits) {
            *a |= b;
        }
    }

    fn subtract(&mut self, other: &Selection) {
        for (a, b) in self.bits.iter_mut().zip(other.bits) {
            *a &= !b;
        }
    }

    /// Parse the values of one or more `-e trace=` options, in order.
    /// Plain lists add to the set; a `!` list removes from it (from all
    /// calls when it comes first), as strace combines them.
    pub fn parse<'a>(exprs: impl IntoIterator<Item = &'a str>) -> Result<Selection, SelectError> {
        let mut set: Option<Selection> = None;
        for expr in exprs {
            let (negated, list) = match expr.strip_prefix('!') {
                Some(rest) => (true, rest),
                None => (false, expr),
            };
            let items = parse_list(list)?;
            let mut current =
                set.unwrap_or(if negated { Selection::all() } else { Selection::none() });
            if negated {
                current.subtract(&items);
            } else {
                current.union(&items);
            }
            set = Some(current);
        }
        Ok(set.unwrap_or_else(Selection::all))
    }
}

fn parse_list(list: &str) -> Result<Selection, SelectError> {
    let mut set = Selection::none();
    if list.is_empty() {
        return Err(SelectError::Empty);
    }
    for item in list.split(',') {
        set.union(&parse_item(item)?);
    }
    Ok(set)
}

fn parse_item(item: &str) -> Result<Selection, SelectError> {
    let mut set = Selection::none();
    match item {
        "" => return Err(SelectError::Empty),
        "all" => return Ok(Selection::all()),
        "none" => return Ok(set),
        _ => {}
    }
    if let Some(class) = item.strip_prefix('%') {
        let class = classes::class_by_name(class)
            .ok_or_else(|| SelectError::UnknownClass(item.to_string()))?;
        return Ok(Selection::from_iter(classes::members(class)));
    }
    if let Some(pattern) = item.strip_prefix('/') {
        let re = regex_lite::Regex::new(pattern).map_err(|e| SelectError::BadRegex {
            pattern: pattern.to_string(),
            reason: e.to_string(),
        })?;
        for sysno in every_sysno().filter(|s| re.is_match(s.name())) {
            set.insert(sysno);
        }
        return Ok(set);
    }
    let (optional, name) = match item.strip_prefix('?') {
        Some(rest) => (true, rest),
        None => (false, item),
    };
    if let Some(class) = classes::class_by_bare_name(name) {
        // strace still accepts some class names without `%`.
        return Ok(Selection::from_iter(classes::members(class)));
    }
    match name.parse::<Sysno>() {
        Ok(sysno) => set.insert(sysno),
        Err(_) if optional => {}
        Err(_) => return Err(SelectError::UnknownSyscall(name.to_string())),
    }
    Ok(set)
}

/// `-e status=`: which outcomes of a call are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Status {
    pub successful: bool,
    pub failed: bool,
    /// Calls that never return to be seen finishing (`exit_group`, an
    /// `execve` that succeeded).
    pub unfinished: bool,
}

impl Default for Status {
    fn default() -> Status {
        Status { successful: true, failed: true, unfinished: true }
    }
}

impl Status {
    /// Parse `successful,failed,...`; `all` and `none` too, and a leading `!`.
    /// strace's `unavailable` and `detached` are accepted: in-process
    /// tracing never produces those outcomes.
    pub fn parse(expr: &str) -> Result<Status, SelectError> {
        let (negated, list) = match expr.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, expr),
        };
        let mut s = Status { successful: false, failed: false, unfinished: false };
        for item in list.split(',') {
            match item {
                "successful" => s.successful = true,
                "failed" => s.failed = true,
                "unfinished" => s.unfinished = true,
                "unavailable" | "detached" => {}
                "all" => s = Status::default(),
                "none" => {}
                _ => return Err(SelectError::UnknownStatus(item.to_string())),
            }
        }
        if negated {
            s = Status { successful: !s.successful, failed: !s.failed, unfinished: !s.unfinished };
        }
        Ok(s)
    }

    pub fn shows(&self, failed: bool) -> bool {
        if failed {
            self.failed
        } else {
            self.successful
        }
    }
}

/// Why an expression was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SelectError {
    Empty,
    UnknownSyscall(String),
    UnknownClass(String),
    BadRegex { pattern: String, reason: String },
    UnknownStatus(String),
}

impl fmt::Display for SelectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SelectError::Empty => write!(f, "empty system call list"),
            SelectError::UnknownSyscall(n) => write!(f, "invalid system call '{n}'"),
            SelectError::UnknownClass(n) => write!(f, "invalid system call class '{n}'"),
            SelectError::BadRegex { pattern, reason } => {
                write!(
                    f,
                    "invalid regular expression '{pattern}': {}",
                    reason.lines().last().unwrap_or("")
                )
            }
            SelectError::UnknownStatus(n) => write!(f, "invalid status '{n}'"),
        }
    }
}

impl std::error::Error for SelectError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(s: &Selection) -> Vec<&'static str> {
        s.iter().map(|s| s.name()).collect()
    }

    #[test]
    fn names_regex_negation_and_optional() {
        assert_eq!(names(&Selection::parse(["openat,close"]).unwrap()), ["close", "openat"]);
        let re = Selection::parse(["/^getu?id$"]).unwrap();
        assert_eq!(names(&re), ["getuid"]);
        let not = Selection::parse(["!read,write"]).unwrap();
        assert!(
            !not.contains(Sysno::read)
                && !not.contains(Sysno::write)
                && not.contains(Sysno::openat)
        );
        assert_eq!(names(&Selection::parse(["?nosuchcall,read"]).unwrap()), ["read"]);
        assert!(Selection::parse(["none"]).unwrap().is_empty());
        assert!(Selection::parse([]).unwrap().is_all());
        let two = Selection::parse(["read", "write"]).unwrap();
        assert_eq!(names(&two), ["read", "write"]);
        let minus = Selection::parse(["read,write", "!write"]).unwrap();
        assert_eq!(names(&minus), ["read"]);
    }

    #[test]
    fn errors_name_the_problem() {
        assert_eq!(
            Selection::parse(["nosuch"]).unwrap_err().to_string(),
            "invalid system call 'nosuch'"
        );
        assert_eq!(
            Selection::parse(["%nosuch"]).unwrap_err().to_string(),
            "invalid system call class '%nosuch'"
        );
        assert!(matches!(Selection::parse(["/("]), Err(SelectError::BadRegex { .. })));
        assert_eq!(Selection::parse(["read,"]), Err(SelectError::Empty));
    }

    #[test]
    fn classes_with_and_without_percent() {
        let file = Selection::parse(["%file"]).unwrap();
        assert!(file.contains(Sysno::openat) && !file.contains(Sysno::read));
        assert_eq!(Selection::parse(["file"]).unwrap(), file);
        let net = Selection::parse(["%net"]).unwrap();
        assert!(net.contains(Sysno::socket));
        assert!(Selection::all().contains(Sysno::file_setattr), "the table's last call");
    }

    #[test]
    fn status_sets() {
        assert_eq!(
            Status::parse("failed").unwrap(),
            Status { successful: false, failed: true, unfinished: false }
        );
        assert_eq!(
            Status::parse("!failed").unwrap(),
            Status { successful: true, failed: false, unfinished: true }
        );
        assert!(Status::parse("bogus").is_err());
    }
}
