//! `lading inspect …`: ISO 2859-1 acceptance sampling for inspection lots.

use std::process::ExitCode;

use anyhow::{Result, anyhow};
use lading_model::inspection::{InspectionLevel, Severity};
use lading_model::sampling;
use serde_json::json;

use crate::cli::{InspectPlanArgs, InspectSampleArgs};
use crate::output;

fn level(s: &str) -> InspectionLevel {
    match s {
        "I" => InspectionLevel::I,
        "III" => InspectionLevel::III,
        "S-1" => InspectionLevel::S1,
        "S-2" => InspectionLevel::S2,
        "S-3" => InspectionLevel::S3,
        "S-4" => InspectionLevel::S4,
        _ => InspectionLevel::II,
    }
}

fn severity(s: &str) -> Severity {
    match s {
        "tightened" => Severity::Tightened,
        "reduced" => Severity::Reduced,
        _ => Severity::Normal,
    }
}

pub(crate) fn plan(args: &InspectPlanArgs, json_out: bool) -> Result<ExitCode> {
    let (lvl, sev) = (level(&args.level), severity(&args.severity));
    let letter = sampling::code_letter(args.lot_size, lvl).map_err(|e| anyhow!("--lot-size: {e}"))?;
    let mut plans = Vec::new();
    for aql in &args.aql {
        let p = sampling::plan(args.lot_size, lvl, sev, *aql).map_err(|e| anyhow!("--aql: {e}"))?;
        plans.push((*aql, p));
    }
    if json_out {
        output::json_line(&json!({
            "ok": true,
            "standard": "ISO 2859-1",
            "lot_size": args.lot_size,
            "inspection_level": args.level,
            "severity": args.severity,
            "code_letter": letter.to_string(),
            "plans": plans.iter().map(|(aql, p)| json!({
                "aql": aql, "sample_size": p.sample_size, "accept": p.accept, "reject": p.reject, "whole_lot": p.whole_lot,
            })).collect::<Vec<_>>(),
        }))?;
    } else {
        output::line(&format!(
            "lot of {} at level {}, {} inspection: code letter {letter}",
            args.lot_size, args.level, args.severity
        ))?;
        for (aql, p) in &plans {
            output::line(&format!(
                "  AQL {aql:<6} inspect {:>5} item(s){}  accept ≤ {}, reject ≥ {}",
                p.sample_size,
                if p.whole_lot { " (the whole lot)" } else { "" },
                p.accept,
                p.reject
            ))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn sample(args: &InspectSampleArgs, json_out: bool) -> Result<ExitCode> {
    let seed = hex::decode(&args.seed).map_err(|e| anyhow!("--seed {:?} is not hex: {e}", args.seed))?;
    if args.sample_size > 1_000_000 {
        return Err(anyhow!("--sample-size {} is more than 1,000,000 items", args.sample_size));
    }
    let picked = sampling::select(args.lot_size, args.sample_size, &seed);
    if json_out {
        output::json_line(&json!({ "ok": true, "lot_size": args.lot_size, "positions": picked }))?;
    } else {
        output::line(&picked.iter().map(ToString::to_string).collect::<Vec<_>>().join(" "))?;
    }
    Ok(ExitCode::SUCCESS)
}
