//! COSE receipts (RFC 9942): strict CBOR, vds, vdp inclusion proofs, and
//! verification against a fixed log key for a fixed leaf.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(receipt) = lading_scitt::Receipt::parse(data) else { return };
    let key = lading_crypto::SigningKey::Ed25519(lading_fuzz::ed25519(2)).verifying_key();
    let leaf = lading_tlog::leaf_hash(b"entry");
    if let Ok(v) = receipt.verify(&leaf, &key, Some("example.com/log")) {
        assert!(v.proof.leaf_index < v.proof.tree_size);
    }
});
