//! `selftrace [options] -- PROG ARGS`: strace's interface over the preload.

mod cli;

use clap::CommandFactory;

fn main() {
    let args = match cli::args::Args::command()
        .try_get_matches()
        .and_then(|m| cli::args::Args::from_matches(&m))
    {
        Ok(a) => a,
        Err(e) => cli::exit_on_parse_error(e),
    };
    if let Some(text) = args.generated() {
        use std::io::Write;
        let _ = std::io::stdout().write_all(&text);
        return;
    }
    let plan = match args.plan() {
        Ok(p) => p,
        Err(message) => cli::die(&message, 2),
    };
    match cli::launch::run(plan) {
        Ok(cli::launch::Ending::Exited(code)) => std::process::exit(code),
        Ok(cli::launch::Ending::Killed { signal }) => cli::die_like(signal),
        Err(f) => cli::die(&f.message, f.exit_code),
    }
}
