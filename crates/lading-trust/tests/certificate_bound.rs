//! Certificate-bound deliverables in an evidence bundle: a Sigstore bundle
//! whose chain must validate to a CA root the trust policy pins, at the
//! signing time an RFC 3161 timestamp establishes (TSA roots pinned by the
//! policy), and whose certificate the white list attributes to the provider
//! (a CA accepted for it, its registration id in the subject).

use chrono::{DateTime, Duration, TimeZone as _, Utc};
use lading_crypto::{SigningKey, VerifyingKey};
use lading_model::Sha256Digest;
use lading_pki::issue::{CertProfile, IssueRequest, Revoked, issue_certificate, issue_crl};
use lading_pki::timestamp::{Authority, DEFAULT_POLICY, request, respond};
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
#[derive(Clone, Copy)]
struct Case {
    /// The white list accepts the intermediate CA for the provider.
    ca_listed: bool,
    /// The policy pins the CA root.
    pin_ca: bool,
    /// The policy pins the TSA root.
    pin_tsa: bool,
    /// The leaf certificate carries this registration id.
    registration_id: &'static str,
    /// The CRLs the bundle carries.
    crls: Crls,
    /// The policy requires revocation data.
    require_revocation: bool,
    /// An RFC 3161 timestamp over the statement, with genTime on this day
    /// of November (the witness cosigned on the 10th).
    statement_stamp: Option<u32>,
    /// The statement timestamp is over other bytes.
    stamp_other_bytes: bool,
    /// The provider is listed by CA and registration id only (no keys).
    provider_keys_listed: bool,
    /// The bundle carries this chain for the statement's key.
    statement_chain: StatementChain,
}

#[derive(Clone, Copy, PartialEq)]
enum StatementChain {
    None,
    /// The provider's certificate and the intermediate.
    Provider,
    /// The TSA's certificate: another key than the statement's.
    OtherKey,
}

/// CRLs carried in the bundle (the provider's leaf and the TSA are issued
/// by the intermediate, the intermediate by the root).
#[derive(Clone, Copy, PartialEq)]
enum Crls {
    None,
    /// The intermediate's and the root's, listing nothing (thisUpdate the 20th).
    Good,
    /// The intermediate's lists the provider's leaf, revoked on `day`.
    LeafRevoked(u32),
    /// The intermediate's, whose nextUpdate (the 3rd) is before the signing time.
    Stale,
    /// Also a CRL of a CA no chain runs through.
    Foreign,
    /// Also bytes that are no CRL.
    Garbage,
}

const GOOD: Case = Case {
    ca_listed: true,
    pin_ca: true,
    pin_tsa: true,
    registration_id: "9144",
    crls: Crls::None,
    require_revocation: false,
    statement_stamp: None,
    stamp_other_bytes: false,
    provider_keys_listed: true,
    statement_chain: StatementChain::None,
};

fn pem(c: &lading_pki::Certificate) -> String {
    lading_pki::certificates_to_pem(std::slice::from_ref(c)).expect("pem")
}

