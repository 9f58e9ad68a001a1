//! The duplicate-id check of a layer being built.
//!
//! Most ids are kept as a 64-bit hash pointing at the item made from them (the item's own id settles a
//! hash match, so two ids that share a hash are never confused); the rest — ids of features that were
//! refused, which have no item, and an id whose hash is already taken by another — by their text. A
//! province of four million venues needs 16-byte slots (about 32 bytes per id, the table kept at most three
//! quarters full) instead of a copy of every id.

use std::collections::HashMap;
use std::hash::BuildHasher;

/// An item that carries the id it was made with.
pub(crate) trait Identified {
    fn id(&self) -> &str;
}

/// The hash of an id (computed where the features are made, in parallel).
pub(crate) fn hash_id(id: &str) -> u64 {
    foldhash::fast::FixedState::default().hash_one(id)
}

/// The ids seen so far: each with the index (in the file) of the first feature that had it.
#[derive(Default)]
pub(crate) struct SeenIds {
    /// hash → (position of the item in the layer, index of its feature in the file).
    by_hash: HashSlots,
    /// id → index of the feature in the file.
    by_text: TextMap,
}

type TextMap = HashMap<String, usize, foldhash::fast::FixedState>;

impl SeenIds {
    pub(crate) fn reserve(&mut self, n: usize) {
        self.by_hash.reserve(n);
    }

    /// Asks for the memory that checking an id of this hash will read (a million ids make a table far
    /// larger than the caches: without this, every check waits for memory).
    #[inline]
    pub(crate) fn prefetch(&self, hash: u64) {
        self.by_hash.prefetch(hash);
    }

    /// The file index of the first feature with this id (`hash` = [`hash_id`]`(id)`), if any; when
    /// there is none, the id is recorded as that of the feature at `feature` in the file, whose item (if it
    /// was made) is at position `item`. `item_id` gives the id of the item made so far at a position.
    /// One probe of the table in the usual case.
    pub(crate) fn check<'a>(
        &mut self,
        id: &str,
        hash: u64,
        item: Option<usize>,
        feature: usize,
        item_id: impl FnOnce(usize) -> Option<&'a str>,
    ) -> Option<usize> {
        // Usually empty: then no hashing of the text at all.
        let by_text = |texts: &TextMap| match texts.is_empty() {
            true => None,
            false => texts.get(id).copied(),
        };
        let slot = item.and_then(|i| {
            let i = u32::try_from(i).ok().filter(|&i| i != EMPTY)?;
            Some((i, u32::try_from(feature).ok()?))
        });
        match self.by_hash.find(hash) {
            Ok((other, first)) => {
                if item_id(other as usize) == Some(id) {
                    return Some(first as usize);
                }
            }
            Err(vacant) => {
                if let (None, Some((item, feature))) = (by_text(&self.by_text), slot) {
                    self.by_hash.insert_at(vacant, hash, item, feature);
                    return None;
                }
            }
        }
        let known = by_text(&self.by_text);
        if known.is_none() {
            self.by_text.insert(id.to_string(), feature);
        }
        known
    }
}

/// `item` of an empty slot.
const EMPTY: u32 = u32::MAX;

#[derive(Debug, Clone, Copy)]
struct Slot {
    hash: u64,
    item: u32,
    feature: u32,
}

/// hash → (item, feature), at most one entry per hash: open addressing with linear probing, 16 bytes a
/// slot, at most three quarters full, so that a check usually reads one cache line (which
/// [`HashSlots::prefetch`] can ask for ahead of time).
#[derive(Debug, Default)]
struct HashSlots {
    slots: Vec<Slot>,
    len: usize,
}

impl HashSlots {
    fn mask(&self) -> usize {
        self.slots.len().wrapping_sub(1)
    }

    /// Makes room for `n` more entries without growing.
    fn reserve(&mut self, n: usize) {
        let want = (self.len + n).saturating_mul(4) / 3 + 1;
        if want > self.slots.len() {
            self.rebuild(want.next_power_of_two().max(16));
        }
    }

    /// Moves the entries into a table of `capacity` slots (a power of two, larger than now).
    fn rebuild(&mut self, capacity: usize) {
        let empty = Slot {
            hash: 0,
            item: EMPTY,
            feature: 0,
        };
        let old = std::mem::replace(&mut self.slots, vec![empty; capacity]);
        for s in old.into_iter().filter(|s| s.item != EMPTY) {
            let Err(at) = self.find(s.hash) else {
                unreachable!("one entry per hash")
            };
            self.slots[at] = s;
        }
    }

