//! Status list versions recorded in a transparency log: what a logged
//! version, witnessed at a known time, proves about a certificate's status
//! at the time the statement was established — whatever dates the issuer
//! records in later versions — and verification at a past time (`--at`)
//! leaving aside the versions issued after it.

use chrono::{DateTime, Duration, TimeZone as _, Utc};
use lading_crypto::{SigningKey, VerifyingKey};
use lading_model::Sha256Digest;
use lading_tlog::{Checkpoint, KeyKind, MemoryTree, NoteSigner, Receipt, inclusion_proof, tree_hash};
use lading_trust::policy::Policy;
use lading_trust::status_list::{MIN_ENTRIES, StatusList, StatusPurpose, new_list};
use lading_trust::trustlist::{
    Deliverable, Operator, Role, ServiceKey, Status, StatusChange, TrustList, TrustedEntity,
};
use lading_trust::verify::{self, CheckStatus, role};
use serde_json::{Value, json};

const LIST: &str = "https://cb.example/status/revocation";
const INDEX: u64 = 5;

fn ed(seed: u8) -> ed25519_dalek::SigningKey {
    ed25519_dalek::SigningKey::from_bytes(&[seed; 32])
}

fn t(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, 0, 0, 0).single().expect("time")
}

fn entity(id: &str, role: Role, key: &ed25519_dalek::SigningKey) -> TrustedEntity {
    let public = VerifyingKey::Ed25519(key.verifying_key());
    TrustedEntity {
        id: id.into(),
        legal_name: format!("{id} Ltd."),
        registration_id: "9144".into(),
        zone: "CN-Shenzhen".into(),
        role,
        scope: vec![Deliverable::MaintenanceLog],
        keys: vec![ServiceKey {
            key_id: public.key_id().to_string(),
            public_key: public.to_spki_pem(),
            did: Some(lading_crypto::di::did_key(&key.verifying_key())),
            valid_from: t(1),
            valid_until: None,
        }],
        certificate_authorities: Vec::new(),
        status_history: vec![StatusChange { status: Status::Granted, at: t(1), reason: "listed".into() }],
    }
}

/// Versions of the body's revocation list: v1 all clear (issued day 1), then
/// `INDEX` revoked in a version issued `issued` recording the change at `recorded`.
fn versions(issued: DateTime<Utc>, recorded: DateTime<Utc>) -> (Value, Value) {
    let v1 = new_list(LIST, StatusPurpose::Revocation, MIN_ENTRIES, &ed(3), t(1)).expect("v1");
    let opened = StatusList::open(&v1, t(1)).expect("open v1");
    // The change is recorded at `recorded`: sign with the history the issuer chose to write.
    let mut v2 = opened.next_version(INDEX, true, "fraud", &ed(3), issued).expect("v2");
    if recorded != issued {
        v2.as_object_mut().expect("object").remove("proof");
        v2["credentialSubject"]["statusChanges"][0]["at"] =
            recorded.to_rfc3339_opts(chrono::SecondsFormat::Secs, true).into();
        v2 = lading_trust::credential::issue(&v2, &ed(3), issued).expect("re-sign v2");
    }
    (v1, v2)
}