fn bundle(case: Case) -> (Vec<u8>, Policy) {
    let (claimed, witnessed, suspended, strict) = (t(10), Some(t(10)), None::<DateTime<Utc>>, false);
    // The PKI: a P-256 root, an intermediate issuing the provider's certificate and the TSA's.
    let root_key = SigningKey::generate(lading_crypto::Algorithm::P256).expect("key");
    let root = issue_certificate(
        &IssueRequest::self_signed(
            "CN=Root,O=Test CA",
            CertProfile::Ca { path_len: None },
            t(1),
            t(1) + Duration::days(3650),
        ),
        &root_key,
    )
    .expect("root");
    let int_key = SigningKey::generate(lading_crypto::Algorithm::P256).expect("key");
    let int = issue_certificate(
        &IssueRequest::issued_by(
            "CN=Issuing CA,O=Test CA",
            &root,
            &int_key.verifying_key(),
            CertProfile::Ca { path_len: Some(0) },
            t(1),
            t(1) + Duration::days(1000),
        ),
        &root_key,
    )
    .expect("int");
    let tsa_key = SigningKey::generate(lading_crypto::Algorithm::P256).expect("key");
    let tsa = issue_certificate(
        &IssueRequest::issued_by(
            "CN=TSA,O=Test CA",
            &int,
            &tsa_key.verifying_key(),
            CertProfile::TimeStamping,
            t(1),
            t(1) + Duration::days(400),
        ),
        &int_key,
    )
    .expect("tsa");
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
    let provider_leaf = issue_certificate(
        &IssueRequest::issued_by(
            &format!("CN=Acme Signing,O=acme Ltd.,organizationIdentifier={}", case.registration_id),
            &int,
            &VerifyingKey::Ed25519(provider.verifying_key()),
            CertProfile::Signer,
            t(1),
            t(1) + Duration::days(300),
        ),
        &int_key,
    )
    .expect("leaf");
    let leaf_serial = provider_leaf.tbs_certificate().serial_number().as_bytes().to_vec();
    let mut acme = entity("acme", Role::Provider, &provider, history);
    if case.ca_listed {
        acme.certificate_authorities.push(pem(&int));
    }
    if !case.provider_keys_listed {
        acme.keys.clear();
    }
    let statement_chain = match case.statement_chain {
        StatementChain::None => None,
        StatementChain::Provider => Some(lading_pki::certificates_to_pem(&[provider_leaf.clone(), int.clone()])),
        StatementChain::OtherKey => Some(lading_pki::certificates_to_pem(&[tsa.clone(), int.clone()])),
    }
    .map(|r| r.expect("pem").into_bytes());
    list.entries.push(acme);
    list.entries.push(entity("cb", Role::CertificationBody, &body, vec![granted]));
    let list_env = list.sign(&operator, t(1), Duration::days(365)).expect("list");
    let list_bytes = serde_json::to_vec(&list_env.to_json()).expect("json");

    // A deliverable: a signed maintenance segment document.
    let doc = lading_model::example(lading_model::Kind::MaintenanceSegment, uuid::Uuid::nil(), t(1));
    let env = lading_crypto::sign_document(&doc, &SigningKey::Ed25519(provider.clone())).expect("sign");
    let sig = env.signatures[0].sig.clone();
    let stamp = request(&sig, &[3; 16]).expect("request");
    let tsa_chain = [tsa.clone(), int.clone()];
    let authority = Authority { signer: &tsa_key, chain: &tsa_chain, policy: DEFAULT_POLICY };
    let reply = respond(&authority, &stamp.der, t(9), &[1]).reply;
    let cert_bound = lading_pki::bundle::CertificateBundle {
        envelope: env,
        chain: vec![provider_leaf, int.clone()],
        timestamps: vec![reply],
    };
    let deliverable = serde_json::to_vec(&cert_bound.to_json().expect("bundle")).expect("json");

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
                "deliverables": [{"name": "segment.sigstore.json", "kind": "maintenance-log", "sha256": Sha256Digest::of(&deliverable).to_hex()}],
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
        (role::DELIVERABLE, "deliverables/segment.sigstore.json".to_owned(), "application/json", deliverable),
        (role::CERTIFICATE, "certificates/cert.json".to_owned(), "application/vc+json", cert_bytes),
        (role::REPORT, "reports/report.json".to_owned(), "application/json", report),
        (role::STATEMENT, "statement.json".to_owned(), "application/vc+json", statement_bytes.clone()),
        (role::TRUST_LIST, "trust-list.json".to_owned(), "application/json", list_bytes),
    ];
    for (i, r) in receipts.into_iter().enumerate() {
        members.push((role::RECEIPT, format!("receipts/{i}"), "text/plain", r));
    }
    let crl = |issuer: &lading_pki::Certificate, key: &SigningKey, this: DateTime<Utc>, revoked: Vec<Revoked>| {
        let list = issue_crl(issuer, key, 1, this, this + Duration::days(30), &revoked).expect("crl");
        lading_pki::crl_to_pem(&list).expect("pem").into_bytes()
    };
    let mut crls = Vec::new();
    match case.crls {
        Crls::None => {}
        Crls::Stale => {
            crls.push(
                lading_pki::crl_to_pem(&issue_crl(&int, &int_key, 1, t(2), t(3), &[]).expect("crl"))
                    .expect("pem")
                    .into_bytes(),
            );
        }
        Crls::LeafRevoked(day) => {
            let serial = leaf_serial.clone();
            crls.push(crl(&int, &int_key, t(20), vec![Revoked { serial, at: t(day) }]));
            crls.push(crl(&root, &root_key, t(20), vec![]));
        }
        Crls::Good | Crls::Foreign | Crls::Garbage => {
            crls.push(crl(&int, &int_key, t(20), vec![]));
            crls.push(crl(&root, &root_key, t(20), vec![]));
        }
    }
    if case.crls == Crls::Foreign {
        let other_key = SigningKey::generate(lading_crypto::Algorithm::P256).expect("key");
        let other = issue_certificate(
            &IssueRequest::self_signed(
                "CN=Other CA",
                CertProfile::Ca { path_len: None },
                t(1),
                t(1) + Duration::days(90),
            ),
            &other_key,
        )
        .expect("other");
        crls.push(crl(&other, &other_key, t(20), vec![]));
    }
    if case.crls == Crls::Garbage {
        crls.push(b"-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n".to_vec());
    }
    for (i, c) in crls.into_iter().enumerate() {
        members.push((role::CRL, format!("crls/{i}.crl"), "application/pkix-crl", c));
    }
    if let Some(chain) = statement_chain {
        members.push((role::STATEMENT_CERTIFICATE, "statement.chain.pem".to_owned(), "application/x-pem-file", chain));
    }
    if let Some(day) = case.statement_stamp {
        let over: &[u8] = if case.stamp_other_bytes { b"other bytes" } else { &statement_bytes };
        let stamp = request(over, &[4; 16]).expect("request");
        members.push((
            role::STATEMENT_TIMESTAMP,
            "statement-timestamps/0.tsr".to_owned(),
            "application/timestamp-reply",
            respond(&authority, &stamp.der, t(day), &[2]).reply,
        ));
    }
    let zip = verify::assemble(members).expect("assemble").to_zip().expect("zip");
    let policy = json!({
        "format": "lading-trust-policy/v1",
        "operators": [{"name": "op", "public_key": operator.verifying_key().to_spki_pem()}],
        "log_policy": format!("log {}\nwitness w {}\nquorum none\n", log.verifier().to_vkey(), witness.verifier().to_vkey()),
        "require_witnessed_time": strict,
        "ca_roots": if case.pin_ca { json!([{"name": "Test CA", "certificate": pem(&root)}]) } else { json!([]) },
        "tsa_roots": if case.pin_tsa { json!([{"name": "Test TSA root", "certificate": pem(&root)}]) } else { json!([]) },
        "require_revocation_data": case.require_revocation,
    });
    (zip, Policy::parse(&serde_json::to_vec(&policy).expect("json")).expect("policy"))
}

