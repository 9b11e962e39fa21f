//! Watch lists: the entries a monitor re-checks are still included, one
//! `INDEX LEAF_HASH_HEX` per line (what `lading remote submit` prints), `#`
//! starting a comment, blank lines ignored.

use crate::Hash;

/// The most entries a watch list may name.
pub const MAX_WATCHED: usize = 1 << 20;

/// Why a watch list could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WatchListError {
    /// A line is not `INDEX LEAF_HASH_HEX`.
    #[error("line {line}: {detail}")]
    Line {
        /// The line's number, from 1.
        line: usize,
        /// What is wrong with it.
        detail: String,
    },
    /// More entries than [`MAX_WATCHED`].
    #[error("more than {MAX_WATCHED} watched entries")]
    TooMany,
}

/// One watched entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Watched {
    /// The entry's index in the log.
    pub index: u64,
    /// Its RFC 9162 leaf hash.
    pub leaf: Hash,
}

/// Parses a watch list.
pub fn parse_watch_list(text: &str) -> Result<Vec<Watched>, WatchListError> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let fail = |detail: String| WatchListError::Line { line: n + 1, detail };
        let (index, leaf) =
            line.split_once(char::is_whitespace).ok_or_else(|| fail("expected INDEX LEAF_HASH_HEX".into()))?;
        let index: u64 = index.parse().map_err(|e| fail(format!("index {index:?}: {e}")))?;
        let leaf = leaf.trim();
        let leaf = hex::decode(leaf)
            .ok()
            .and_then(|b| Hash::from_slice(&b).ok())
            .ok_or_else(|| fail(format!("leaf hash {leaf:?} is not 64 hex digits")))?;
        if out.len() == MAX_WATCHED {
            return Err(WatchListError::TooMany);
        }
        out.push(Watched { index, leaf });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_comments_and_blanks() {
        let leaf = "ab".repeat(32);
        let list = parse_watch_list(&format!("# mine\n\n3 {leaf}  # the release\n 7\t{leaf}\n")).expect("list");
        assert_eq!(list.iter().map(|w| w.index).collect::<Vec<_>>(), [3, 7]);
        assert_eq!(list[0].leaf.to_hex(), leaf);
    }

    #[test]
    fn bad_lines_are_named() {
        let leaf = "ab".repeat(32);
        let e = parse_watch_list(&format!("1 {leaf}\nx {leaf}\n")).expect_err("bad index");
        assert!(matches!(e, WatchListError::Line { line: 2, .. }), "{e}");
        let e = parse_watch_list("1 abcd\n").expect_err("short hash");
        assert!(e.to_string().contains("line 1: leaf hash \"abcd\""), "{e}");
        let e = parse_watch_list("12\n").expect_err("one field");
        assert!(e.to_string().contains("expected INDEX LEAF_HASH_HEX"), "{e}");
        let e = parse_watch_list(&format!("-1 {leaf}\n")).expect_err("negative");
        assert!(matches!(e, WatchListError::Line { line: 1, .. }), "{e}");
    }
}
