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
        // No transparent huge pages either (unless MIMALLOC_ALLOW_THP says otherwise): on a machine
        // whose memory is fragmented (a full page cache) each 2 MiB fault may wait for the kernel to
        // compact memory; measured on the province job, system time 4.6–5.3 s with them, 1.5 s without.
        #[cfg(target_os = "linux")]
        if std::env::var_os("MIMALLOC_ALLOW_THP").is_none() {
            // SAFETY: a process attribute; takes plain integers and touches no memory of ours.
            unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) };
        }
    }
    perimeter::cli::run(cli)
}
