//! Property tests: for random trees, every proof verifies and any flipped
//! bit of proof, root, index or entry makes it fail.

use lading_tlog::{
    Hash, HashReader, MemoryTree, consistency_proof, inclusion_proof, leaf_hash, verify_consistency, verify_inclusion,
};
use proptest::prelude::*;

fn tree_of(size: u64) -> (MemoryTree, Vec<Hash>) {
    let mut tree = MemoryTree::new();
    let mut roots = vec![Hash::empty()];
    for i in 0..size {
        tree.push(&i.to_le_bytes());
        roots.push(tree.root());
    }
    (tree, roots)
}

fn flip(h: &Hash, bit: usize) -> Hash {
    let mut out = *h;
    out.0[bit / 8 % 32] ^= 1 << (bit % 8);
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn inclusion_proofs_verify_and_every_change_fails(size in 1u64..600, index_seed in any::<u64>(), bit in 0usize..256, which in any::<prop::sample::Index>()) {
        let (tree, roots) = tree_of(size);
        let index = index_seed % size;
        let root = roots[size as usize];
        let proof = inclusion_proof(&tree, index, size).expect("proof");
        let entry = index.to_le_bytes();
        let leaf = leaf_hash(&entry);
        prop_assert_eq!(tree.node_hash(0, index).expect("leaf"), leaf);
        prop_assert!(verify_inclusion(&leaf, index, size, &proof, &root).is_ok());

        // A flipped bit anywhere in the proof.
        if !proof.is_empty() {
            let mut bad = proof.clone();
            let i = which.index(bad.len());
            bad[i] = flip(&bad[i], bit);
            prop_assert!(verify_inclusion(&leaf, index, size, &bad, &root).is_err());
        }
        // In the root, the leaf, the entry, the index.
        prop_assert!(verify_inclusion(&leaf, index, size, &proof, &flip(&root, bit)).is_err());
        prop_assert!(verify_inclusion(&flip(&leaf, bit), index, size, &proof, &root).is_err());
        let mut entry2 = entry;
        entry2[bit / 8 % 8] ^= 1 << (bit % 8);
        prop_assert!(verify_inclusion(&leaf_hash(&entry2), index, size, &proof, &root).is_err());
        let other_index = index ^ (1 << (bit % 10));
        if other_index != index {
            prop_assert!(verify_inclusion(&leaf, other_index, size, &proof, &root).is_err());
        }
        // A shortened or lengthened proof.
        if !proof.is_empty() {
            prop_assert!(verify_inclusion(&leaf, index, size, &proof[..proof.len() - 1], &root).is_err());
        }
        let mut longer = proof.clone();
        longer.push(root);
        prop_assert!(verify_inclusion(&leaf, index, size, &longer, &root).is_err());
    }

    #[test]
    fn consistency_proofs_verify_and_every_change_fails(new in 2u64..600, old_seed in any::<u64>(), bit in 0usize..256, which in any::<prop::sample::Index>()) {
        let (tree, roots) = tree_of(new);
        let old = 1 + old_seed % (new - 1);
        let (old_root, new_root) = (roots[old as usize], roots[new as usize]);
        let proof = consistency_proof(&tree, old, new).expect("proof");
        prop_assert!(verify_consistency(old, new, &proof, &old_root, &new_root).is_ok());
        let mut bad = proof.clone();
        let i = which.index(bad.len());
        bad[i] = flip(&bad[i], bit);
        prop_assert!(verify_consistency(old, new, &bad, &old_root, &new_root).is_err());
        prop_assert!(verify_consistency(old, new, &proof, &flip(&old_root, bit), &new_root).is_err());
        prop_assert!(verify_consistency(old, new, &proof, &old_root, &flip(&new_root, bit)).is_err());
        prop_assert!(verify_consistency(old + 1, new, &proof, &roots[old as usize + 1], &new_root).is_err() || old + 1 == new);
        prop_assert!(verify_consistency(old, new, &proof[..proof.len() - 1], &old_root, &new_root).is_err());
    }
}
