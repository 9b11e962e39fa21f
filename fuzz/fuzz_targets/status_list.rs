//! W3C Bitstring Status Lists: the `encodedList` decoder (multibase, base64url,
//! GZIP with its decompression cap, minimum length), status list credentials
//! read and verified, their history checked against the bits, and
//! `credentialStatus` entries. An input starting with byte 0 is taken as the
//! GZIP bytes themselves (wrapped into an `encodedList`), so the fuzzer
//! reaches the decompressor without having to learn base64 first.
#![no_main]
use base64::Engine as _;
use libfuzzer_sys::fuzz_target;
use lading_trust::status_list::{self, Bitstring, StatusEntry, StatusList, StatusPurpose};

fuzz_target!(|data: &[u8]| {
    if let Some((0, gzip)) = data.split_first() {
        let encoded = format!("u{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(gzip));
        if let Ok(bits) = Bitstring::decode(&encoded) {
            // What decodes encodes to a list that decodes to the same bits.
            assert_eq!(Bitstring::decode(&bits.encode()).as_ref(), Ok(&bits));
            assert!(bits.len() >= status_list::MIN_ENTRIES);
        }
        return;
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Bitstring::decode(text);
    }
    let Ok(value) = lading_model::json::parse_strict(data) else { return };
    let _ = status_list::entries(&value);
    let _ = StatusList::open(&value, lading_fuzz::now());
    if let Ok(list) = StatusList::read_unverified(&value) {
        for index in [0, 1, list.bits.len() - 1, list.bits.len(), u64::MAX] {
            let _ = list.value_at(index, lading_fuzz::now());
            let _ = list.last_change(index);
            let _ = list.check(&StatusEntry::new(&list.id, StatusPurpose::Revocation, index), &list.issuer);
        }
        // The fixed key signs the next version only of a list it issued; any such list re-reads.
        if let Ok(next) = list.next_version(1, true, "fuzz", &lading_fuzz::ed25519(5), lading_fuzz::now()) {
            StatusList::open(&next, lading_fuzz::now()).expect("a version lading signs reads back");
        }
    }
});