fn check<'a>(v: &'a verify::Verdict, name: &str) -> &'a verify::VerdictCheck {
    v.checks.iter().find(|c| c.name == name).unwrap_or_else(|| panic!("no check {name}: {:#?}", v.checks))
}

const CERT_CHECK: &str = "deliverable segment.sigstore.json: certificate";

#[test]
fn a_certificate_bound_deliverable_is_attributed_and_judged_at_its_timestamp() {
    let (zip, policy) = bundle(GOOD);
    let v = verify::verify(&zip, &policy, t(25));
    assert!(v.verified, "{:#?}", v.checks);
    let c = check(&v, CERT_CHECK);
    assert_eq!(c.status, CheckStatus::Pass);
    assert!(c.reason.contains("RFC 3161 timestamp by CN=TSA") && c.reason.contains("(9144)"), "{c:?}");
    assert!(c.reason.contains("2026-11-09"), "judged at the token's genTime: {c:?}");
    assert_eq!(v.time_source, verify::TimeSource::Witness { count: 1 });
}

#[test]
fn without_pinned_roots_or_a_listed_ca_the_deliverable_fails() {
    for (case, why) in [
        (Case { pin_ca: false, ..GOOD }, "pins no CA roots"),
        (Case { ca_listed: false, ..GOOD }, "no white-list entity accepts a CA"),
        (Case { registration_id: "9999", ..GOOD }, "registration id \"9999\""),
    ] {
        let (zip, policy) = bundle(case);
        let v = verify::verify(&zip, &policy, t(25));
        assert!(!v.verified);
        let c = check(&v, CERT_CHECK);
        assert!(c.status == CheckStatus::Fail && c.reason.contains(why), "{why}: {c:?}");
    }
    // TSA roots not pinned: the chain is judged at the time of logging, and the reason says why.
    let (zip, policy) = bundle(Case { pin_tsa: false, ..GOOD });
    let v = verify::verify(&zip, &policy, t(25));
    assert!(v.verified, "{:#?}", v.checks);
    assert!(check(&v, CERT_CHECK).reason.contains("not trusted: the policy pins no TSA roots"));
}

