use std::process::ExitCode;

/// Loading a large file allocates millions of small strings from several threads at once; mimalloc
/// does that markedly faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::Parser;

/// mimalloc's `mi_option_purge_delay` (`mimalloc.h`): how long freed memory waits before it is given
/// back to the system; -1 = never.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> ExitCode {
    let cli = perimeter::cli::Cli::parse();
    if !matches!(cli.command, perimeter::cli::Command::Serve(_)) {
        // A one-shot command frees batches of parsed features and output buffers and allocates the next
        // ones at once: keeping the freed memory spares the system clearing fresh pages every time. The
        // server keeps the default and gives memory back.
        // SAFETY: sets a process-wide option; no allocation is in flight that depends on it.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    }
    perimeter::cli::run(cli)
}
