use std::process::ExitCode;

/// Loading a large file allocates millions of small strings from several threads at once; mimalloc
/// does that markedly faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::Parser;

fn main() -> ExitCode {
    let cli = perimeter::cli::Cli::parse();
    perimeter::cli::run(cli)
}
