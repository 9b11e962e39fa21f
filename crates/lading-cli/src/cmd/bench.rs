//! `lading bench log`: the log's figures on this machine, each next to a
//! baseline measured in the same run.

use std::io::Write as _;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use lading_log::{BatchConfig, Log};
use lading_store_sqlite::SqliteStore;
use lading_tlog::{CheckpointCache, KeyKind, NoteSigner, Policy, Receipt, leaf_hash};
use serde_json::json;

use crate::cli::{BenchHashArgs, BenchLogArgs};
use crate::cmd::log::runtime;
use crate::output;

fn signer() -> Result<NoteSigner> {
    Ok(signer_and_key()?.0)
}

/// A log signer and its key (which also signs the log's COSE receipts).
fn signer_and_key() -> Result<(NoteSigner, lading_crypto::SigningKey)> {
    let key = lading_crypto::SigningKey::generate(lading_crypto::Algorithm::Ed25519)?;
    let lading_crypto::SigningKey::Ed25519(k) = &key else { anyhow::bail!("generated a non-Ed25519 key") };
    Ok((NoteSigner::new("bench.lading.invalid/log", KeyKind::Ed25519, k.clone())?, key))
}

/// The benchmark's working directory: `dir` (created), or a temporary one
/// removed when the returned guard drops.
pub(crate) fn work_dir(dir: Option<&std::path::Path>) -> Result<(std::path::PathBuf, Option<tempfile::TempDir>)> {
    match dir {
        Some(d) => {
            std::fs::create_dir_all(d)?;
            Ok((d.to_owned(), None))
        }
        None => {
            let temp = tempfile::tempdir()?;
            Ok((temp.path().to_owned(), Some(temp)))
        }
    }
}

/// A 100-byte entry, unique per counter value.
fn entry(n: u64) -> Vec<u8> {
    let mut e = format!("bench entry {n:020}").into_bytes();
    e.resize(100, b'.');
    e
}

/// Runs `step` (which does `per_step` operations) until `seconds` pass; operations per second.
fn rate(seconds: f64, per_step: u64, mut step: impl FnMut() -> Result<()>) -> Result<f64> {
    let start = Instant::now();
    let mut ops = 0u64;
    while start.elapsed().as_secs_f64() < seconds || ops == 0 {
        step()?;
        ops += per_step;
    }
    Ok(ops as f64 / start.elapsed().as_secs_f64())
}

/// The disk's raw durable write rate: 100 bytes appended and fdatasync'd.
fn fsync_rate(dir: &std::path::Path, seconds: f64) -> Result<f64> {
    let path = dir.join("fsync-baseline");
    let mut f = std::fs::File::create(&path).context("creating the fsync baseline file")?;
    let r = rate(seconds, 1, || {
        f.write_all(&[b'x'; 100])?;
        f.sync_data()?;
        Ok(())
    });
    let _ = std::fs::remove_file(&path);
    r
}

