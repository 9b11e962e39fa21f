//! Status lists made elsewhere: a list Digital Bazaar's libraries made and
//! signed (`tests/data/status-list-digitalbazaar.json`, see
//! `tests/data/README.md`) reads with its bits, purpose and issuer; the
//! same list altered does not.

use chrono::{TimeZone as _, Utc};
use lading_trust::status_list::{StatusEntry, StatusList, StatusListError, StatusPurpose};
use serde_json::Value;

const DB_LIST: &str = include_str!("data/status-list-digitalbazaar.json");
const DB_ISSUER: &str = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";

#[test]
fn a_list_digital_bazaar_made_reads_bit_for_bit() {
    let value: Value = serde_json::from_str(DB_LIST).expect("json");
    let at = Utc.with_ymd_and_hms(2026, 12, 6, 0, 0, 0).single().expect("time");
    let list = StatusList::open(&value, at).expect("verifies");
    assert_eq!(list.id, "https://dbvc.example/status/1");
    assert_eq!(list.issuer, DB_ISSUER);
    assert_eq!(list.purpose, StatusPurpose::Suspension);
    assert_eq!((list.bits.len(), list.sequence, list.history.as_ref()), (131_072, None, None));
    assert_eq!(list.bits.set_indexes().collect::<Vec<_>>(), [3, 1000, 131_071]);
    assert_eq!(list.issued, Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).single().expect("time"));
    let entry = StatusEntry::new(&list.id, StatusPurpose::Suspension, 1000);
    assert_eq!(list.check(&entry, DB_ISSUER), Ok(true));
    assert_eq!(list.check(&StatusEntry::new(&list.id, StatusPurpose::Suspension, 1001), DB_ISSUER), Ok(false));
    // Without a history, a suspension before the list's date is unknown, not clear.
    let before = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).single().expect("time");
    assert_eq!(list.value_at(1000, before), Ok(None));
    assert_eq!(list.value_at(1000, at), Ok(Some(true)));
}

#[test]
fn the_digital_bazaar_list_altered_does_not_verify() {
    let mut value: Value = serde_json::from_str(DB_LIST).expect("json");
    value["credentialSubject"]["statusPurpose"] = "revocation".into();
    let at = Utc.with_ymd_and_hms(2026, 12, 6, 0, 0, 0).single().expect("time");
    assert!(matches!(StatusList::open(&value, at), Err(StatusListError::Credential(_))));
}
