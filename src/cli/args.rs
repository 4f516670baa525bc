//! The command line: strace's options where strace has the concept, parsed
//! into the library's tracer [`Config`].

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{ArgAction, Parser};
use selftrace_trace::config::{parse_strsize, Config, Format, Summary, Timestamps};
use selftrace_trace::out::StringStyle;
use selftrace_trace::summary::{Columns, SortBy};

use crate::cli::signals::Interruptible;

#[derive(Parser, Debug)]
#[command(
    name = "selftrace",
    version,
    about = "Trace the system calls of a program from inside it (seccomp traps, no ptrace), in strace's format.",
    override_usage = "selftrace [OPTIONS] [--] PROG [ARGS]...",
    after_help = "Expressions for -e:
  trace=SET       calls to show: names, %file %process %network (%net) %signal %ipc
                  %desc %memory %creds %clock %stat %lstat %fstat %%stat %statfs
                  %fstatfs %%statfs %pure, /REGEX, ?NAME (no error if unknown), all,
                  none; a leading ! negates; -e NAME is short for -e trace=NAME
  status=SET      outcomes to show: successful failed unfinished (unavailable and
                  detached are accepted and never happen); a leading ! negates
  inject=SET:OPT[:OPT...]  tamper with calls; OPTs: error=ERRNO, retval=N, signal=SIG,
                  delay_enter=DUR, delay_exit=DUR (microseconds, or with s/ms/us/ns),
                  when=FIRST[..LAST][+[STEP]], prob=P (with --seed), path=GLOB (the
                  call's path argument, relative paths resolved; * ? [..] within a
                  component, ** across)
  fault=SET[:OPT...]       inject=SET:error=ENOSYS unless error= is given
  deny=SET[:OPT...]        inject=SET:error=EPERM unless error= is given
  rewrite=path:FROM=TO     paths at or under FROM are used under TO instead

A policy file (--policy) holds any number of rules as TOML tables:
  seed = 42
  [[inject]]                      [[deny]]                 [[rewrite]]
  calls = \"openat\"                calls = \"%network\"      from = \"/data\"
  error = \"EACCES\"                error = \"EACCES\"        to = \"/tmp/data\"
  path = \"/etc/*\"
  when = \"2+\"
Tables [[inject]], [[fault]] and [[deny]] take the inject= options as keys
(calls, error, retval, signal, delay_enter, delay_exit, when, prob, path).

The preload library does the tracing; selftrace only launches PROG with it and
collects the lines. The same settings can be given to the preload directly
through SELFTRACE_* environment variables (see the README).

Calls not seen: those the dynamic loader makes before the program starts,
rt_sigreturn and restart_syscall (they run untrapped), and calls answered by the
vDSO (clock_gettime, gettimeofday, time, getcpu). Statically linked programs, and
programs of another C library (musl), run untraced, with a note."
)]
pub struct Args {
    /// Write the trace to FILE instead of standard error.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// With -o, open FILE for appending.
    #[arg(short = 'A', long = "output-append-mode")]
    pub append: bool,

    /// With -o and -f, one file per process, FILE.PID (as -ff).
    #[arg(long = "output-separately")]
    pub output_separately: bool,

    /// Follow threads and child processes; twice (-ff) with -o: one file per process, FILE.PID.
    #[arg(short = 'f', long = "follow-forks", action = ArgAction::Count)]
    pub follow: u8,

    /// Longest string shown, in bytes (default 32); paths are shown whole.
    #[arg(short = 's', long = "string-limit", value_name = "N", value_parser = parse_strsize)]
    pub strsize: Option<usize>,

    /// A filter expression: trace=SET, status=SET, or a call name (see below).
    #[arg(short = 'e', value_name = "EXPR")]
    pub expr: Vec<String>,

    /// -e trace=SET.
    #[arg(long = "trace", value_name = "SET")]
    pub trace_set: Vec<String>,

    /// -e status=SET.
    #[arg(long = "status", value_name = "SET")]
    pub status_set: Vec<String>,

    /// -e inject=SET:OPT...
    #[arg(long = "inject", value_name = "SET:OPT")]
    pub inject_set: Vec<String>,

    /// -e fault=SET:OPT...
    #[arg(long = "fault", value_name = "SET:OPT")]
    pub fault_set: Vec<String>,

    /// Show only successful calls (-e status=successful).
    #[arg(short = 'z', long = "successful-only")]
    pub successful: bool,

    /// Show only failed calls (-e status=failed).
    #[arg(short = 'Z', long = "failed-only")]
    pub failed: bool,

    /// Count time, calls and errors per call and print a table at the end, instead of the trace.
    #[arg(short = 'c', long = "summary-only")]
    pub summary_only: bool,

    /// Like -c, and print the trace too.
    #[arg(short = 'C', long = "summary")]
    pub summary_too: bool,