fn status(v: &verify::Verdict, name: &str) -> CheckStatus {
    check(v, name).status
}

const REVOCATION: &str = "deliverable segment.sigstore.json: revocation";

#[test]
fn carried_crls_judge_revocation_at_the_signing_time() {
    // Without CRLs: verified, with a warning naming the certificates not checked.
    let (zip, policy) = bundle(GOOD);
    let v = verify::verify(&zip, &policy, t(25));
    assert!(v.verified, "{:#?}", v.checks);
    let r = check(&v, REVOCATION);
    assert!(r.status == CheckStatus::Warn && r.reason.contains("CN=Acme Signing"), "{r:?}");
    // … a failure where the policy requires revocation data.
    let (zip, policy) = bundle(Case { require_revocation: true, ..GOOD });
    let v = verify::verify(&zip, &policy, t(25));
    assert!(!v.verified);
    assert_eq!(status(&v, REVOCATION), CheckStatus::Fail);

    // The intermediate's and the root's CRLs: the leaf, the intermediate and the TSA checked, offline.
    let (zip, policy) = bundle(Case { crls: Crls::Good, require_revocation: true, ..GOOD });
    let v = verify::verify(&zip, &policy, t(25));
    assert!(v.verified, "{:#?}", v.checks);
    let r = check(&v, REVOCATION);
    assert!(r.status == CheckStatus::Pass && r.reason.contains("2 certificate(s)"), "{r:?}");
    assert_eq!(status(&v, "deliverable segment.sigstore.json: timestamp revocation"), CheckStatus::Pass);
    assert_eq!(status(&v, "crl crls/0.crl"), CheckStatus::Pass);
    assert_eq!(status(&v, "crl crls/1.crl"), CheckStatus::Pass);

    // Revoked on the 5th, before the timestamp (the 9th): fails, naming the serial and date.
    let (zip, policy) = bundle(Case { crls: Crls::LeafRevoked(5), ..GOOD });
    let v = verify::verify(&zip, &policy, t(25));
    assert!(!v.verified);
    let c = check(&v, CERT_CHECK);
    assert!(c.status == CheckStatus::Fail && c.reason.contains("revoked") && c.reason.contains("2026-11-05"), "{c:?}");

    // Revoked on the 15th, after: the signature made on the 9th stands, with a warning naming the date.
    let (zip, policy) = bundle(Case { crls: Crls::LeafRevoked(15), ..GOOD });
    let v = verify::verify(&zip, &policy, t(25));
    assert!(v.verified, "{:#?}", v.checks);
    let r = check(&v, REVOCATION);
    assert!(r.status == CheckStatus::Warn && r.reason.contains("2026-11-15"), "{r:?}");

    // A CRL whose nextUpdate passed before the signing time, with no newer one: an error (the
    // TSA, issued by the same CA, is judged first).
    let (zip, policy) = bundle(Case { crls: Crls::Stale, ..GOOD });
    let v = verify::verify(&zip, &policy, t(25));
    assert!(!v.verified);
    let c = check(&v, "deliverable segment.sigstore.json: timestamp #0");
    assert!(c.status == CheckStatus::Fail && c.reason.contains("2026-11-03"), "{c:?}");

    // A CRL of a CA no validated path runs through: no signature over it was checked.
    let (zip, policy) = bundle(Case { crls: Crls::Foreign, ..GOOD });
    let v = verify::verify(&zip, &policy, t(25));
    assert!(!v.verified);
    let c = check(&v, "crl crls/2.crl");
    assert!(c.status == CheckStatus::Fail && c.reason.contains("CN=Other CA"), "{c:?}");

    // Bytes that are no CRL: the member is named.
    let (zip, policy) = bundle(Case { crls: Crls::Garbage, ..GOOD });
    let v = verify::verify(&zip, &policy, t(25));
    assert!(!v.verified);
    let c = check(&v, "crl crls/2.crl");
    assert!(c.status == CheckStatus::Fail && c.reason.contains("crls/2.crl"), "{c:?}");
}