pub(crate) fn log(args: &BenchLogArgs, json_out: bool) -> Result<ExitCode> {
    let (base, _temp) = work_dir(args.dir.as_deref())?;
    let rt = runtime()?;
    let secs = args.seconds;
    let say = |s: String| if json_out { Ok(()) } else { output::line(&s) };
    say(format!("lading bench log: {secs} s per figure, logs under {}", base.display()))?;

    let fsyncs = fsync_rate(&base, secs)?;
    say(format!("baseline: {fsyncs:.0} fdatasync/s of 100 bytes on this disk"))?;

    let mut appends = Vec::new();
    for batch in [1u64, 64, 1024] {
        let dir = base.join(format!("append-{batch}"));
        std::fs::create_dir_all(&dir)?;
        let config = BatchConfig { max_batch: batch as usize, max_wait: Duration::from_micros(200) };
        let log = rt.block_on(Log::open(SqliteStore::open(&dir)?, signer()?, config))?;
        let mut next = 0u64;
        let r = rate(secs, batch, || {
            let entries = (next..next + batch).map(entry).collect();
            next += batch;
            rt.block_on(log.append_many(entries))?;
            Ok(())
        })?;
        rt.block_on(log.shutdown());
        say(format!("durable appends, batch {batch:>4}: {r:>10.0}/s  ({:.1}× the raw fsync rate)", r / fsyncs))?;
        appends.push(json!({ "batch": batch, "per_second": r, "ratio_to_fsync": r / fsyncs }));
    }

    let dir = base.join("receipts");
    std::fs::create_dir_all(&dir)?;
    let (signer, cose_key) = signer_and_key()?;
    let policy = Policy::single_log(signer.verifier().clone());
    let config = BatchConfig { max_batch: 65_536, max_wait: Duration::from_millis(1) };
    let log = rt.block_on(Log::open(SqliteStore::open(&dir)?, signer, config))?;
    let size = args.receipt_log_size.max(1);
    let fill_start = Instant::now();
    for start in (0..size).step_by(65_536) {
        rt.block_on(log.append_many((start..(start + 65_536).min(size)).map(entry).collect()))?;
    }
    let fill = size as f64 / fill_start.elapsed().as_secs_f64();
    say(format!("filled a {size}-entry log at {fill:.0} entries/s (batches of 65,536)"))?;
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    let generated = rate(secs, 1, || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        rt.block_on(log.prove(x % size))?;
        Ok(())
    })?;
    say(format!("receipts generated (random index):  {generated:>10.0}/s"))?;
    // SCITT COSE receipts (RFC 9942) as the server makes them: the same proof, the entry
    // read back for its leaf hash, one Ed25519 signature per receipt.
    let cose_generated = rate(secs, 1, || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let index = x % size;
        let tlog = rt.block_on(log.prove(index))?;
        let leaf = leaf_hash(&rt.block_on(log.entry(index))?);
        lading_scitt::receipt::from_tlog_receipt(&tlog, &leaf, 0, &cose_key)?;
        Ok(())
    })?;
    say(format!(
        "COSE receipts generated (random index): {cose_generated:>10.0}/s  ({:.2}× the tlog-proof rate)",
        cose_generated / generated
    ))?;
    let mut cose_samples = Vec::new();
    let samples: Vec<(String, lading_tlog::Hash)> = (0..1000u64)
        .map(|i| {
            let index = i.wrapping_mul(7919) % size;
            let tlog = rt.block_on(log.prove(index))?;
            let leaf = leaf_hash(&entry(index));
            cose_samples.push((lading_scitt::receipt::from_tlog_receipt(&tlog, &leaf, 0, &cose_key)?, leaf));
            Ok((tlog.to_text(), leaf))
        })
        .collect::<Result<_>>()?;
    rt.block_on(log.shutdown());
    let mut i = 0usize;
    let uncached = rate(secs, 1, || {
        let (text, leaf) = &samples[i % samples.len()];
        i += 1;
        Receipt::parse(text)?.verify(leaf, &policy)?;
        Ok(())
    })?;
    let mut cache = CheckpointCache::new();
    let cached = rate(secs, 1, || {
        let (text, leaf) = &samples[i % samples.len()];
        i += 1;
        Receipt::parse(text)?.verify_cached(leaf, &policy, &mut cache)?;
        Ok(())
    })?;
    say(format!(
        "receipts verified, cached checkpoint: {cached:>10.0}/s  ({:.1}× verifying the checkpoint signature each time: {uncached:.0}/s)",
        cached / uncached
    ))?;
    let public = cose_key.verifying_key();
    let cose_verified = rate(secs, 1, || {
        let (bytes, leaf) = &cose_samples[i % cose_samples.len()];
        i += 1;
        lading_scitt::Receipt::parse(bytes)?.verify(leaf, &public, Some("bench.lading.invalid/log"))?;
        Ok(())
    })?;
    say(format!(
        "COSE receipts verified:             {cose_verified:>10.0}/s  ({:.2}× tlog-proof with a cached checkpoint, {:.2}× uncached)",
        cose_verified / cached,
        cose_verified / uncached
    ))?;
    if json_out {
        output::json_line(&json!({
            "ok": true,
            "seconds_per_figure": secs,
            "fsync_per_second": fsyncs,
            "durable_appends": appends,
            "receipt_log_size": size,
            "fill_per_second": fill,
            "receipts_generated_per_second": generated,
            "receipts_verified_cached_per_second": cached,
            "receipts_verified_uncached_per_second": uncached,
            "cose_receipts_generated_per_second": cose_generated,
            "cose_receipts_verified_per_second": cose_verified,
        }))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Best of three runs of `f`, in seconds.
fn best_of_3(mut f: impl FnMut() -> Result<()>) -> Result<f64> {
    let mut best = f64::MAX;
    for _ in 0..3 {
        let start = Instant::now();
        f()?;
        best = best.min(start.elapsed().as_secs_f64());
    }
    Ok(best)
}

pub(crate) fn hash(args: &BenchHashArgs, json_out: bool) -> Result<ExitCode> {
    let (base, _temp) = work_dir(args.dir.as_deref())?;
    let say = |s: String| if json_out { Ok(()) } else { output::line(&s) };
    // One large file of pseudo-random bytes, written once; later runs read it from the page cache,
    // for lading and openssl alike.
    let big = base.join("big.bin");
    let bytes = args.size_mib << 20;
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&big)?);
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut block = vec![0u8; 1 << 20];
        for _ in 0..args.size_mib {
            for chunk in block.chunks_exact_mut(8) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                chunk.copy_from_slice(&x.to_le_bytes());
            }
            f.write_all(&block)?;
        }
        f.flush()?;
    }
    let lading_secs = best_of_3(|| {
        lading_release::tree::hash_file(&big, &|_| {})?;
        Ok(())
    })?;
    let openssl_secs = best_of_3(|| {
        let out = std::process::Command::new("openssl")
            .args(["dgst", "-sha256"])
            .arg(&big)
            .output()
            .context("running openssl")?;
        anyhow::ensure!(out.status.success(), "openssl dgst failed");
        Ok(())
    })?;
    let mb = bytes as f64 / 1e6;
    let ratio = openssl_secs / lading_secs;
    say(format!(
        "one {} MiB file: lading {:.0} MB/s, openssl dgst -sha256 {:.0} MB/s — {:.1} % of openssl",
        args.size_mib,
        mb / lading_secs,
        mb / openssl_secs,
        ratio * 100.0
    ))?;
    std::fs::remove_file(&big)?;

    // Many small files (1–8 KiB).
    let small = base.join("small");
    for i in 0..args.files {
        let dir = small.join(format!("{:03}", i % 500));
        if i < 500 {
            std::fs::create_dir_all(&dir)?;
        }
        std::fs::write(dir.join(format!("f{i}")), vec![(i % 251) as u8; 1024 + (i % 8) * 1024])?;
    }
    let one = best_of_3(|| {
        lading_release::tree::scan(&small, 1, &|_| {})?;
        Ok(())
    })?;
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let all = best_of_3(|| {
        lading_release::tree::scan(&small, 0, &|_| {})?;
        Ok(())
    })?;
    say(format!(
        "{} small files: 1 thread {:.0} files/s, {cores} threads {:.0} files/s — {:.2}× the single-core rate",
        args.files,
        args.files as f64 / one,
        args.files as f64 / all,
        one / all
    ))?;
    std::fs::remove_dir_all(&small)?;
    if json_out {
        output::json_line(&json!({
            "ok": true,
            "large_file_mib": args.size_mib,
            "lading_mb_per_s": mb / lading_secs,
            "openssl_mb_per_s": mb / openssl_secs,
            "ratio_to_openssl": ratio,
            "small_files": args.files,
            "files_per_s_one_thread": args.files as f64 / one,
            "files_per_s_all_cores": args.files as f64 / all,
            "cores": cores,
            "speedup": one / all,
        }))?;
    }
    Ok(ExitCode::SUCCESS)
}
