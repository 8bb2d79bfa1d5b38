//! Tags of a role or user: a few key/value pairs, kept as a sorted vector.
//!
//! A `BTreeMap` allocates a node of eleven slots (over 500 bytes) for a role's one or two
//! tags; across 200 000 roles that was 70 MB and a noticeable part of loading. `Tags` keeps
//! the map's behaviour that callers rely on — keys unique and in order, the last value of a
//! repeated key wins, serialized as a JSON object in key order — in a plain vector.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Key/value pairs, keys unique and sorted.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Tags(Vec<(String, String)>);

impl Tags {
    /// No tags.
    pub fn new() -> Tags {
        Tags::default()
    }

    /// The value of `key` (exact and case-sensitive, as the map compared them).
    pub fn get(&self, key: &str) -> Option<&String> {
        self.position(key).ok().map(|i| &self.0[i].1)
    }

    /// Whether `key` is set.
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_ok()
    }

    /// Sets `key`, returning its previous value.
    pub fn insert(&mut self, key: String, value: String) -> Option<String> {
        match self.position(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, value)),
            Err(i) => {
                self.0.insert(i, (key, value));
                None
            }
        }
    }

    /// Pairs in key order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&String, &String)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    /// Keys in order.
    pub fn keys(&self) -> impl ExactSizeIterator<Item = &String> {
        self.0.iter().map(|(k, _)| k)
    }

    /// Values in key order.
    pub fn values(&self) -> impl ExactSizeIterator<Item = &String> {
        self.0.iter().map(|(_, v)| v)
    }

    /// How many tags.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The same pairs as a `BTreeMap`.
    pub fn to_map(&self) -> BTreeMap<String, String> {
        self.0.iter().cloned().collect()
    }

    fn position(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }
}

impl FromIterator<(String, String)> for Tags {
    /// As collecting into a map: keys sorted, the last value of a repeated key kept.
    fn from_iter<I: IntoIterator<Item = (String, String)>>(pairs: I) -> Tags {
        let mut v: Vec<(String, String)> = pairs.into_iter().collect();
        // Stable: of equal keys, the later pair stays later, and is the one kept.
        v.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out: Vec<(String, String)> = Vec::with_capacity(v.len());
        for pair in v {
            match out.last_mut() {
                Some(last) if last.0 == pair.0 => *last = pair,
                _ => out.push(pair),
            }
        }
        Tags(out)
    }
}

impl From<BTreeMap<String, String>> for Tags {
    fn from(map: BTreeMap<String, String>) -> Tags {
        Tags(map.into_iter().collect())
    }
}

impl<'a> IntoIterator for &'a Tags {
    type Item = (&'a String, &'a String);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (String, String)>,
        fn(&'a (String, String)) -> (&'a String, &'a String),
    >;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl fmt::Debug for Tags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl Serialize for Tags {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Tags {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Tags, D::Error> {
        struct TagsVisitor;
        impl<'de> Visitor<'de> for TagsVisitor {
            type Value = Tags;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of tags")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Tags, A::Error> {
                let mut pairs = Vec::new();
                while let Some(pair) = access.next_entry::<String, String>()? {
                    pairs.push(pair);
                }
                Ok(pairs.into_iter().collect())
            }
        }
        deserializer.deserialize_map(TagsVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Behaves as the `BTreeMap` it replaces: order, repeated keys, lookups, JSON both ways.
    #[test]
    fn tags_behave_as_a_sorted_map() {
        let pairs = [
            ("team", "red"),
            ("Owner", "a"),
            ("b", "1"),
            ("team", "blue"),
            ("", "e"),
        ];
        let owned = || pairs.iter().map(|(k, v)| (k.to_string(), v.to_string()));
        let tags: Tags = owned().collect();
        let map: BTreeMap<String, String> = owned().collect();
        assert_eq!(tags.to_map(), map);
        assert!(tags.iter().eq(map.iter()));
        assert_eq!(tags.len(), map.len());
        assert_eq!(tags.get("team").map(String::as_str), Some("blue"));
        assert_eq!(tags.get("Team"), None);
        assert!(tags.contains_key("Owner") && !tags.contains_key("owner"));
        assert_eq!(
            serde_json::to_string(&tags).unwrap(),
            serde_json::to_string(&map).unwrap()
        );
        let back: Tags = serde_json::from_str(r#"{"z":"1","a":"2","z":"3"}"#).unwrap();
        let back_map: BTreeMap<String, String> =
            serde_json::from_str(r#"{"z":"1","a":"2","z":"3"}"#).unwrap();
        assert_eq!(back.to_map(), back_map);
        let mut edited = Tags::from(map.clone());
        assert_eq!(edited.insert("b".into(), "2".into()), Some("1".into()));
        assert_eq!(edited.insert("c".into(), "3".into()), None);
        let mut edited_map = map;
        edited_map.insert("b".into(), "2".into());
        edited_map.insert("c".into(), "3".into());
        assert_eq!(edited.to_map(), edited_map);
        assert!(Tags::new().is_empty());
    }
}