#[test]
fn a_timestamp_over_the_statement_establishes_its_time_when_earliest() {
    // Stamped on the 8th, witnessed on the 10th: the TSA's time is established.
    let (zip, policy) = bundle(Case { statement_stamp: Some(8), ..GOOD });
    let v = verify::verify(&zip, &policy, t(25));
    assert!(v.verified, "{:#?}", v.checks);
    assert_eq!(v.time_source, verify::TimeSource::Timestamp);
    assert_eq!(v.logged_at, Some(t(8)));
    assert!(check(&v, "time of logging").reason.contains("RFC 3161 timestamp by CN=TSA"));
    assert_eq!(status(&v, "statement timestamp statement-timestamps/0.tsr"), CheckStatus::Pass);

    // Stamped on the 12th: the witness (the 10th) is earlier and stays the source.
    let (zip, policy) = bundle(Case { statement_stamp: Some(12), ..GOOD });
    let v = verify::verify(&zip, &policy, t(25));
    assert!(v.verified, "{:#?}", v.checks);
    assert_eq!(v.time_source, verify::TimeSource::Witness { count: 1 });
    assert_eq!(v.logged_at, Some(t(10)));

    // A token over other bytes, or with no TSA root pinned: the member fails, named.
    for (case, why) in [
        (Case { statement_stamp: Some(8), stamp_other_bytes: true, ..GOOD }, "over other bytes"),
        (Case { statement_stamp: Some(8), pin_tsa: false, ..GOOD }, "pins no TSA roots"),
    ] {
        let (zip, policy) = bundle(case);
        let v = verify::verify(&zip, &policy, t(25));
        assert!(!v.verified, "{why}");
        let c = check(&v, "statement timestamp statement-timestamps/0.tsr");
        assert!(c.status == CheckStatus::Fail && c.reason.contains(why), "{why}: {c:?}");
        assert_eq!(v.time_source, verify::TimeSource::Witness { count: 1 }, "{why}");
    }
}

#[test]
fn a_provider_listed_by_certificate_is_attributed_its_statement_by_the_chain_carried() {
    let cert_only = Case { provider_keys_listed: false, ..GOOD };
    // Listed by CA and registration id only, the chain for the statement's key carried: verified.
    let (zip, policy) = bundle(Case { statement_chain: StatementChain::Provider, ..cert_only });
    let v = verify::verify(&zip, &policy, t(25));
    assert!(v.verified, "{:#?}", v.checks);
    let c = check(&v, "statement certificate");
    assert!(c.status == CheckStatus::Pass && c.reason.contains("(9144)"), "{c:?}");
    assert_eq!(status(&v, "provider on the white list"), CheckStatus::Pass);
    // Without the chain the statement's key is on no entry.
    let (zip, policy) = bundle(cert_only);
    let v = verify::verify(&zip, &policy, t(25));
    assert!(!v.verified);
    assert_eq!(status(&v, "provider on the white list"), CheckStatus::Fail);
    // A chain for another key fails, named, and attributes nothing.
    let (zip, policy) = bundle(Case { statement_chain: StatementChain::OtherKey, ..cert_only });
    let v = verify::verify(&zip, &policy, t(25));
    assert!(!v.verified);
    let c = check(&v, "statement certificate");
    assert!(c.status == CheckStatus::Fail && c.reason.contains("not"), "{c:?}");
    assert_eq!(status(&v, "provider on the white list"), CheckStatus::Fail);
    // A chain carried beside a listed key is checked too: a wrong one fails the bundle.
    let (zip, policy) = bundle(Case { statement_chain: StatementChain::OtherKey, ..GOOD });
    let v = verify::verify(&zip, &policy, t(25));
    assert!(!v.verified);
    assert_eq!(status(&v, "statement certificate"), CheckStatus::Fail);
}