    /// Sort the -c table by KEY: time (default), calls, errors, name, nothing.
    #[arg(short = 'S', long = "summary-sort-by", value_name = "KEY", value_parser = parse_sort)]
    pub sort: Option<SortBy>,

    /// The -c table's columns, comma-separated: time-percent, total-time, min-time, max-time,
    /// avg-time, calls, errors, name (strace's), and p50-time, p90-time, p99-time.
    #[arg(short = 'U', long = "summary-columns", value_name = "COLUMNS", value_parser = parse_columns)]
    pub columns: Option<Columns>,

    /// The -c table's times are wall-clock time in the call: always so in selftrace.
    #[arg(short = 'w', long = "summary-wall-clock")]
    pub wall_clock: bool,

    /// Show the time spent in each call.
    #[arg(short = 'T', long = "syscall-times")]
    pub durations: bool,

    /// Prefix lines with the time of day; -tt with microseconds; -ttt as seconds since the epoch.
    #[arg(short = 't', action = ArgAction::Count)]
    pub time: u8,

    /// Timestamps as FORMAT (time, unix, none) and PRECISION (s, us): time (-t), time,us
    /// (-tt), unix,us (-ttt).
    #[arg(long = "absolute-timestamps", value_name = "FORMAT,PRECISION", num_args = 0..=1,
          default_missing_value = "time", value_parser = parse_absolute)]
    pub absolute: Option<u8>,

    /// Prefix lines with the time since the previous call.
    #[arg(short = 'r', long = "relative-timestamps")]
    pub relative: bool,

    /// Print the paths of file descriptors: 3</etc/passwd>.
    #[arg(short = 'y', action = ArgAction::Count)]
    pub fd_paths: u8,

    /// -y: --decode-fds=path.
    #[arg(long = "decode-fds", value_name = "path", num_args = 0..=1,
          default_missing_value = "path", value_parser = ["path"])]
    pub decode_fds: Option<String>,

    /// Strings in hex: -x those with bytes that need escapes, -xx all of them.
    #[arg(short = 'x', action = ArgAction::Count)]
    pub hex: u8,

    /// Strings in hex: non-ascii (-x), all (-xx, the default), non-ascii-chars (escapes only), none.
    #[arg(long = "strings-in-hex", value_name = "WHICH", num_args = 0..=1,
          default_missing_value = "all", value_parser = parse_string_style)]
    pub strings_in_hex: Option<StringStyle>,

    /// Print each call's number: [ 257] openat(...).
    #[arg(short = 'n', long = "syscall-number")]
    pub syscall_number: bool,

    /// Print the instruction pointer after each call's syscall instruction: [00007f...] openat(...).
    #[arg(short = 'i', long = "instruction-pointer")]
    pub instruction_pointer: bool,

    /// The column results are aligned on (default 40).
    #[arg(short = 'a', long = "columns", value_name = "COLUMN")]
    pub column: Option<usize>,

    /// Put VAR=VAL in the program's environment, or (-E VAR) remove VAR from it.
    #[arg(short = 'E', long = "env", value_name = "VAR[=VAL]")]
    pub env: Vec<String>,

    /// Accepted for strace's sake: selftrace only ever stops on the calls it traces.
    #[arg(long = "seccomp-bpf")]
    pub seccomp_bpf: bool,

    /// Suppress messages about the tracer itself; -qq also the +++ exited lines.
    #[arg(short = 'q', action = ArgAction::Count)]
    pub quiet: u8,

    /// -e quiet=SET: attach, personality, thread-execve, path-resolution (messages about
    /// selftrace itself), exit (+++ exited lines), all, none; a leading ! negates.
    #[arg(long = "quiet", value_name = "SET", num_args = 0..=1,
          default_missing_value = "attach,personality")]
    pub quiet_set: Vec<String>,

    /// -e signal=SET: the signals whose --- SIG --- lines show.
    #[arg(long = "signal", value_name = "SET")]
    pub signal_set: Vec<String>,

    /// When SIGHUP, SIGINT, SIGQUIT, SIGPIPE and SIGTERM can interrupt selftrace: 1 anywhere,
    /// 2 waiting (default), 3 never (default with -o), 4 never_tstp (also ignore Ctrl-Z).
    #[arg(short = 'I', long = "interruptible", value_name = "LEVEL", value_parser = Interruptible::parse)]
    pub interruptible: Option<Interruptible>,

    /// Write one JSON object per line (named, typed arguments; errno names; pid, tid, time, duration).
    #[arg(long)]
    pub json: bool,

    /// Also write the trace as a Perfetto timeline to FILE (open it in ui.perfetto.dev).
    #[arg(long, value_name = "FILE")]
    pub perfetto: Option<PathBuf>,

    /// Seed for prob= injection: the same seed makes the same choices.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,

    /// Read injection rules from a TOML policy file (see below).
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,

    /// Print selftrace's manual page (roff) and exit: selftrace --man-page > selftrace.1
    #[arg(long = "man-page")]
    pub man_page: bool,

    /// Print a completion script for SHELL (bash, zsh, fish, elvish, powershell) and exit.
    #[arg(long = "completions", value_name = "SHELL")]
    pub completions: Option<clap_complete::Shell>,

    /// The program to run, and its arguments.
    #[arg(trailing_var_arg = true, value_name = "PROG")]
    pub command: Vec<OsString>,
}

