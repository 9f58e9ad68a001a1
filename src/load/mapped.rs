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
        // Map every page at once (one call instead of a page fault per 4 KiB; Linux 5.14 and later,
        // else the pages fault in as they are read).
        #[cfg(any(target_os = "linux", target_os = "android"))]
        // SAFETY: `map` is a valid mapping of `map.len()` bytes; the advice does not change its contents.
        unsafe {
            libc::madvise(
                map.as_ptr() as *mut libc::c_void,
                map.len(),
                libc::MADV_POPULATE_READ,
            )
        };
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

impl std::ops::Deref for FileBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            FileBytes::Mapped(m) => m,
            FileBytes::Read(v) => v,
        }
    }
}
