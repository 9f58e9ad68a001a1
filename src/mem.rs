//! Memory hints.

/// Asks the processor to bring the cache line holding the start of `r` closer (no effect on the
/// program's meaning; a no-op on other architectures). For loops over records scattered in memory:
/// prefetching a record a few iterations ahead hides most of its cache miss.
#[inline(always)]
pub fn prefetch<T: ?Sized>(r: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        let p = (r as *const T).cast::<i8>();
        // SAFETY: a prefetch never faults and changes no memory; the pointer comes from a live
        // reference and SSE is part of the x86_64 baseline.
        unsafe { std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = r;
}
