//! The time of logging, witnessed: a statement's receipt whose checkpoint a
//! trusted witness cosigned. The provider's standing is judged at the
//! earliest such cosignature, not at the time the provider claims — so a
//! statement backdated to before a suspension still fails, and a policy that
//! requires a witnessed time refuses a receipt without one.

use chrono::{DateTime, Duration, TimeZone as _, Utc};
use lading_crypto::{SigningKey, VerifyingKey};
use lading_model::Sha256Digest;
use lading_tlog::{Checkpoint, KeyKind, MemoryTree, NoteSigner, Receipt, inclusion_proof, tree_hash};
use lading_trust::policy::Policy;
use lading_trust::trustlist::{
    Deliverable, Operator, Role, ServiceKey, Status, StatusChange, TrustList, TrustedEntity,
};
use lading_trust::verify::{self, CheckStatus, role};
use serde_json::json;

fn ed(seed: u8) -> ed25519_dalek::SigningKey {
    ed25519_dalek::SigningKey::from_bytes(&[seed; 32])
}

fn t(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, 0, 0, 0).single().expect("time")
}

fn entity(id: &str, role: Role, key: &ed25519_dalek::SigningKey, history: Vec<StatusChange>) -> TrustedEntity {
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
        status_history: history,
    }
}

/// A complete bundle whose statement claims `claimed` and (optionally) was
/// cosigned by the witness at `witnessed`; the provider suspended at
/// `suspended`. Returns the bundle and a policy trusting the log and the
/// witness, requiring a witnessed time when `strict`.
fn bundle(
    claimed: DateTime<Utc>,
    witnessed: Option<DateTime<Utc>>,
    suspended: Option<DateTime<Utc>>,
    strict: bool,
) -> (Vec<u8>, Policy) {
    let (operator, provider, body) = (SigningKey::Ed25519(ed(1)), ed(2), ed(3));
    let log = NoteSigner::new("example.com/registry", KeyKind::Ed25519, ed(4)).expect("log");
    let witness = NoteSigner::new("example.com/witness", KeyKind::Cosignature, ed(5)).expect("witness");

    // The white list.
    let granted = StatusChange { status: Status::Granted, at: t(1), reason: "listed".into() };
    let mut history = vec![granted.clone()];
    if let Some(at) = suspended {
        history.push(StatusChange { status: Status::Suspended, at, reason: "audit".into() });
    }
    let mut list = TrustList::new(
        Operator {
            name: "op".into(),
            zone: "CN-Shenzhen".into(),
            key_id: operator.verifying_key().key_id().to_string(),
        },
        t(1),
    );
    list.entries.push(entity("acme", Role::Provider, &provider, history));
    list.entries.push(entity("cb", Role::CertificationBody, &body, vec![granted]));
    let list_env = list.sign(&operator, t(1), Duration::days(365)).expect("list");
    let list_bytes = serde_json::to_vec(&list_env.to_json()).expect("json");

    // A deliverable: a signed maintenance segment document.
    let doc = lading_model::example(lading_model::Kind::MaintenanceSegment, uuid::Uuid::nil(), t(1));
    let env = lading_crypto::sign_document(&doc, &SigningKey::Ed25519(provider.clone())).expect("sign");
    let deliverable = serde_json::to_vec(&env.to_json()).expect("json");

    // The certificate and the statement.
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
        claimed,
    )
    .expect("statement");
    let statement_bytes = serde_json::to_vec(&statement).expect("json");

    // The registry log: both leaves, a checkpoint the log signs and the witness (maybe) cosigns.
    let keyid = VerifyingKey::Ed25519(provider.verifying_key()).key_id().to_string();
    let leaves = [
        lading_crypto::registry_leaf(lading_model::Kind::MaintenanceSegment.type_uri(), &deliverable, &keyid),
        lading_crypto::registry_leaf(verify::STATEMENT_TYPE, &statement_bytes, &keyid),
    ];
    let mut tree = MemoryTree::new();
    for l in &leaves {
        tree.push(l);
    }
    let cp = Checkpoint {
        origin: "example.com/registry".into(),
        size: 2,
        root: tree_hash(&tree, 2).expect("root"),
        extensions: vec![],
    };
    let mut note = cp.sign(&log).expect("sign");
    if let Some(at) = witnessed {
        note.signatures.push(witness.cosign(&note.text, u64::try_from(at.timestamp()).expect("time")).expect("cosign"));
    }
    let receipts: Vec<Vec<u8>> = (0..2u64)
        .map(|i| {
            Receipt {
                extra: None,
                index: i,
                proof: inclusion_proof(&tree, i, 2).expect("proof"),
                checkpoint: note.to_text(),
            }
            .to_text()
            .into_bytes()
        })
        .collect();

    let mut members = vec![
        (role::DELIVERABLE, "deliverables/segment.dsse.json".to_owned(), "application/json", deliverable),
        (role::CERTIFICATE, "certificates/cert.json".to_owned(), "application/vc+json", cert_bytes),
        (role::REPORT, "reports/report.json".to_owned(), "application/json", report),
        (role::STATEMENT, "statement.json".to_owned(), "application/vc+json", statement_bytes),
        (role::TRUST_LIST, "trust-list.json".to_owned(), "application/json", list_bytes),
    ];
    for (i, r) in receipts.into_iter().enumerate() {
        members.push((role::RECEIPT, format!("receipts/{i}"), "text/plain", r));
    }
    let zip = verify::assemble(members).expect("assemble").to_zip().expect("zip");
    let policy = json!({
        "format": "lading-trust-policy/v1",
        "operators": [{"name": "op", "public_key": operator.verifying_key().to_spki_pem()}],
        "log_policy": format!("log {}\nwitness w {}\nquorum none\n", log.verifier().to_vkey(), witness.verifier().to_vkey()),
        "require_witnessed_time": strict,
    });
    (zip, Policy::parse(&serde_json::to_vec(&policy).expect("json")).expect("policy"))
}

