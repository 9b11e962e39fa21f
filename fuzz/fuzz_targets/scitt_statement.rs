//! SCITT signed statements (COSE_Sign1): strict CBOR, headers, signature,
//! Lading's payload policy, the registered form and transparent statements.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(statement) = lading_scitt::SignedStatement::parse(data) else { return };
    let key = lading_fuzz::provider();
    let _ = statement.verify_signature(&key);
    let _ = lading_scitt::policy::issuer_key(&statement);
    let _ = lading_scitt::policy::check_key_binding(&statement, &key);
    let _ = lading_scitt::policy::check_payload(&statement, &key);
    // The registered form (empty unprotected header) is a statement with the same entry.
    let registered = lading_scitt::SignedStatement::parse(&statement.registered_bytes()).expect("registered form parses");
    assert_eq!(registered.entry(), statement.entry());
    if let Ok(transparent) = statement.with_receipts(&[vec![0xa0]]) {
        let t = lading_scitt::SignedStatement::parse(&transparent).expect("a transparent statement parses");
        assert_eq!(t.entry(), statement.entry(), "receipts do not change the entry");
    }
});
