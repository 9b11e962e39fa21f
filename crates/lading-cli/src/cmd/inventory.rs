//! `lading inventory classify`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context as _, Result, anyhow};
use lading_inventory::{Assessment, Rules, classify as run_classify, parse_csv, parse_json, report};
use serde_json::json;

use crate::cli::InventoryClassifyArgs;
use crate::{fsio, output};

/// Reads, parses and classifies an inventory file.
pub(crate) fn assess(path: &Path, rules: &Rules) -> Result<(Vec<Assessment>, Vec<String>)> {
    let bytes = fsio::read_limited(path, lading_inventory::MAX_INPUT_BYTES as u64)?;
    let is_json = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let inventory = if is_json { parse_json(&bytes) } else { parse_csv(&bytes) }
        .map_err(|e| anyhow!("{}:{}:{}: {}", path.display(), e.line, e.column, e.message))?;
    Ok((run_classify(&inventory.offerings, rules), inventory.unknown_columns))
}

pub(crate) fn load_rules(path: Option<&Path>) -> Result<Rules> {
    match path {
        None => Rules::reference().context("the shipped rules"),
        Some(p) => Rules::parse(&fsio::read_text(p, 4 << 20)?).with_context(|| format!("{}", p.display())),
    }
}

pub(crate) fn classify(args: &InventoryClassifyArgs, json_out: bool) -> Result<ExitCode> {
    // Checked here rather than with clap's conflicts_with: --json is global, and a
    // subcommand's definition that names it cannot be rendered on its own (docs, man pages).
    if args.csv && json_out {
        anyhow::bail!("--csv and --json choose two different outputs: give one of them");
    }
    let rules = load_rules(args.rules.as_deref())?;
    let (assessments, unknown) = assess(&args.offerings, &rules)?;
    if !unknown.is_empty() {
        eprintln!("note: columns kept but not read: {}", unknown.join(", "));
    }
    if let Some(html) = &args.html {
        let words = match args.lang.lang() {
            lading_console::i18n::Lang::En => &report::EN,
            lading_console::i18n::Lang::ZhCn => &report::ZH_CN,
        };
        let page = report::html(&assessments, &rules, &args.offerings.display().to_string(), words);
        fsio::write_output(html, page.as_bytes())?;
    }
    if json_out {
        output::json_line(&json!({
            "ok": true,
            "rules": { "version": rules.version, "label": rules.label },
            "unknown_columns": unknown,
            "offerings": assessments,
        }))?;
    } else if args.csv {
        print!("{}", report::csv(&assessments));
    } else {
        print!("{}", report::table(&assessments));
        let mapped = assessments.iter().filter(|a| !a.out_of_scope()).count();
        output::line(&format!(
            "\n{mapped} of {} offerings map to a deliverable kind ({})",
            assessments.len(),
            rules.label
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}
