//! The white list: signing versions, reading them back, and judging an
//! entity's standing at a moment.

use chrono::{DateTime, Duration, TimeZone as _, Utc};
use lading_crypto::{Envelope, SigningKey};
use lading_trust::trustlist::{
    Deliverable, Operator, Role, ServiceKey, Status, StatusChange, TrustList, TrustListError, TrustedEntity,
};

fn key(seed: u8) -> SigningKey {
    SigningKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(&[seed; 32]))
}

fn t(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).single().expect("time")
}

fn service_key(k: &SigningKey, from: DateTime<Utc>) -> ServiceKey {
    let public = k.verifying_key();
    let did = match &public {
        lading_crypto::VerifyingKey::Ed25519(p) => Some(lading_crypto::di::did_key(p)),
        _ => None,
    };
    ServiceKey {
        key_id: public.key_id().to_string(),
        public_key: public.to_spki_pem(),
        did,
        valid_from: from,
        valid_until: None,
    }
}

fn entity(id: &str, role: Role, k: &SigningKey) -> TrustedEntity {
    TrustedEntity {
        id: id.into(),
        legal_name: format!("{id} Co., Ltd."),
        registration_id: "91440300MA5XXXXXXX".into(),
        zone: "CN-Shenzhen".into(),
        role,
        scope: vec![Deliverable::MaintenanceLog, Deliverable::SaasRelease],
        keys: vec![service_key(k, t(1, 0))],
        certificate_authorities: Vec::new(),
        status_history: vec![StatusChange { status: Status::Granted, at: t(1, 0), reason: "listed".into() }],
    }
}

fn list() -> (TrustList, SigningKey) {
    let op = key(1);
    let operator = Operator {
        name: "Shenzhen pilot zone".into(),
        zone: "CN-Shenzhen".into(),
        key_id: op.verifying_key().key_id().to_string(),
    };
    let mut l = TrustList::new(operator, t(1, 0));
    l.entries.push(entity("provider-1", Role::Provider, &key(2)));
    l.entries.push(entity("cb-1", Role::CertificationBody, &key(3)));
    (l, op)
}

#[test]
fn a_signed_list_reads_back_and_versions_grow() {
    let (mut l, op) = list();
    let first = l.sign(&op, t(2, 0), Duration::days(30)).expect("sign");
    assert_eq!(l.sequence_number, 1);
    let read = TrustList::open_signed(&first, &op.verifying_key()).expect("opens");
    assert_eq!(read, l);
    assert_eq!(read.next_update, t(2, 0) + Duration::days(30));
    let second = l.sign(&op, t(3, 0), Duration::days(30)).expect("sign again");
    assert_eq!(TrustList::open_signed(&second, &op.verifying_key()).expect("opens").sequence_number, 2);
    // The envelope survives its JSON form.
    let json = serde_json::to_vec(&second.to_json()).expect("json");
    let back = Envelope::from_json_bytes(&json).expect("envelope");
    assert!(TrustList::open_signed(&back, &op.verifying_key()).is_ok());
}

#[test]
fn a_list_signed_by_another_key_or_altered_is_refused() {
    let (mut l, op) = list();
    let env = l.sign(&op, t(2, 0), Duration::days(30)).expect("sign");
    let stranger = key(9);
    assert!(matches!(TrustList::open_signed(&env, &stranger.verifying_key()), Err(TrustListError::Signature(_))));
    let mut altered = env.clone();
    let text = String::from_utf8(altered.payload.clone()).expect("utf-8").replace("provider-1", "provider-X");
    altered.payload = text.into_bytes();
    assert!(matches!(TrustList::open_signed(&altered, &op.verifying_key()), Err(TrustListError::Signature(_))));
    // Only the operator's own key signs.
    let err = l.sign(&stranger, t(3, 0), Duration::days(30)).expect_err("not the operator");
    assert!(err.to_string().starts_with("/operator/key_id"), "{err}");
    let mut other_type = env;
    other_type.payload_type = "application/json".into();
    assert!(TrustList::open_signed(&other_type, &op.verifying_key()).is_err());
}

#[test]
fn standing_is_judged_at_the_moment_asked() {
    let (mut l, _) = list();
    let provider_key = key(2).verifying_key().key_id().to_string();
    let p = &mut l.entries[0];
    p.status_history.push(StatusChange { status: Status::Suspended, at: t(10, 0), reason: "audit finding".into() });
    p.status_history.push(StatusChange { status: Status::Granted, at: t(20, 0), reason: "finding closed".into() });
    p.keys[0].valid_until = Some(t(25, 0));
    let at = |d, h| l.standing_of_key(&provider_key, t(d, h)).expect("known key");
    assert_eq!(at(5, 0).status.map(|s| s.status), Some(Status::Granted));
    assert_eq!(at(10, 0).status.map(|s| s.status), Some(Status::Suspended));
    assert_eq!(at(19, 23).status.map(|s| s.status), Some(Status::Suspended));
    assert_eq!(at(21, 0).status.map(|s| s.status), Some(Status::Granted));
    assert!(at(21, 0).key.is_some());
    assert!(at(25, 0).key.is_none(), "the key expired");
    let before = Utc.with_ymd_and_hms(2026, 10, 1, 0, 0, 0).single().expect("time");
    assert!(l.standing_of_key(&provider_key, before).expect("entity").status.is_none());
    assert!(l.standing_of_key("00", t(5, 0)).is_none());
}

