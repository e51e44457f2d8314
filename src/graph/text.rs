//! The graph's strings: shared on clone, and equal ones shared once a file's
//! facts are interned (`Interner`). A scan of 20,000 configs sets about
//! 400,000 string attributes, most of them a few names over and over
//! (`stdio`, `none`, `claude-code`); held once each, they stop being a
//! large part of its memory.

use std::borrow::Borrow;
use std::collections::HashSet;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// An attribute's string: an `Arc<str>`, read as a `&str`.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Text(Arc<str>);

impl Text {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `s`, shared with every other list that names it when it is a name
    /// of the closed taxonomy (a capability or a flow): catalog lists are
    /// copied onto each tool that matches them.
    pub fn known(s: &str) -> Text {
        static KNOWN: std::sync::OnceLock<HashSet<Text>> = std::sync::OnceLock::new();
        let known =
            KNOWN.get_or_init(|| super::CAPABILITIES.iter().chain(super::FLOWS).map(|&n| Text::from(n)).collect());
        known.get(s).cloned().unwrap_or_else(|| Text::from(s))
    }
}

impl Default for Text {
    fn default() -> Self {
        Text(Arc::from(""))
    }
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text(Arc::from(s))
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text(Arc::from(s))
    }
}

impl From<&String> for Text {
    fn from(s: &String) -> Self {
        Text(Arc::from(s.as_str()))
    }
}

impl From<std::borrow::Cow<'_, str>> for Text {
    fn from(s: std::borrow::Cow<'_, str>) -> Self {
        Text(Arc::from(s))
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

/// One copy of each short string seen: each worker adapting files keeps one
/// while it works, and drops it with its share of the files, so nothing
/// outlives the scan. Long strings are left alone: rarely repeated, and
/// costly to hash.
#[derive(Default)]
pub struct Interner(HashSet<Arc<str>>);

impl Interner {
    /// Longest string shared, in bytes.
    const LONGEST: usize = 96;

    /// Makes `s` the copy already held of its text, or holds it.
    pub fn share(&mut self, s: &mut Arc<str>) {
        if s.len() > Self::LONGEST {
            return;
        }
        match self.0.get(&**s) {
            Some(held) => {
                if !Arc::ptr_eq(held, s) {
                    *s = held.clone();
                }
            }
            None => {
                self.0.insert(s.clone());
            }
        }
    }

    pub fn share_text(&mut self, text: &mut Text) {
        self.share(&mut text.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_short_strings_end_up_as_one_copy_and_long_ones_are_left() {
        let mut interner = Interner::default();
        let (mut a, mut b) = (Text::from("stdio"), Text::from(String::from("stdio")));
        assert!(!Arc::ptr_eq(&a.0, &b.0));
        interner.share_text(&mut a);
        interner.share_text(&mut b);
        assert!(Arc::ptr_eq(&a.0, &b.0));
        assert_eq!(b, "stdio");
        let long = "x".repeat(Interner::LONGEST + 1);
        let (mut c, mut d) = (Text::from(long.as_str()), Text::from(long.as_str()));
        interner.share_text(&mut c);
        interner.share_text(&mut d);
        assert!(!Arc::ptr_eq(&c.0, &d.0));
    }
}
