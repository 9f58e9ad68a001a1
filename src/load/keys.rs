//! Attribute names shared by every feature that has them.
//!
//! A file's features repeat the same few attribute names; each reader thread keeps the names it has seen
//! (up to [`MAX_KEYS`] of at most [`MAX_LEN`] bytes, kept for the rest of the run) and hands out the same
//! `&'static str` for each, so a feature's names cost no allocation. Other names are owned as usual.

use std::borrow::Cow;
use std::cell::RefCell;

use super::Key;

/// How many names a thread keeps.
const MAX_KEYS: usize = 64;
/// The longest name kept.
const MAX_LEN: usize = 64;

thread_local! {
    static KEYS: RefCell<Vec<&'static str>> = const { RefCell::new(Vec::new()) };
}

/// The key for an attribute name.
pub(crate) fn key(name: &str) -> Key {
    if name.len() > MAX_LEN {
        return Cow::Owned(name.to_string());
    }
    KEYS.with(|keys| {
        let mut keys = keys.borrow_mut();
        if let Some(&kept) = keys.iter().find(|k| **k == name) {
            return Cow::Borrowed(kept);
        }
        if keys.len() < MAX_KEYS {
            // At most MAX_KEYS × MAX_LEN bytes per thread, for the life of the process.
            let kept: &'static str = Box::leak(Box::from(name));
            keys.push(kept);
            Cow::Borrowed(kept)
        } else {
            Cow::Owned(name.to_string())
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_shared_up_to_the_limit() {
        std::thread::spawn(|| {
            let a = key("名称");
            let b = key(&String::from("名称"));
            assert!(
                matches!((&a, &b), (Cow::Borrowed(x), Cow::Borrowed(y)) if std::ptr::eq(*x, *y))
            );
            for i in 1..MAX_KEYS {
                assert!(matches!(key(&format!("k{i}")), Cow::Borrowed(_)));
            }
            // The thread's list is full: new names are owned, kept ones still shared.
            assert!(matches!(key("one more"), Cow::Owned(ref s) if s == "one more"));
            assert!(matches!(key("k5"), Cow::Borrowed("k5")));
            let long = "x".repeat(MAX_LEN + 1);
            assert!(matches!(key(&long), Cow::Owned(ref s) if *s == long));
        })
        .join()
        .unwrap();
    }
}