/// `--absolute-timestamps`: the -t count it stands for.
fn parse_absolute(s: &str) -> Result<u8, String> {
    let mut format = "time";
    let mut precision = None;
    for part in s.split(',').filter(|p| !p.is_empty()) {
        let part = part.strip_prefix("format:").unwrap_or(part);
        match part.strip_prefix("precision:").unwrap_or(part) {
            f @ ("time" | "unix" | "none") => format = f,
            p @ ("s" | "ms" | "us" | "ns") => precision = Some(p),
            other => return Err(format!("unknown format or precision '{other}'")),
        }
    }
    match (format, precision) {
        ("none", _) => Ok(0),
        ("time", None | Some("s")) => Ok(1),
        ("time", Some("us")) => Ok(2),
        ("unix", Some("us")) => Ok(3),
        (f, p) => Err(format!(
            "{f} with {} precision is not supported (time,s; time,us; unix,us)",
            p.unwrap_or("s")
        )),
    }
}

/// `-e quiet=SET`: (messages about selftrace off, exit lines off).
fn parse_quiet(expr: &str) -> Result<(bool, bool), String> {
    let (negated, list) = match expr.strip_prefix('!') {
        Some(rest) => (true, rest),
        None => (false, expr),
    };
    let (mut notes, mut exit) = (false, false);
    for item in list.split(',') {
        match item {
            "attach" | "personality" | "thread-execve" | "path-resolution" | "superseded" => {
                notes = true
            }
            "exit" => exit = true,
            "all" => (notes, exit) = (true, true),
            "none" => {}
            other => return Err(format!("invalid quiet '{other}'")),
        }
    }
    Ok(if negated { (!notes, !exit) } else { (notes, exit) })
}

fn parse_string_style(s: &str) -> Result<StringStyle, String> {
    StringStyle::parse(s).ok_or_else(|| "expected non-ascii, all, non-ascii-chars or none".into())
}

fn parse_columns(s: &str) -> Result<Columns, String> {
    Columns::parse(s)
}

fn parse_sort(s: &str) -> Result<SortBy, String> {
    SortBy::parse(s).ok_or_else(|| format!("invalid sort key '{s}'"))
}

/// What the CLI needs beyond the preload's configuration.
pub struct Plan {
    pub config: Config,
    pub sort: SortBy,
    pub output: Option<PathBuf>,
    /// `-A`: open the output for appending.
    pub append: bool,
    /// `-E VAR=VAL` / `-E VAR`, in order.
    pub env: Vec<String>,
    /// `--perfetto FILE`.
    pub perfetto: Option<PathBuf>,
    /// `-ff` with `-o`: one file per process.
    pub per_process: bool,
    /// `-I`, its default chosen as strace's for a program it starts.
    pub interruptible: Interruptible,
    pub command: Vec<OsString>,
}

impl Args {
    /// The arguments from clap's matches, with the long forms of the `-e`
    /// qualifiers (`--trace=SET`) put among the `-e` expressions in the
    /// order given, since a later `trace=` replaces an earlier one.
    pub fn from_matches(m: &clap::ArgMatches) -> Result<Args, clap::Error> {
        use clap::FromArgMatches;
        let mut args = Args::from_arg_matches(m)?;
        let mut ordered: Vec<(usize, String)> = Vec::new();
        for (id, key) in [
            ("expr", ""),
            ("trace_set", "trace="),
            ("status_set", "status="),
            ("inject_set", "inject="),
            ("fault_set", "fault="),
            ("quiet_set", "quiet="),
            ("signal_set", "signal="),
        ] {
            let (Some(values), Some(indices)) = (m.get_many::<String>(id), m.indices_of(id)) else {
                continue;
            };
            ordered.extend(indices.zip(values).map(|(i, v)| (i, format!("{key}{v}"))));
        }
        ordered.sort_by_key(|(i, _)| *i);
        args.expr = ordered.into_iter().map(|(_, e)| e).collect();
        Ok(args)
    }

