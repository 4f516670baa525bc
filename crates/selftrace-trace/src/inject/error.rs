//! Why a rule, pattern or rewrite text was refused.

use std::fmt;

use crate::select::SelectError;

/// An error from parsing injection texts ([`super::Rule::parse`],
/// [`super::Rewrite::parse`], [`super::Glob::new`], [`super::When::parse`],
/// [`super::Injector::parse`] and the `parse_*` helpers).
///
/// Its text is what the command line prints after `selftrace: `.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum InjectError {
    /// A path pattern with a `[` that no `]` closes.
    UnclosedClass { pattern: String },
    /// An empty path pattern.
    EmptyPattern,
    /// A `when=` expression that is not `FIRST`, `FIRST+`, `FIRST+STEP`,
    /// `FIRST..LAST` or `FIRST..LAST+STEP` with counts from 1.
    When { expr: String },
    /// A rule text without `KIND=`.
    Rule { text: String },
    /// The call set of a rule (`SET` in `inject=SET:...`).
    Calls(SelectError),
    /// An option that is not `KEY=VALUE`.
    OptionSyntax { kind: String, option: String },
    /// An option key the rule kind does not take.
    UnknownOption { kind: String, key: String },
    /// A `retval=` that is not an integer.
    Retval { value: String },
    /// A `prob=` that is not a number from 0 to 1.
    Prob { value: String },
    /// An error that is neither a known name nor a number in 1..4096.
    Errno { value: String },
    /// A signal that is neither a known name nor a number in 1..=64.
    Signal { value: String },
    /// A delay that is not a number with an optional unit.
    Delay { value: String },
    /// An `inject=` rule that would do nothing.
    NoEffect { text: String },
    /// A `fault=` or `deny=` rule given `retval=`.
    RetvalNotTaken { text: String, kind: String },
    /// A rule kind other than `inject`, `fault` or `deny`.
    UnknownKind { kind: String },
    /// [`super::Rule::enforce_in_kernel`] on a rule the kernel cannot
    /// enforce on its own.
    NotKernelEnforceable { rule: String, reason: String },
    /// A `short=` that is not a byte count of 1 or more.
    Short { value: String },
    /// `short=` on a call that transfers no byte count.
    ShortWithoutCount { call: String },
    /// A rewrite that is not `rewrite=path:FROM=TO`.
    Rewrite { text: String },
    /// A rewrite with an empty FROM or TO.
    EmptyRewrite { text: String },
}

impl fmt::Display for InjectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InjectError::UnclosedClass { pattern } => {
                write!(f, "unclosed '[' in pattern '{pattern}'")
            }
            InjectError::EmptyPattern => write!(f, "empty path pattern"),
            InjectError::When { expr } => write!(
                f,
                "invalid when= expression '{expr}' (FIRST, FIRST+, FIRST+STEP, FIRST..LAST or FIRST..LAST+STEP)"
            ),
            InjectError::Rule { text } => write!(f, "invalid rule '{text}'"),
            InjectError::Calls(e) => write!(f, "{e}"),
            InjectError::OptionSyntax { kind, option } => {
                write!(f, "invalid {kind} option '{option}' (expected KEY=VALUE)")
            }
            InjectError::UnknownOption { kind, key } => write!(f, "invalid {kind} option '{key}'"),
            InjectError::Retval { value } => write!(f, "invalid retval '{value}'"),
            InjectError::Short { value } => {
                write!(f, "invalid short '{value}' (a byte count of 1 or more)")
            }
            InjectError::ShortWithoutCount { call } => {
                write!(f, "short= takes calls with a byte count; {call} has none")
            }
            InjectError::Prob { value } => {
                write!(f, "invalid prob '{value}' (a number from 0 to 1)")
            }
            InjectError::NotKernelEnforceable { rule, reason } => {
                write!(f, "{rule} cannot be enforced by the kernel: {reason}")
            }
            InjectError::Errno { value } => write!(f, "invalid error '{value}'"),
            InjectError::Signal { value } => write!(f, "invalid signal '{value}'"),
            InjectError::Delay { value } => write!(
                f,
                "invalid delay '{value}' (microseconds, or a number with s, ms, us or ns)"
            ),
            InjectError::NoEffect { text } => write!(
                f,
                "'{text}': inject needs error=, retval=, signal=, delay_enter= or delay_exit="
            ),
            InjectError::RetvalNotTaken { text, kind } => {
                write!(f, "'{text}': {kind} takes error=, not retval=")
            }
            InjectError::UnknownKind { kind } => {
                write!(f, "invalid rule kind '{kind}' (inject, fault or deny)")
            }
            InjectError::Rewrite { text } => {
                write!(f, "invalid rewrite '{text}' (expected rewrite=path:FROM=TO)")
            }
            InjectError::EmptyRewrite { text } => {
                write!(f, "invalid rewrite '{text}': FROM and TO must not be empty")
            }
        }
    }
}

impl std::error::Error for InjectError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            // Transparent: the set's error is this one's text.
            InjectError::Calls(e) => e.source(),
            _ => None,
        }
    }
}

impl From<SelectError> for InjectError {
    fn from(e: SelectError) -> InjectError {
        InjectError::Calls(e)
    }
}
