//! `POST /entries` bodies through the service's checks that need no state:
//! the strict CBOR pre-parse at the statement limits, the statement, the
//! issuer it names (x5chain certificates included), its receipts, and the
//! concise problem details an error answers with.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let checked = lading_scitt::cbor::check(data, lading_scitt::cbor::Limits::STATEMENT, "body");
    match lading_scitt::SignedStatement::parse(data) {
        Ok(statement) => {
            assert!(checked.is_ok(), "a statement passed the pre-parse");
            let _ = lading_scitt::policy::issuer_key(&statement);
            for r in &statement.receipts {
                if let Ok(receipt) = lading_scitt::Receipt::parse(r) {
                    let key = lading_crypto::SigningKey::Ed25519(lading_fuzz::ed25519(2)).verifying_key();
                    let _ = receipt.verify(&statement.leaf_hash(), &key, None);
                }
            }
        }
        Err(e) => {
            let problem = lading_scitt::scrapi::problem_details("Malformed request", &e.to_string());
            lading_scitt::cbor::check(&problem, lading_scitt::cbor::Limits::RECEIPT, "problem").expect("problem details are strict CBOR");
        }
    }
});