    #[inline]
    fn prefetch(&self, hash: u64) {
        if let Some(s) = self.slots.get(hash as usize & self.mask()) {
            crate::mem::prefetch(s);
        }
    }

    /// The entry of `hash`, or the empty slot where it would go.
    #[inline]
    fn find(&self, hash: u64) -> Result<(u32, u32), usize> {
        if self.slots.is_empty() {
            return Err(0);
        }
        let mask = self.mask();
        let mut at = hash as usize & mask;
        loop {
            let s = &self.slots[at];
            if s.item == EMPTY {
                return Err(at);
            }
            if s.hash == hash {
                return Ok((s.item, s.feature));
            }
            at = (at + 1) & mask;
        }
    }

    /// Fills the empty slot [`Self::find`] gave for `hash` (growing first when three quarters full).
    fn insert_at(&mut self, at: usize, hash: u64, item: u32, feature: u32) {
        let at = if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.rebuild((self.slots.len() * 2).max(16));
            match self.find(hash) {
                Err(at) => at,
                Ok(_) => unreachable!("inserting a hash already present"),
            }
        } else {
            at
        };
        self.slots[at] = Slot {
            hash,
            item,
            feature,
        };
        self.len += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Item(String);
    impl Identified for Item {
        fn id(&self) -> &str {
            &self.0
        }
    }

    /// The table against a map: distinct hashes spread out and packed onto neighbouring slots (long
    /// probe runs, wrapping at the end), with and without room reserved, every entry found afterwards.
    #[test]
    fn hash_slots_equal_a_map() {
        let cases = [
            (true, None),
            (false, None),
            (true, Some(50_000)),
            (false, Some(3)),
        ];
        for (spread, reserve) in cases {
            let mut t = HashSlots::default();
            if let Some(n) = reserve {
                t.reserve(n);
            }
            let mut reference: HashMap<u64, (u32, u32)> = HashMap::new();
            let mut rng = crate::gen::rng::Rng::new(0x9e37_79b9_7f4a_7c15);
            // A packed run is probed slot by slot: fewer entries there.
            for i in 0..if spread { 60_000u32 } else { 6_000 } {
                let x = rng.next_u64();
                // Packed: the low bits all ones but for a few values, so every probe starts at one of
                // the table's last slots and the run wraps round to its start.
                let hash = if spread {
                    x
                } else {
                    (x % 5_000) << 20 | (0xF_FFFF - x % 7)
                };
                match (t.find(hash), reference.get(&hash)) {
                    (Ok(got), Some(&want)) => assert_eq!(got, want),
                    (Err(at), None) => {
                        t.insert_at(at, hash, i, i / 2);
                        reference.insert(hash, (i, i / 2));
                    }
                    (got, want) => panic!("{hash:#x}: {got:?} vs {want:?}"),
                }
            }
            assert_eq!(t.len, reference.len());
            assert!(t.len * 4 <= t.slots.len() * 3);
            for (&hash, &want) in &reference {
                assert_eq!(t.find(hash), Ok(want));
            }
            assert!(t.find(0xdead_beef_dead_beef).is_err());
        }
    }

    /// The same answers as a map of the ids' text, also when every id gets the same hash (forced
    /// collisions) and when some ids have no item.
    #[test]
    fn equals_a_map_of_the_text_with_and_without_collisions() {
        for forced in [None, Some(7u64)] {
            let mut seen = SeenIds::default();
            let mut items: Vec<Item> = Vec::new();
            let mut reference: HashMap<String, usize> = HashMap::new();
            for (feature, n) in [3, 5, 3, 9, 5, 11, 12, 9, 13, 11, 3, 12]
                .into_iter()
                .enumerate()
            {
                let id = format!("V{n:03}");
                let hash = forced.unwrap_or_else(|| hash_id(&id));
                // 5, 9, 13: refused, no item.
                let item = (n % 4 != 1).then_some(items.len());
                let got = seen.check(&id, hash, item, feature, |i| {
                    items.get(i).map(Identified::id)
                });
                assert_eq!(got, reference.get(&id).copied(), "{id} at {feature}");
                if got.is_none() {
                    reference.insert(id.clone(), feature);
                    if item.is_some() {
                        items.push(Item(id));
                    }
                }
            }
            assert_eq!(reference.len(), 6);
        }
    }
}
