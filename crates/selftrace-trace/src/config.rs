//! The tracer's configuration and its form in the environment.
//!
//! The preload reads it from `SELFTRACE_*` variables; the CLI parses its
//! strace-style options into the same [`Config`] and hands it to the
//! preload through the same variables, so both faces behave alike.

use std::fmt;

use crate::inject::InjectError;
use crate::select::{SelectError, Selection, Status};

/// `-t`, `-tt`, `-ttt`, `-r`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Timestamps {
    #[default]
    None,
    /// `-t`: wall-clock time of day, to the second.
    Seconds,
    /// `-tt`: time of day with microseconds.
    Micros,
    /// `-ttt`: seconds since the epoch with microseconds.
    Epoch,
    /// `-r`: time since the previous call's entry in the same process.
    Relative,
}

/// strace's text, or one JSON object per line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Strace,
    Json,
}

/// `-c` (table only) and `-C` (trace and table).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Summary {
    #[default]
    Off,
    Only,
    WithTrace,
}

/// Everything that decides what the tracer prints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// Calls shown (`-e trace=`).
    pub trace: Selection,
    /// The `-e trace=` expressions as given, passed on to exec'd programs.
    pub trace_exprs: Vec<String>,
    /// Outcomes shown (`-e status=`, `-z`, `-Z`).
    pub status: Status,
    pub status_expr: Option<String>,
    /// `-s`.
    pub string_limit: usize,
    /// `-y`.
    pub fd_paths: bool,
    /// `-T`.
    pub durations: bool,
    /// `-x`, `-xx`, `--strings-in-hex=`.
    pub strings_in_hex: crate::out::StringStyle,
    /// `-n`: `[ NR] ` before each call.
    pub syscall_numbers: bool,
    /// `-i`: `[IP] ` before each call.
    pub instruction_pointers: bool,
    /// `-a`: the column results are aligned on.
    pub result_column: usize,
    pub timestamps: Timestamps,
    pub format: Format,
    /// `-f`: threads and child processes are traced too.
    pub follow: bool,
    pub summary: Summary,
    /// `-U`: the columns of the `-c` table.
    pub columns: crate::summary::Columns,
    /// `-q`: no messages about the tracer itself (static binaries, setuid).
    pub quiet: bool,
    /// `-qq`, `-e quiet=exit`: no `+++ exited with N +++` lines.
    pub quiet_exit: bool,
    /// `-e signal=SET`: the signals whose `--- SIG... ---` lines show
    /// (bit n-1 for signal n).
    pub signals: u64,
    pub signal_expr: Option<String>,
    /// Each call also goes to the collector as a JSON event, for its
    /// timeline (`--perfetto`).
    pub events: bool,
    /// Injection rules and rewrites, as text (`inject=...`, `fault=...`,
    /// `deny=...`, `rewrite=path:...`), checked when set.
    pub inject: Vec<String>,
    /// `--seed`: the seed of `prob=` choices.
    pub seed: u64,
    /// Print nothing at all (the preload injecting without tracing).
    pub silent: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            trace: Selection::all(),
            trace_exprs: Vec::new(),
            status: Status::default(),
            status_expr: None,
            string_limit: 32,
            fd_paths: false,
            durations: false,
            strings_in_hex: crate::out::StringStyle::Octal,
            syscall_numbers: false,
            instruction_pointers: false,
            result_column: crate::sink::RESULT_COLUMN,
            timestamps: Timestamps::None,
            format: Format::Strace,
            follow: false,
            summary: Summary::Off,
            columns: crate::summary::Columns::default(),
            quiet: false,
            quiet_exit: false,
            signals: u64::MAX,
            signal_expr: None,
            events: false,
            inject: Vec::new(),
            seed: 0,
            silent: false,
        }
    }
}