/// A bundle whose statement was witnessed at `established`, carrying the list
/// versions `lists`, each logged and first witnessed at its time (`None`: not logged).
fn bundle(established: DateTime<Utc>, lists: &[(&Value, Option<DateTime<Utc>>)]) -> (Vec<u8>, Policy) {
    let (operator, provider, body) = (SigningKey::Ed25519(ed(1)), ed(2), ed(3));
    let log = NoteSigner::new("example.com/registry", KeyKind::Ed25519, ed(4)).expect("log");
    let witness = NoteSigner::new("example.com/witness", KeyKind::Cosignature, ed(5)).expect("witness");
    let mut list = TrustList::new(
        Operator {
            name: "op".into(),
            zone: "CN-Shenzhen".into(),
            key_id: operator.verifying_key().key_id().to_string(),
        },
        t(1),
    );
    list.entries.push(entity("acme", Role::Provider, &provider));
    list.entries.push(entity("cb", Role::CertificationBody, &body));
    let list_env = list.sign(&operator, t(1), Duration::days(365)).expect("list");
    let list_bytes = serde_json::to_vec(&list_env.to_json()).expect("json");
    let doc = lading_model::example(lading_model::Kind::MaintenanceSegment, uuid::Uuid::nil(), t(1));
    let env = lading_crypto::sign_document(&doc, &SigningKey::Ed25519(provider.clone())).expect("sign");
    let deliverable = serde_json::to_vec(&env.to_json()).expect("json");
    let report = br#"{"passed": true}"#.to_vec();
    let did = |k: &ed25519_dalek::SigningKey| lading_crypto::di::did_key(&k.verifying_key());
    let cert = lading_trust::credential::issue(
        &json!({
            "@context": [lading_trust::credential::VC_V2_CONTEXT],
            "id": "urn:uuid:00000000-0000-4000-8000-00000000000c",
            "type": ["VerifiableCredential", verify::CERTIFICATE_TYPE],
            "issuer": did(&body),
            "validFrom": "2026-11-01T00:00:00Z",
            "validUntil": "2027-11-01T00:00:00Z",
            "credentialSubject": {
                "provider": {"entity": "acme"},
                "scope": ["maintenance-log"],
                "conformityReport": {"sha256": Sha256Digest::of(&report).to_hex()},
            },
            "credentialStatus": {
                "id": format!("{LIST}#{INDEX}"), "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
                "statusListIndex": INDEX.to_string(), "statusListCredential": LIST,
            },
        }),
        &body,
        t(1),
    )
    .expect("certificate");
    let cert_bytes = serde_json::to_vec(&cert).expect("json");
    let statement = lading_trust::credential::issue(
        &json!({
            "@context": [lading_trust::credential::VC_V2_CONTEXT],
            "type": ["VerifiableCredential", verify::STATEMENT_CREDENTIAL_TYPE],
            "issuer": did(&provider),
            "credentialSubject": {
                "client": "Client GmbH",
                "deliverables": [{"name": "segment.dsse.json", "kind": "maintenance-log", "sha256": Sha256Digest::of(&deliverable).to_hex()}],
                "certificates": [{"id": cert["id"], "sha256": Sha256Digest::of(&cert_bytes).to_hex()}],
            },
        }),
        &provider,
        established,
    )
    .expect("statement");
    let statement_bytes = serde_json::to_vec(&statement).expect("json");

    // The registry log: every leaf gets a checkpoint of its own, cosigned when the leaf was witnessed.
    let keyid = VerifyingKey::Ed25519(provider.verifying_key()).key_id().to_string();
    let body_keyid = VerifyingKey::Ed25519(body.verifying_key()).key_id().to_string();
    let mut leaves = vec![
        (
            lading_crypto::registry_leaf(lading_model::Kind::MaintenanceSegment.type_uri(), &deliverable, &keyid),
            established,
        ),
        (lading_crypto::registry_leaf(verify::STATEMENT_TYPE, &statement_bytes, &keyid), established),
    ];
    let list_bytes_all: Vec<Vec<u8>> = lists.iter().map(|(v, _)| serde_json::to_vec(v).expect("json")).collect();
    for (bytes, (_, at)) in list_bytes_all.iter().zip(lists) {
        if let Some(at) = at {
            leaves.push((lading_crypto::registry_leaf(verify::STATUS_LIST_TYPE, bytes, &body_keyid), *at));
        }
    }
    let mut tree = MemoryTree::new();
    let mut receipts = Vec::new();
    for (i, (leaf, at)) in leaves.iter().enumerate() {
        tree.push(leaf);
        let size = i as u64 + 1;
        let cp = Checkpoint {
            origin: "example.com/registry".into(),
            size,
            root: tree_hash(&tree, size).expect("root"),
            extensions: vec![],
        };
        let mut note = cp.sign(&log).expect("sign");
        note.signatures.push(witness.cosign(&note.text, u64::try_from(at.timestamp()).expect("time")).expect("cosign"));
        let receipt = Receipt {
            extra: None,
            index: i as u64,
            proof: inclusion_proof(&tree, i as u64, size).expect("proof"),
            checkpoint: note.to_text(),
        };
        receipts.push(receipt.to_text().into_bytes());
    }
    let mut members = vec![
        (role::DELIVERABLE, "deliverables/segment.dsse.json".to_owned(), "application/json", deliverable),
        (role::CERTIFICATE, "certificates/cert.json".to_owned(), "application/vc+json", cert_bytes),
        (role::REPORT, "reports/report.json".to_owned(), "application/json", report),
        (role::STATEMENT, "statement.json".to_owned(), "application/vc+json", statement_bytes),
        (role::TRUST_LIST, "trust-list.json".to_owned(), "application/json", list_bytes),
    ];
    for (i, bytes) in list_bytes_all.into_iter().enumerate() {
        members.push((role::STATUS_LIST, format!("status-lists/{i}.json"), "application/vc+json", bytes));
    }
    for (i, r) in receipts.into_iter().enumerate() {
        members.push((role::RECEIPT, format!("receipts/{i}"), "text/plain", r));
    }
    let zip = verify::assemble(members).expect("assemble").to_zip().expect("zip");
    let policy = json!({
        "format": "lading-trust-policy/v1",
        "operators": [{"name": "op", "public_key": operator.verifying_key().to_spki_pem()}],
        "log_policy": format!("log {}\nwitness w {}\nquorum none\n", log.verifier().to_vkey(), witness.verifier().to_vkey()),
        "require_witnessed_time": true,
    });
    (zip, Policy::parse(&serde_json::to_vec(&policy).expect("json")).expect("policy"))
}

