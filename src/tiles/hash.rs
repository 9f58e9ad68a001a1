//! A fast, non-cryptographic hasher (the multiply-rotate hash rustc uses, "FxHash") for the tables built
//! per tile: property values and thinning cells. Their keys come from the served data, never from a
//! request, so flooding is not a concern.

use std::hash::{BuildHasherDefault, Hasher};

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

/// The hasher state.
#[derive(Debug, Default, Clone, Copy)]
pub struct FxHasher {
    hash: u64,
}

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn write_i32(&mut self, i: i32) {
        self.add(i as u32 as u64);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

/// Builds [`FxHasher`]s for `HashMap` / `HashSet`.
pub type FxBuildHasher = BuildHasherDefault<FxHasher>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::hash::BuildHasher;

    #[test]
    fn distinguishes_and_repeats() {
        let b = FxBuildHasher::default();
        // One word w from the zero state: (0 rotl 5 ^ w) · SEED, by hand.
        assert_eq!(b.hash_one(1u64), SEED);
        assert_eq!(b.hash_one(3u64), SEED.wrapping_mul(3));
        let h = |s: &str| b.hash_one(s);
        assert_eq!(h("网吧"), h("网吧"));
        assert_ne!(h("网吧"), h("网咖"));
        // Strings that differ only past the first 8 bytes.
        assert_ne!(h("abcdefgh1"), h("abcdefgh2"));
        let set: HashSet<(i32, i32, u32), FxBuildHasher> =
            (0..1000).map(|i| (i % 40, i / 40, 0)).collect();
        assert_eq!(set.len(), 1000);
    }
}
