//! Release hashing throughput: one large file, and many small files on one
//! thread against all cores. `lading bench hash` runs the same measurement
//! next to `openssl dgst -sha256`; figures are in docs/benchmarks.md.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn hashing(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let big = dir.path().join("big.bin");
    let size = 256usize << 20;
    std::fs::write(&big, (0..size).map(|i| ((i * 2_654_435_761) >> 13) as u8).collect::<Vec<u8>>()).expect("write");
    let mut group = c.benchmark_group("release_hashing");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(size as u64));
    group.bench_function("one_256mib_file", |b| {
        b.iter(|| lading_release::tree::hash_file(&big, &|_| {}).expect("hash"))
    });
    let small = dir.path().join("small");
    let files = 10_000usize;
    for i in 0..files {
        let d = small.join(format!("{:02}", i % 50));
        std::fs::create_dir_all(&d).expect("mkdir");
        std::fs::write(d.join(format!("f{i}")), vec![(i % 251) as u8; 2048]).expect("write");
    }
    group.throughput(Throughput::Elements(files as u64));
    group.bench_function("10k_small_files_1_thread", |b| {
        b.iter(|| lading_release::tree::scan(&small, 1, &|_| {}).expect("scan"))
    });
    group.bench_function("10k_small_files_all_cores", |b| {
        b.iter(|| lading_release::tree::scan(&small, 0, &|_| {}).expect("scan"))
    });
    group.finish();
}

criterion_group!(benches, hashing);
criterion_main!(benches);
