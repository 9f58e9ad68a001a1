//! A file's bytes for reading: mapped into memory when the file is large (its pages can then be given
//! back as they are used), read into a buffer when it is small.

use super::LoadError;

/// Files at least this large are mapped (the size from which GeoJSON is parsed in parallel).
const MAP_FROM: u64 = 1 << 20;

/// The system's memory page size.
fn page_size() -> usize {
    #[cfg(unix)]
    // SAFETY: sysconf only reads a configuration value.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    #[cfg(not(unix))]
    let size = 4096;
    usize::try_from(size)
        .ok()
        .filter(|&s| s > 0)
        .unwrap_or(4096)
}

/// A file's bytes: mapped when large, read when small.
pub(crate) enum FileBytes {
    Mapped(memmap2::Mmap),
    Read(Vec<u8>),
}

impl FileBytes {
    pub(crate) fn open(path: &std::path::Path) -> Result<FileBytes, LoadError> {
        let file = std::fs::File::open(path).map_err(|e| LoadError::io(path, e))?;
        let len = file.metadata().map_err(|e| LoadError::io(path, e))?.len();
        if len < MAP_FROM {
            let mut bytes = Vec::with_capacity(len as usize);
            std::io::Read::read_to_end(&mut &file, &mut bytes)
                .map_err(|e| LoadError::io(path, e))?;
            return Ok(FileBytes::Read(bytes));
        }
        // SAFETY: the mapping is read-only; like every reader of a file, this one assumes that nobody
        // truncates or rewrites the file while it is being read.
        let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| LoadError::io(path, e))?;
        populate(&map);
        Ok(FileBytes::Mapped(map))
    }

    /// Gives back to the system the pages that end before `to`, from the one holding `from` (the bytes
    /// before `from` having been given back or used already). They stay in the page cache, and would be
    /// read again from it if touched.
    pub(crate) fn release(&self, from: usize, to: usize) {
        if let FileBytes::Mapped(map) = self {
            let page = page_size();
            let (a, b) = (from / page * page, to / page * page);
            if b > a {
                let _ = map.advise_range(memmap2::Advice::DontNeed, a, b - a);
            }
        }
    }
}

/// Maps every page of `map` at once (a call per thread instead of a page fault per 4 KiB; Linux 5.14
/// and later, else the pages fault in as they are read). Each thread maps its own share of the pages:
/// one thread alone took about 20 ms for the 86 MB of the generated city's venues.
fn populate(map: &memmap2::Mmap) {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        use rayon::prelude::*;
        let page = page_size();
        let pages = map.len().div_ceil(page);
        let share = pages.div_ceil(rayon::current_num_threads()).max(1) * page;
        let base = map.as_ptr() as usize;
        (0..map.len().div_ceil(share))
            .into_par_iter()
            .for_each(|k| {
                let from = k * share;
                let len = share.min(map.len() - from);
                // SAFETY: `from..from + len` lies within the mapping of `map.len()` bytes, and `from` is a
                // multiple of the page size (so the address is page-aligned, as madvise requires); the
                // advice does not change the mapping's contents.
                unsafe {
                    libc::madvise(
                        (base + from) as *mut libc::c_void,
                        len,
                        libc::MADV_POPULATE_READ,
                    )
                };
            });
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    let _ = map;
}

impl std::ops::Deref for FileBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            FileBytes::Mapped(m) => m,
            FileBytes::Read(v) => v,
        }
    }
}
