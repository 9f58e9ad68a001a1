//! The duplicate-id check of a layer being built.
//!
//! Most ids are kept as a 64-bit hash pointing at the item made from them (the item's own id settles a
//! hash match, so two ids that share a hash are never confused); the rest — ids of features that were
//! refused, which have no item, and an id whose hash is already taken by another — by their text. A
//! province of four million venues needs 16 bytes per id instead of a copy of every id.

use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};

/// An item that carries the id it was made with.
pub(crate) trait Identified {
    fn id(&self) -> &str;
}

/// The hash of an id (computed where the features are made, in parallel).
pub(crate) fn hash_id(id: &str) -> u64 {
    foldhash::fast::FixedState::default().hash_one(id)
}

/// Passes an already computed hash through.
#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, _: &[u8]) {
        unreachable!("only u64 keys are hashed")
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// The ids seen so far: each with the index (in the file) of the first feature that had it.
#[derive(Default)]
pub(crate) struct SeenIds {
    /// hash → (position of the item in the layer, index of its feature in the file).
    by_hash: HashMap<u64, (u32, u32), BuildHasherDefault<Prehashed>>,
    /// id → index of the feature in the file.
    by_text: TextMap,
}

type TextMap = HashMap<String, usize, foldhash::fast::FixedState>;

impl SeenIds {
    pub(crate) fn reserve(&mut self, n: usize) {
        self.by_hash.reserve(n);
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
        use std::collections::hash_map::Entry;
        // Usually empty: then no hashing of the text at all.
        let by_text = |texts: &TextMap| match texts.is_empty() {
            true => None,
            false => texts.get(id).copied(),
        };
        let slot = item.and_then(|i| Some((u32::try_from(i).ok()?, u32::try_from(feature).ok()?)));
        match self.by_hash.entry(hash) {
            Entry::Occupied(o) => {
                let &(other, first) = o.get();
                if item_id(other as usize) == Some(id) {
                    return Some(first as usize);
                }
            }
            Entry::Vacant(v) => {
                if let (None, Some(slot)) = (by_text(&self.by_text), slot) {
                    v.insert(slot);
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

#[cfg(test)]
mod tests {
    use super::*;

    struct Item(String);
    impl Identified for Item {
        fn id(&self) -> &str {
            &self.0
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