/// The environment variables, in the order they are documented.
pub mod var {
    /// The `-e trace=` expression; several may be joined with `;`.
    pub const TRACE: &str = "SELFTRACE_TRACE";
    pub const STATUS: &str = "SELFTRACE_STATUS";
    pub const STRSIZE: &str = "SELFTRACE_STRSIZE";
    /// `t`, `tt`, `ttt` or `r`.
    pub const TIMESTAMPS: &str = "SELFTRACE_TIMESTAMPS";
    /// `strace` or `json`.
    pub const FORMAT: &str = "SELFTRACE_FORMAT";
    /// `only` (`-c`) or `with-trace` (`-C`).
    pub const SUMMARY: &str = "SELFTRACE_SUMMARY";
    /// `-S`: the table's sort key.
    pub const SORT: &str = "SELFTRACE_SORT";
    /// `-U`: the table's columns, as strace names them.
    pub const COLUMNS: &str = "SELFTRACE_COLUMNS";
    /// Injection rules, one per line (`inject=...`, `fault=...`,
    /// `deny=...`, `rewrite=path:FROM=TO`).
    pub const INJECT: &str = "SELFTRACE_INJECT";
    /// The seed of `prob=` choices (a number).
    pub const SEED: &str = "SELFTRACE_SEED";
    /// Flags, each `1` to switch on: `-y`, `-T`, `-f`, `-q`, `-n`, `-i`.
    pub const FD_PATHS: &str = "SELFTRACE_FD_PATHS";
    pub const DURATIONS: &str = "SELFTRACE_DURATIONS";
    pub const FOLLOW: &str = "SELFTRACE_FOLLOW";
    pub const QUIET: &str = "SELFTRACE_QUIET";
    /// `-x` (`non-ascii`), `-xx` (`all`), or `non-ascii-chars`.
    pub const STRINGS_IN_HEX: &str = "SELFTRACE_STRINGS_IN_HEX";
    pub const SYSCALL_NUMBERS: &str = "SELFTRACE_SYSCALL_NUMBERS";
    pub const INSTRUCTION_POINTERS: &str = "SELFTRACE_INSTRUCTION_POINTERS";
    /// `-qq`: no `+++ exited with N +++` lines.
    pub const QUIET_EXIT: &str = "SELFTRACE_QUIET_EXIT";
    /// `-e signal=SET`.
    pub const SIGNALS: &str = "SELFTRACE_SIGNALS";
    /// `-a`: the column results are aligned on (default 40).
    pub const COLUMN: &str = "SELFTRACE_COLUMN";
    /// Set by the CLI with `--perfetto`: each call also as a JSON event.
    pub const EVENTS: &str = "SELFTRACE_EVENTS";
    /// A file the preload appends lines to (default: standard error).
    pub const OUTPUT: &str = "SELFTRACE_OUTPUT";
    /// Set by the CLI: `/proc/PID/fd/N:INODE`, the pipe of the CLI's
    /// collector, which then writes the trace (see [`crate::sink`]).
    pub const COLLECTOR: &str = "SELFTRACE_COLLECTOR";
    /// Set by the CLI with `-c`/`-C`: a path to the shared `-c` counters
    /// (see [`crate::summary::SharedTable`]), mapped by every traced
    /// process so that its counts outlive it.
    pub const COUNTERS: &str = "SELFTRACE_COUNTERS";
    /// Without `-f`: the one process traced; other processes that load
    /// the preload leave themselves untraced.
    pub const ROOT_PID: &str = "SELFTRACE_ROOT_PID";
}

/// A configuration value that could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The variable (or option) at fault.
    pub source: String,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.source, self.message)
    }
}

impl std::error::Error for ConfigError {}

impl ConfigError {
    fn new(source: &str, message: impl fmt::Display) -> ConfigError {
        ConfigError { source: source.to_string(), message: message.to_string() }
    }
}

impl From<(&str, SelectError)> for ConfigError {
    fn from((source, e): (&str, SelectError)) -> ConfigError {
        ConfigError::new(source, e)
    }
}

