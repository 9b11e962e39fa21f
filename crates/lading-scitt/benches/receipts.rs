//! COSE receipts (RFC 9942) against Lading's tlog-proof receipts, in one run:
//! making a receipt from the same inclusion proof and signed checkpoint, and
//! verifying it (tlog-proof with the checkpoint's signature checked each time
//! and cached; COSE with its own signature, one per receipt).
//! Figures and the machine are recorded in docs/benchmarks.md.

use criterion::{Criterion, criterion_group, criterion_main};
use lading_crypto::SigningKey;
use lading_tlog::{
    Checkpoint, CheckpointCache, KeyKind, MemoryTree, NoteSigner, Policy, Receipt, inclusion_proof, leaf_hash,
};

const SIZE: u64 = 100_000;

fn entry(n: u64) -> Vec<u8> {
    let mut e = format!("{n:020}").into_bytes();
    e.resize(100, b'.');
    e
}

fn receipts(c: &mut Criterion) {
    let key = ed25519_dalek::SigningKey::from_bytes(&[1; 32]);
    let cose_key = SigningKey::Ed25519(key.clone());
    let signer = NoteSigner::new("bench.lading.example/log", KeyKind::Ed25519, key).expect("signer");
    let policy = Policy::single_log(signer.verifier().clone());
    let mut tree = MemoryTree::new();
    for i in 0..SIZE {
        tree.push(&entry(i));
    }
    let checkpoint =
        Checkpoint { origin: "bench.lading.example/log".into(), size: SIZE, root: tree.root(), extensions: vec![] };
    let note = checkpoint.sign(&signer).expect("signed").to_text();
    let tlog = |i: u64| Receipt {
        extra: None,
        index: i,
        proof: inclusion_proof(&tree, i, SIZE).expect("proof"),
        checkpoint: note.clone(),
    };

    let mut group = c.benchmark_group("receipt_generate");
    let mut i = 0u64;
    group.bench_function("tlog_proof", |b| {
        b.iter(|| {
            i = (i + 7919) % SIZE;
            tlog(i).to_text()
        })
    });
    group.bench_function("cose", |b| {
        b.iter(|| {
            i = (i + 7919) % SIZE;
            lading_scitt::receipt::from_tlog_receipt(&tlog(i), &leaf_hash(&entry(i)), 0, &cose_key).expect("cose")
        })
    });
    group.finish();

    let samples: Vec<(String, Vec<u8>, lading_tlog::Hash)> = (0..1000u64)
        .map(|n| {
            let i = n.wrapping_mul(7919) % SIZE;
            let leaf = leaf_hash(&entry(i));
            let r = tlog(i);
            (r.to_text(), lading_scitt::receipt::from_tlog_receipt(&r, &leaf, 0, &cose_key).expect("cose"), leaf)
        })
        .collect();
    let public = cose_key.verifying_key();
    let mut group = c.benchmark_group("receipt_verify");
    let mut k = 0usize;
    group.bench_function("tlog_proof_uncached", |b| {
        b.iter(|| {
            let (text, _, leaf) = &samples[k % samples.len()];
            k += 1;
            Receipt::parse(text).expect("parse").verify(leaf, &policy).expect("verify")
        })
    });
    let mut cache = CheckpointCache::new();
    group.bench_function("tlog_proof_cached", |b| {
        b.iter(|| {
            let (text, _, leaf) = &samples[k % samples.len()];
            k += 1;
            Receipt::parse(text).expect("parse").verify_cached(leaf, &policy, &mut cache).expect("verify")
        })
    });
    group.bench_function("cose", |b| {
        b.iter(|| {
            let (_, cose, leaf) = &samples[k % samples.len()];
            k += 1;
            lading_scitt::Receipt::parse(cose).expect("parse").verify(leaf, &public, None).expect("verify")
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(2)).warm_up_time(std::time::Duration::from_millis(500));
    targets = receipts
}
criterion_main!(benches);
