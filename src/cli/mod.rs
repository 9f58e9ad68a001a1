//! The command line: argument parsing and glue. Each subcommand has its own file.

/// `println!` for the commands' output: when the reader has gone (`perimeter … | head`), the command ends
/// quietly with exit code 0 instead of panicking on its next line.
macro_rules! outln {
    () => {
        $crate::cli::out_line(format_args!(""))
    };
    ($($arg:tt)*) => {
        $crate::cli::out_line(format_args!($($arg)*))
    };
}

/// `print!` with the same care as [`outln!`].
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::out_text(format_args!($($arg)*))
    };
}

mod check;
mod common;
mod gen;
mod inputs;
mod ledger;
mod load;
mod posts;
mod scan;
mod serve;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use inputs::InputArgs;

/// Writes one line of output (see `outln!`).
pub(crate) fn out_line(args: std::fmt::Arguments<'_>) {
    out_text(format_args!("{args}\n"));
}

/// Writes output (see `out!`); a closed standard output ends the process quietly.
pub(crate) fn out_text(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_fmt(args).and_then(|()| stdout.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write to standard output: {e}");
        std::process::exit(1);
    }
}

/// perimeter — the 200-metre perimeter around schools (校园周边200米).
#[derive(Debug, Parser)]
#[command(name = "perimeter", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load inputs and print what was loaded per layer (counts, CRS, encoding, extent, skipped features).
    Load(load::LoadArgs),
    /// Find every prohibited venue and risk water body within its rule's distance of a school.
    Scan(scan::ScanArgs),
    /// Pre-licence site check: may a venue of this category open at this point?
    Check(check::CheckArgs),
    /// Generate a deterministic synthetic county, city or province.
    Gen(gen::GenArgs),
    /// The problem and rectification lists (两个清单): list, show, assign, status, diff, overdue, export.
    Ledger(ledger::LedgerArgs),
    /// Serve the findings over HTTP: OGC API – Features, vector tiles, site checks and the web map.
    Serve(serve::ServeArgs),
    /// Guard posts (护学岗): where police should stand at school gates, who answers for each school.
    Posts(posts::PostsArgs),
}

/// An error at the binary's edge, with its exit code: 2 for bad input or usage, 1 for internal errors.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub error: anyhow::Error,
}

impl Failure {
    /// Bad input or usage (exit code 2).
    pub fn input(error: impl Into<anyhow::Error>) -> Self {
        Failure {
            code: 2,
            error: error.into(),
        }
    }
    /// Internal error (exit code 1).
    pub fn internal(error: impl Into<anyhow::Error>) -> Self {
        Failure {
            code: 1,
            error: error.into(),
        }
    }
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Load(args) => load::run(args),
        Command::Scan(args) => scan::run(args),
        Command::Check(args) => check::run(args),
        Command::Gen(args) => gen::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Posts(args) => posts::run(args),
        Command::Ledger(args) => ledger::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("error: {:#}", f.error);
            ExitCode::from(f.code)
        }
    }
}