impl Config {
    /// Read the configuration from variables (`get` is usually
    /// `std::env::var`); unset variables keep their defaults.
    pub fn from_vars(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let mut c = Config::default();
        if let Some(t) = get(var::TRACE) {
            c.set_trace(t.split(';').filter(|s| !s.is_empty()).map(str::to_string).collect())
                .map_err(|e| ConfigError::from((var::TRACE, e)))?;
        }
        if let Some(s) = get(var::STATUS) {
            c.set_status(&s).map_err(|e| ConfigError::from((var::STATUS, e)))?;
        }
        if let Some(s) = get(var::STRSIZE) {
            c.string_limit = parse_strsize(&s).map_err(|m| ConfigError::new(var::STRSIZE, m))?;
        }
        if let Some(t) = get(var::TIMESTAMPS) {
            c.timestamps = match t.as_str() {
                "" => Timestamps::None,
                "t" => Timestamps::Seconds,
                "tt" => Timestamps::Micros,
                "ttt" => Timestamps::Epoch,
                "r" => Timestamps::Relative,
                other => {
                    return Err(ConfigError::new(
                        var::TIMESTAMPS,
                        format_args!("invalid value '{other}' (t, tt, ttt or r)"),
                    ))
                }
            };
        }
        if let Some(f) = get(var::FORMAT) {
            c.format = match f.as_str() {
                "strace" | "" => Format::Strace,
                "json" => Format::Json,
                other => {
                    return Err(ConfigError::new(
                        var::FORMAT,
                        format_args!("invalid value '{other}' (strace or json)"),
                    ))
                }
            };
        }
        if let Some(s) = get(var::SUMMARY) {
            c.summary = match s.as_str() {
                "" => Summary::Off,
                "only" => Summary::Only,
                "with-trace" => Summary::WithTrace,
                other => {
                    return Err(ConfigError::new(
                        var::SUMMARY,
                        format_args!("invalid value '{other}' (only or with-trace)"),
                    ))
                }
            };
        }
        if let Some(columns) = get(var::COLUMNS) {
            c.columns = crate::summary::Columns::parse(&columns)
                .map_err(|m| ConfigError::new(var::COLUMNS, format_args!("{m}")))?;
        }
        if let Some(seed) = get(var::SEED) {
            c.seed = seed
                .parse()
                .map_err(|_| ConfigError::new(var::SEED, format_args!("invalid seed '{seed}'")))?;
        }
        if let Some(rules) = get(var::INJECT) {
            c.set_inject(
                rules.lines().filter(|l| !l.trim().is_empty()).map(str::to_string).collect(),
            )
            .map_err(|m| ConfigError::new(var::INJECT, m))?;
        }
        c.fd_paths = flag(&get, var::FD_PATHS)?;
        c.durations = flag(&get, var::DURATIONS)?;
        c.follow = flag(&get, var::FOLLOW)?;
        c.quiet = flag(&get, var::QUIET)?;
        c.events = flag(&get, var::EVENTS)?;
        c.quiet_exit = flag(&get, var::QUIET_EXIT)?;
        if let Some(signals) = get(var::SIGNALS) {
            c.set_signals(&signals).map_err(|m| ConfigError::new(var::SIGNALS, m))?;
        }
        c.syscall_numbers = flag(&get, var::SYSCALL_NUMBERS)?;
        c.instruction_pointers = flag(&get, var::INSTRUCTION_POINTERS)?;
        if let Some(style) = get(var::STRINGS_IN_HEX) {
            c.strings_in_hex = crate::out::StringStyle::parse(&style).ok_or_else(|| {
                ConfigError::new(
                    var::STRINGS_IN_HEX,
                    format_args!("invalid value '{style}' (non-ascii, all or non-ascii-chars)"),
                )
            })?;
        }
        if let Some(column) = get(var::COLUMN) {
            c.result_column = column.parse().map_err(|_| {
                ConfigError::new(var::COLUMN, format_args!("invalid column '{column}'"))
            })?;
        }
        Ok(c)
    }

    /// The variables that reproduce this configuration (defaults left out).
    pub fn to_vars(&self) -> Vec<(&'static str, String)> {
        let mut v = Vec::new();
        v.push((
            var::TRACE,
            if self.trace_exprs.is_empty() {
                "all".to_string()
            } else {
                self.trace_exprs.join(";")
            },
        ));
        if let Some(s) = &self.status_expr {
            v.push((var::STATUS, s.clone()));
        }
        if self.string_limit != 32 {
            v.push((var::STRSIZE, self.string_limit.to_string()));
        }
        let ts = match self.timestamps {
            Timestamps::None => None,
            Timestamps::Seconds => Some("t"),
            Timestamps::Micros => Some("tt"),
            Timestamps::Epoch => Some("ttt"),
            Timestamps::Relative => Some("r"),
        };
        if let Some(ts) = ts {
            v.push((var::TIMESTAMPS, ts.to_string()));
        }
        if self.format == Format::Json {
            v.push((var::FORMAT, "json".to_string()));
        }
        match self.summary {
            Summary::Off => {}
            Summary::Only => v.push((var::SUMMARY, "only".to_string())),
            Summary::WithTrace => v.push((var::SUMMARY, "with-trace".to_string())),
        }
        if let Some(signals) = &self.signal_expr {
            v.push((var::SIGNALS, signals.clone()));
        }
        if self.strings_in_hex != crate::out::StringStyle::Octal {
            v.push((var::STRINGS_IN_HEX, self.strings_in_hex.name().to_string()));
        }
        if self.result_column != crate::sink::RESULT_COLUMN {
            v.push((var::COLUMN, self.result_column.to_string()));
        }
        if self.columns != crate::summary::Columns::default() {
            v.push((var::COLUMNS, self.columns.spec()));
        }
        if !self.inject.is_empty() {
            v.push((var::INJECT, self.inject.join("\n")));
        }
        if self.seed != 0 {
            v.push((var::SEED, self.seed.to_string()));
        }
        for (on, name) in [
            (self.fd_paths, var::FD_PATHS),
            (self.durations, var::DURATIONS),
            (self.follow, var::FOLLOW),
            (self.quiet, var::QUIET),
            (self.events, var::EVENTS),
            (self.quiet_exit, var::QUIET_EXIT),
            (self.syscall_numbers, var::SYSCALL_NUMBERS),
            (self.instruction_pointers, var::INSTRUCTION_POINTERS),
        ] {
            if on {
                v.push((name, "1".to_string()));
            }
        }
        v
    }

