//! Memory: a cache hint, and moving many items into a vector on every thread (the memory of a large
//! vector is touched for the first time there, and page faults are slow on one thread).

use std::mem::MaybeUninit;

use rayon::prelude::*;

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

/// Moves `items` to the end of `out`, on every thread.
pub fn append_in_parallel<T: Send>(out: &mut Vec<T>, items: Vec<T>) {
    let (len, n) = (out.len(), items.len());
    out.reserve(n);
    out.spare_capacity_mut()[..n]
        .par_iter_mut()
        .zip(items.into_par_iter())
        .with_min_len(1024)
        .for_each(|(slot, item)| {
            slot.write(item);
        });
    // SAFETY: the `n` slots after the first `len` were each written just above (`write` cannot fail, and
    // `zip` pairs every item with one slot).
    unsafe { out.set_len(len + n) };
}

/// The parts one after the other, copied on every thread.
pub fn concat_in_parallel<T: Copy + Send + Sync>(parts: &[&[T]]) -> Vec<T> {
    let total = parts.iter().map(|p| p.len()).sum();
    let mut out: Vec<T> = Vec::with_capacity(total);
    let mut slots: Vec<&mut [MaybeUninit<T>]> = Vec::with_capacity(parts.len());
    let mut rest = &mut out.spare_capacity_mut()[..total];
    for p in parts {
        let (slot, after) = std::mem::take(&mut rest).split_at_mut(p.len());
        slots.push(slot);
        rest = after;
    }
    slots
        .into_par_iter()
        .zip(parts.par_iter())
        .with_min_len(16)
        .for_each(|(slot, part)| {
            for (s, &item) in slot.iter_mut().zip(part.iter()) {
                s.write(item);
            }
        });
    // SAFETY: the first `total` slots were cut into one slice per part, of the part's length, and each was
    // written whole just above.
    unsafe { out.set_len(total) };
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn append_and_concat_keep_every_item_in_order() {
        let parts: Vec<Vec<u64>> = (0..300u64)
            .map(|k| (0..k % 17).map(|i| k * 100 + i).collect())
            .collect();
        let slices: Vec<&[u64]> = parts.iter().map(Vec::as_slice).collect();
        let flat: Vec<u64> = parts.iter().flatten().copied().collect();
        assert_eq!(concat_in_parallel(&slices), flat);
        assert!(concat_in_parallel::<u64>(&[]).is_empty());
        let mut out: Vec<String> = vec!["a".into()];
        append_in_parallel(&mut out, flat.iter().map(u64::to_string).collect());
        assert_eq!(out.len(), flat.len() + 1);
        assert_eq!(out[0], "a");
        assert!(out[1..].iter().zip(&flat).all(|(s, v)| *s == v.to_string()));
    }
}
