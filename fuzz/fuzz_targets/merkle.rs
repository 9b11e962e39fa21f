//! Merkle inclusion and range proofs (a differential target): proofs the
//! library makes verify against a root computed by a plain recursive
//! RFC 9162 implementation, and proofs with any hash changed do not.
#![no_main]
use lading_tlog::{Hash, leaf_hash, node_hash};
use libfuzzer_sys::fuzz_target;

/// RFC 9162 §2.1.1 MTH, written the obvious way.
fn naive_root(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => Hash(sha2_empty()),
        1 => leaves[0],
        n => {
            let k = n.next_power_of_two() / 2;
            node_hash(&naive_root(&leaves[..k]), &naive_root(&leaves[k..]))
        }
    }
}

fn sha2_empty() -> [u8; 32] {
    // SHA-256 of the empty string.
    let hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).expect("hex");
    }
    out
}

fuzz_target!(|input: (u16, u16, u16, u8)| {
    let (size, a, b, flip) = input;
    let size = u64::from(size % 700) + 1;
    let leaves: Vec<Hash> = (0..size).map(|i| leaf_hash(&i.to_be_bytes())).collect();
    let mut tree = lading_tlog::MemoryTree::new();
    for i in 0..size {
        tree.push(&i.to_be_bytes());
    }
    let root = naive_root(&leaves);
    assert_eq!(lading_tlog::tree_hash(&tree, size).expect("root"), root, "roots differ at size {size}");
    let index = u64::from(a) % size;
    let proof = lading_tlog::inclusion_proof(&tree, index, size).expect("proof");
    lading_tlog::verify_inclusion(&leaves[index as usize], index, size, &proof, &root).expect("own proof verifies");
    if !proof.is_empty() {
        let mut bad = proof.clone();
        let at = usize::from(flip) % bad.len();
        bad[at].0[0] ^= 1;
        assert!(lading_tlog::verify_inclusion(&leaves[index as usize], index, size, &bad, &root).is_err());
    }
    let (x, y) = (u64::from(a) % size, u64::from(b) % size);
    let (start, end) = (x.min(y), x.max(y) + 1);
    if start < end {
        let proof = lading_tlog::range_proof(&tree, start, end, size).expect("range proof");
        lading_tlog::verify_range(start, &leaves[start as usize..end as usize], size, &proof, &root)
            .expect("range verifies");
    }
});
