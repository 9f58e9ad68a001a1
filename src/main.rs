use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = perimeter::cli::Cli::parse();
    perimeter::cli::run(cli)
}
