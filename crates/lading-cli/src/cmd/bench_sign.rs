//! `lading bench sign`: signatures per second of keys wherever they live
//! (files, encrypted files, PKCS#11 tokens), the first key the baseline.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Result;
use serde_json::json;

use crate::cli::BenchSignArgs;
use crate::output;
use lading_crypto::Signer as _;
use lading_tlog::KeyKind;

pub(crate) fn sign(args: &BenchSignArgs, json_out: bool) -> Result<ExitCode> {
    // A checkpoint-sized message (a signed note's text is ~100 bytes).
    let message = vec![b'c'; 128];
    let mut rows = Vec::new();
    for value in &args.key {
        let signer = crate::keys::signer(value)?;
        // A log signs its checkpoint text through a note signer.
        let note = if args.checkpoint {
            Some(crate::keys::note_signer("bench.example/log", KeyKind::Ed25519, Arc::clone(&signer))?)
        } else {
            None
        };
        let text = "bench.example/log\n1000000\nq0Bh0Zb2Xb3oH8k0Cqg3w0s3nTq9x8o8Jm1ZkJ7W9Xo=\n";
        let sign = || -> Result<()> {
            match &note {
                Some(n) => drop(n.sign(text)?),
                None => drop(signer.try_sign(&message)?),
            }
            Ok(())
        };
        sign()?; // warm up: sessions, login, first use
        let start = Instant::now();
        let mut n = 0u64;
        while start.elapsed().as_secs_f64() < args.seconds || n == 0 {
            sign()?;
            n += 1;
        }
        let per_second = n as f64 / start.elapsed().as_secs_f64();
        rows.push((signer.describe(), signer.algorithm(), per_second));
    }
    let base = rows.first().map_or(1.0, |r| r.2);
    if json_out {
        let keys: Vec<_> = rows
            .iter()
            .map(|(key, alg, rate)| json!({ "key": key, "algorithm": alg.name(), "signatures_per_second": rate.round(), "ratio_to_first": rate / base }))
            .collect();
        output::json_line(
            &json!({ "ok": true, "seconds_each": args.seconds, "checkpoint": args.checkpoint, "keys": keys }),
        )?;
    } else {
        for (key, alg, rate) in &rows {
            output::line(&format!("{rate:>10.0} signatures/s  {:>5.3}x  {alg} {key}", rate / base))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
