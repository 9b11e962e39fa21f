//! `lading monitor --watch FILE`: watch lists (`INDEX LEAF_HASH_HEX` lines,
//! comments, blanks). Parsing never panics; every entry read prints back as
//! a line that parses to the same entry.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(list) = lading_tlog::watch::parse_watch_list(text) {
        let printed: String = list.iter().map(|w| format!("{} {}\n", w.index, w.leaf.to_hex())).collect();
        let again = lading_tlog::watch::parse_watch_list(&printed).expect("a printed watch list parses");
        assert_eq!(list, again);
    }
});