fn check<'a>(v: &'a verify::Verdict, name: &str) -> &'a verify::VerdictCheck {
    v.checks.iter().find(|c| c.name == name).unwrap_or_else(|| panic!("no check {name}: {:#?}", v.checks))
}

#[test]
fn standing_is_judged_at_the_witnessed_time_not_the_claimed_one() {
    // Logged (witnessed) on the 10th, suspended on the 20th: verifies, even checked on the 25th.
    let (zip, policy) = bundle(t(10), Some(t(10)), Some(t(20)), true);
    let v = verify::verify(&zip, &policy, t(25));
    assert!(v.verified, "{:#?}", v.checks);
    assert_eq!(v.logged_at, Some(t(10)));
    assert!(check(&v, "time of logging").reason.contains("witness"), "{:?}", check(&v, "time of logging"));

    // Backdated: the provider claims the 10th, but the witness first saw it on the 21st, after the suspension.
    let (zip, policy) = bundle(t(10), Some(t(21)), Some(t(20)), true);
    let v = verify::verify(&zip, &policy, t(25));
    assert!(!v.verified);
    assert_eq!(v.logged_at, Some(t(21)));
    let c = check(&v, "provider on the white list");
    assert!(c.status == CheckStatus::Fail && c.reason.contains("suspended"), "{c:?}");
}

#[test]
fn without_a_witness_the_claimed_time_counts_unless_the_policy_refuses_it() {
    let (zip, lenient) = bundle(t(10), None, None, false);
    let v = verify::verify(&zip, &lenient, t(12));
    assert!(v.verified, "{:#?}", v.checks);
    assert!(v.logged_at_source.contains("claimed"), "{}", v.logged_at_source);
    // The provider's word alone is a warning, not a pass, and does not fail the verdict.
    assert_eq!(check(&v, "time of logging").status, CheckStatus::Warn);
    // What the deliverable concludes travels beside the verdict.
    match v.conclusions.as_slice() {
        [lading_trust::conclusion::Conclusion::MaintenanceSegment { name, complete: true, events, .. }] => {
            assert_eq!((name.as_str(), *events > 0), ("segment.dsse.json", true));
        }
        other => panic!("{other:?}"),
    }
    let (zip, strict) = bundle(t(10), None, None, true);
    let v = verify::verify(&zip, &strict, t(12));
    assert!(!v.verified);
    let c = check(&v, "time of logging");
    assert!(c.status == CheckStatus::Fail && c.reason.contains("requires a witnessed time"), "{c:?}");
}
