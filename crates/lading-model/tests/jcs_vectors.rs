//! RFC 8785 vectors from cyberphone/json-canonicalization (see the shared
//! vectors' README): every input canonicalises to the expected bytes.

use lading_model::json::{canonicalize, parse_rfc8785, parse_strict};
use lading_testkit::{read, vectors_dir};

#[test]
fn every_jcs_vector_canonicalises_to_the_expected_bytes() {
    let Some(dir) = vectors_dir() else { return };
    let mut names: Vec<String> = std::fs::read_dir(dir.join("jcs/input"))
        .expect("jcs/input")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 6, "expected the 6 published inputs, found {names:?}");
    for name in names {
        let input = read(&dir, &format!("jcs/input/{name}"));
        let expected = read(&dir, &format!("jcs/output/{name}"));
        let value = parse_rfc8785(&input).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(String::from_utf8_lossy(&canonicalize(&value)), String::from_utf8_lossy(&expected), "{name}");
        // The hex rendering of the same expectation agrees.
        let hex_text =
            String::from_utf8(read(&dir, &format!("jcs/outhex/{}", name.replace(".json", ".txt")))).expect("utf8");
        let from_hex: Vec<u8> =
            hex_text.split_whitespace().map(|b| u8::from_str_radix(b, 16).expect("hex byte")).collect();
        assert_eq!(from_hex, expected, "{name}: outhex");
    }
}

#[test]
fn canonical_form_is_a_fixed_point() {
    let Some(dir) = vectors_dir() else { return };
    for entry in std::fs::read_dir(dir.join("jcs/output")).expect("jcs/output") {
        let path = entry.expect("entry").path();
        let bytes = std::fs::read(&path).expect("read");
        let value = parse_strict(&bytes).expect("canonical output parses");
        assert_eq!(canonicalize(&value), bytes, "{}", path.display());
    }
}