    /// Set the signals shown from a `-e signal=` expression.
    pub fn set_signals(&mut self, expr: &str) -> Result<(), String> {
        self.signals = crate::decode::parse_signal_set(expr)?;
        self.signal_expr = Some(expr.to_string());
        Ok(())
    }

    /// Whether `--- SIG ---` lines of signal `signo` show.
    pub fn shows_signal(&self, signo: i32) -> bool {
        (1..=64).contains(&signo) && self.signals & (1 << (signo - 1)) != 0
    }

    /// Set the calls shown from `-e trace=` expressions.
    pub fn set_trace(&mut self, exprs: Vec<String>) -> Result<(), SelectError> {
        self.trace = Selection::parse(exprs.iter().map(String::as_str))?;
        self.trace_exprs = exprs;
        Ok(())
    }

    /// Set the injection rules, checking each.
    pub fn set_inject(&mut self, rules: Vec<String>) -> Result<(), InjectError> {
        crate::inject::Injector::parse(rules.iter().map(String::as_str), self.seed).map(drop)?;
        self.inject = rules;
        Ok(())
    }

    /// The injector the rules describe (`None` when there are none).
    pub fn injector(&self) -> Option<crate::inject::Injector> {
        let inj = crate::inject::Injector::parse(self.inject.iter().map(String::as_str), self.seed)
            .ok()?;
        (!inj.is_empty()).then_some(inj)
    }

    pub fn set_status(&mut self, expr: &str) -> Result<(), SelectError> {
        self.status = Status::parse(expr)?;
        self.status_expr = Some(expr.to_string());
        Ok(())
    }

    /// Whether call lines are printed at all (not with `-c`).
    pub fn prints_calls(&self) -> bool {
        self.summary != Summary::Only && !self.silent
    }
}

/// `-s N`: a non-negative number.
pub fn parse_strsize(s: &str) -> Result<usize, String> {
    s.parse::<usize>().map_err(|_| format!("invalid string size '{s}'"))
}

fn flag(get: &impl Fn(&str) -> Option<String>, name: &str) -> Result<bool, ConfigError> {
    match get(name).as_deref() {
        None | Some("") | Some("0") => Ok(false),
        Some("1") => Ok(true),
        Some(other) => {
            Err(ConfigError::new(name, format_args!("invalid value '{other}' (0 or 1)")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn from(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> =
            pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_vars(|k| map.get(k).cloned())
    }

    #[test]
    fn round_trips_through_variables() {
        let mut c = Config::default();
        c.set_trace(vec!["openat,close".into(), "!close".into()]).unwrap();
        c.set_status("failed").unwrap();
        c.string_limit = 64;
        c.timestamps = Timestamps::Micros;
        c.format = Format::Json;
        c.summary = Summary::WithTrace;
        c.fd_paths = true;
        c.follow = true;
        c.seed = 42;
        c.set_inject(vec![
            "inject=openat:error=EACCES:path=/etc/*".into(),
            "rewrite=path:/a=/b".into(),
        ])
        .unwrap();
        let vars = c.to_vars();
        let map: HashMap<&str, String> = vars.into_iter().collect();
        let back = Config::from_vars(|k| map.get(k).cloned()).unwrap();
        assert_eq!(back, c);
    }

    #[test]
    fn bad_values_name_the_variable() {
        assert_eq!(
            from(&[("SELFTRACE_STRSIZE", "x")]).unwrap_err().to_string(),
            "SELFTRACE_STRSIZE: invalid string size 'x'"
        );
        assert_eq!(
            from(&[("SELFTRACE_TRACE", "opn")]).unwrap_err().to_string(),
            "SELFTRACE_TRACE: invalid system call 'opn'"
        );
        assert!(from(&[("SELFTRACE_FOLLOW", "yes")]).is_err());
        assert!(from(&[("SELFTRACE_FORMAT", "xml")]).is_err());
        assert_eq!(from(&[]).unwrap(), Config::default());
    }
}