fn check<'a>(v: &'a verify::Verdict, name: &str) -> &'a verify::VerdictCheck {
    v.checks.iter().find(|c| c.name == name).unwrap_or_else(|| panic!("no check {name}: {:#?}", v.checks))
}

const REVOCATION: &str = "certificate certificates/cert.json: revocation";

#[test]
fn a_revocation_logged_before_the_statement_fails_it_whatever_date_the_list_records() {
    // The body records the revocation on the 12th, two days after the statement (the 10th), but the
    // version saying so was logged and witnessed on the 9th: post-dated, and the log shows it.
    let (v1, v2) = versions(t(12), t(12));
    let (zip, policy) = bundle(t(10), &[(&v1, Some(t(1))), (&v2, Some(t(9)))]);
    let v = verify::verify(&zip, &policy, t(20));
    let c = check(&v, REVOCATION);
    assert!(!v.verified);
    assert!(
        c.status == CheckStatus::Fail && c.reason.contains("logged and first witnessed 2026-11-09T00:00:00+00:00"),
        "{c:?}"
    );
    // Not logged, the same versions show only what the body records: revoked later, a warning.
    let (zip, policy) = bundle(t(10), &[(&v1, None), (&v2, None)]);
    let v = verify::verify(&zip, &policy, t(20));
    assert!(v.verified, "{:#?}", v.checks);
    let c = check(&v, REVOCATION);
    assert!(c.status == CheckStatus::Warn && c.reason.starts_with("revoked on 2026-11-12"), "{c:?}");
}

#[test]
fn a_backdated_revocation_is_judged_by_the_version_logged_after_the_statement() {
    // The body's newest version records the revocation on the 5th, before the statement (the 10th);
    // but a version issued and witnessed on the 11th, already in the log, shows it valid then.
    let v1 = new_list(LIST, StatusPurpose::Revocation, MIN_ENTRIES, &ed(3), t(11)).expect("v1");
    let (_, v2) = versions(t(15), t(5));
    let (zip, policy) = bundle(t(10), &[(&v1, Some(t(11))), (&v2, Some(t(15)))]);
    let v = verify::verify(&zip, &policy, t(20));
    assert!(v.verified, "{:#?}", v.checks);
    let c = check(&v, REVOCATION);
    assert!(
        c.status == CheckStatus::Warn
            && c.reason.starts_with("revoked after the statement was established")
            && c.reason.contains("version 1, logged and first witnessed 2026-11-11"),
        "{c:?}"
    );
    // Without that logged version, the recorded date counts: revoked before, fails.
    let (zip, policy) = bundle(t(10), &[(&v2, Some(t(15)))]);
    let v = verify::verify(&zip, &policy, t(20));
    assert_eq!(check(&v, REVOCATION).status, CheckStatus::Fail, "{:#?}", v.checks);
}

#[test]
fn verified_at_a_past_time_the_versions_issued_later_are_left_aside() {
    let (v1, v2) = versions(t(15), t(15));
    let (zip, policy) = bundle(t(10), &[(&v1, Some(t(2))), (&v2, Some(t(15)))]);
    // On the 12th only version 1 existed: valid, and version 2 is not applicable (not a failure).
    let v = verify::verify(&zip, &policy, t(12));
    assert!(v.verified, "{:#?}", v.checks);
    assert_eq!(check(&v, REVOCATION).status, CheckStatus::Pass);
    let later = check(&v, "status list status-lists/1.json");
    assert!(
        later.status == CheckStatus::NotApplicable && later.reason.contains("after the time of verification"),
        "{later:?}"
    );
    // On the 20th version 2 counts: revoked after the statement, a warning.
    let v = verify::verify(&zip, &policy, t(20));
    assert!(v.verified, "{:#?}", v.checks);
    assert_eq!(check(&v, REVOCATION).status, CheckStatus::Warn);
}