/// A change that breaks one rule of the list.
type Breaker = Box<dyn Fn(&mut TrustList)>;

#[test]
fn broken_rules_name_the_field() {
    let cases: Vec<(Breaker, &str)> = vec![
        (Box::new(|l| l.entries[1].id = "provider-1".into()), "/entries/1/id"),
        (Box::new(|l| l.entries[0].scope.clear()), "/entries/0/scope"),
        (Box::new(|l| l.entries[0].keys[0].key_id = "ab".repeat(32)), "/entries/0/keys/0/key_id"),
        (Box::new(|l| l.entries[0].keys[0].did = Some("did:key:z6Mkx".into())), "/entries/0/keys/0/did"),
        (Box::new(|l| l.entries[0].keys[0].valid_until = Some(t(1, 0))), "/entries/0/keys/0/valid_until"),
        (Box::new(|l| l.entries[1].keys = l.entries[0].keys.clone()), "/entries/1/keys/0/key_id"),
        (Box::new(|l| l.entries[0].status_history[0].status = Status::Suspended), "/entries/0/status_history/0"),
        (
            Box::new(|l| {
                l.entries[0].status_history.push(StatusChange {
                    status: Status::Withdrawn,
                    at: t(5, 0),
                    reason: "r".into(),
                });
                l.entries[0].status_history.push(StatusChange {
                    status: Status::Granted,
                    at: t(6, 0),
                    reason: "r".into(),
                });
            }),
            "/entries/0/status_history/2",
        ),
        (
            Box::new(|l| {
                l.entries[0].status_history.push(StatusChange {
                    status: Status::Suspended,
                    at: t(1, 0) - Duration::hours(1),
                    reason: "r".into(),
                })
            }),
            "/entries/0/status_history/1/at",
        ),
    ];
    for (break_it, pointer) in cases {
        let (mut l, op) = list();
        break_it(&mut l);
        let err = l.sign(&op, t(2, 0), Duration::days(30)).expect_err(pointer).to_string();
        assert!(err.starts_with(pointer), "{pointer}: {err}");
        assert_eq!(l.sequence_number, 0, "a refused list is not changed");
    }
    let (mut l, op) = list();
    assert!(l.sign(&op, t(2, 0), Duration::zero()).expect_err("no validity").to_string().starts_with("/next_update"));
}

#[test]
fn unknown_fields_and_duplicate_keys_are_refused_when_parsing() {
    let (mut l, op) = list();
    let env = l.sign(&op, t(2, 0), Duration::days(30)).expect("sign");
    let text = String::from_utf8(env.payload).expect("utf-8");
    let extra = text.replacen("{\"format\"", "{\"extra\":1,\"format\"", 1);
    assert!(TrustList::parse(extra.as_bytes()).expect_err("unknown field").to_string().contains("extra"));
    let dup = text.replacen("{\"format\"", "{\"sequence_number\":7,\"format\"", 1);
    assert!(TrustList::parse(dup.as_bytes()).expect_err("duplicate").to_string().contains("duplicate"));
}

#[test]
fn entity_ids_must_be_nfc_visible_and_not_confusable() {
    use lading_trust::trustlist::{check_entity_id, normalise_entity_id};
    // Decomposed é (e + U+0301) is not NFC; the message gives the NFC form.
    let decomposed = "caf\u{65}\u{301}-1";
    let why = check_entity_id(decomposed).expect_err("not NFC");
    assert!(why.contains("not in Unicode NFC") && why.contains("caf\u{e9}-1"), "{why}");
    assert_eq!(check_entity_id(&normalise_entity_id(decomposed)), Ok(()));
    // Invisible and control characters, and whitespace other than a space.
    for id in ["provider\u{200b}-1", "\u{feff}provider-1", "provider-1\u{202e}", "provider\t1", "provider\u{0}1"] {
        let why = check_entity_id(id).expect_err(id);
        assert!(why.contains("invisible or control character"), "{id:?}: {why}");
    }
    assert_eq!(check_entity_id("苏州示例云运维有限公司 provider-1"), Ok(()));

    // Two ids that look the same (Cyrillic а for Latin a; fullwidth letters)
    // cannot be in one list; the error names both places.
    for lookalike in ["provider-1".replace('o', "\u{43e}"), "ｐｒｏｖｉｄｅｒ-1".to_owned()] {
        let (mut l, _) = list();
        l.next_update = t(20, 0);
        l.entries.push(entity(&lookalike, Role::Provider, &key(9)));
        let err = l.check().expect_err("confusable ids").to_string();
        assert!(err.contains("/entries/2/id") && err.contains("/entries/0/id"), "{lookalike}: {err}");
    }
    let (mut l, _) = list();
    l.next_update = t(20, 0);
    l.entries.push(entity("provider\u{200b}-2", Role::Provider, &key(9)));
    assert!(l.check().expect_err("invisible").to_string().contains("/entries/2/id"));
}