    /// `--man-page` or `--completions SHELL`: what to print instead of
    /// running a program.
    pub fn generated(&self) -> Option<Vec<u8>> {
        use clap::CommandFactory;
        let mut text = Vec::new();
        if self.man_page {
            let man = clap_mangen::Man::new(Args::command());
            man.render(&mut text).ok()?;
        } else if let Some(shell) = self.completions {
            clap_complete::generate(shell, &mut Args::command(), "selftrace", &mut text);
        } else {
            return None;
        }
        Some(text)
    }

    /// Check everything that can be checked before the program starts.
    pub fn plan(self) -> Result<Plan, String> {
        if self.command.is_empty() {
            return Err("must have PROG [ARGS]".into());
        }
        let mut config = Config::default();
        let mut trace = Vec::new();
        let mut status = None;
        let mut inject = Vec::new();
        let mut quiet_set: Option<(bool, bool)> = None;
        if let Some(path) = &self.policy {
            let policy = crate::cli::policy::load(path)?;
            config.seed = policy.seed.unwrap_or(0);
            inject.extend(policy.rules);
        }
        if let Some(seed) = self.seed {
            config.seed = seed;
        }
        for e in &self.expr {
            let (key, value) = e.split_once('=').unwrap_or(("trace", e.as_str()));
            match key {
                // As in strace, a later trace= replaces an earlier one.
                "trace" | "t" => trace = vec![value.to_string()],
                "status" => status = Some(value.to_string()),
                "inject" | "fault" | "deny" | "rewrite" => inject.push(e.clone()),
                "signal" | "signals" | "s" => config.set_signals(value)?,
                "quiet" | "silent" | "silence" | "q" => quiet_set = Some(parse_quiet(value)?),
                _ => {
                    return Err(format!(
                        "invalid -e qualifier '{key}' (expected trace=, status=, signal=, quiet=, inject=, fault=, deny= or rewrite=)"
                    ))
                }
            }
        }
        config.set_trace(trace).map_err(|e| e.to_string())?;
        config.set_inject(inject).map_err(|e| e.to_string())?;
        match (self.successful, self.failed, status) {
            (true, true, _) => return Err("-z and -Z cannot be used together".into()),
            (true, false, _) => config.set_status("successful"),
            (false, true, _) => config.set_status("failed"),
            (false, false, Some(s)) => config.set_status(&s),
            (false, false, None) => Ok(()),
        }
        .map_err(|e| e.to_string())?;
        config.string_limit = self.strsize.unwrap_or(32);
        config.fd_paths = self.fd_paths > 0 || self.decode_fds.is_some();
        config.strings_in_hex = self.strings_in_hex.unwrap_or(match self.hex {
            0 => StringStyle::Octal,
            1 => StringStyle::HexNonAscii,
            _ => StringStyle::HexAll,
        });
        config.syscall_numbers = self.syscall_number;
        config.instruction_pointers = self.instruction_pointer;
        if let Some(column) = self.column {
            config.result_column = column;
        }
        config.durations = self.durations;
        let time = self.absolute.unwrap_or(self.time);
        config.timestamps = match (time, self.relative) {
            (0, false) => Timestamps::None,
            (0, true) => Timestamps::Relative,
            (_, true) => return Err("-r cannot be combined with -t".into()),
            (1, _) => Timestamps::Seconds,
            (2, _) => Timestamps::Micros,
            _ => Timestamps::Epoch,
        };
        config.format = if self.json { Format::Json } else { Format::Strace };
        config.summary = match (self.summary_only, self.summary_too) {
            (true, true) => return Err("-c and -C cannot be used together".into()),
            (true, false) => Summary::Only,
            (false, true) => Summary::WithTrace,
            (false, false) => Summary::Off,
        };
        if self.json && config.summary == Summary::Only {
            return Err("--json and -c cannot be used together".into());
        }
        if self.perfetto.is_some() && config.summary == Summary::Only {
            return Err("--perfetto and -c cannot be used together (use -C)".into());
        }
        config.events = self.perfetto.is_some() && config.format != Format::Json;
        if let Some(columns) = self.columns {
            config.columns = columns;
        }
        config.follow = self.follow > 0;
        let (quiet, quiet_exit) = quiet_set.unwrap_or((self.quiet > 0, self.quiet > 1));
        config.quiet = quiet;
        config.quiet_exit = quiet_exit;
        let per_process = (self.follow >= 2 || self.output_separately) && self.output.is_some();
        for e in &self.env {
            if e.is_empty() || e.starts_with('=') {
                return Err(format!("-E '{e}': expected VAR=VAL or VAR"));
            }
        }
        let interruptible = self.interruptible.unwrap_or(if self.output.is_some() {
            Interruptible::Never
        } else {
            Interruptible::Waiting
        });
        Ok(Plan {
            interruptible,
            config,
            sort: self.sort.unwrap_or_default(),
            output: self.output,
            append: self.append,
            env: self.env,
            perfetto: self.perfetto,
            per_process,
            command: self.command,
        })
    }
}
