//! `lading release pack|verify|diff|history`.

use std::io::IsTerminal as _;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context as _, Result, anyhow};
use lading_model::meta::{Metadata, Provider};
use lading_model::release::{ReleaseScope, ServiceTerms};
use lading_release::{LoadedRelease, PackOptions, load_release};
use serde_json::json;

use crate::cli::{ReleaseDiffArgs, ReleaseHistoryArgs, ReleasePackArgs, ReleaseVerifyArgs};
use crate::{fsio, output};

/// A byte counter on stderr when it is a terminal.
fn progress(what: &str) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template(&format!("{{spinner}} {what} {{bytes}} ({{bytes_per_sec}})"))
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    bar
}

fn load(path: &Path, key: &lading_crypto::VerifyingKey) -> Result<LoadedRelease> {
    let bytes = fsio::read_limited(path, lading_release::package::MAX_PACKAGE_BYTES)?;
    load_release(&bytes, key).with_context(|| format!("{}", path.display()))
}

pub(crate) fn pack(args: &ReleasePackArgs, json_out: bool) -> Result<ExitCode> {
    let key = crate::keys::signer(&args.key)?;
    let previous = match &args.previous {
        Some(p) => Some((
            p.clone(),
            load(p, &key.verifying_key()).map_err(|e| anyhow!("previous release {}: {e:#}", p.display()))?,
        )),
        None => None,
    };
    let notes = match &args.notes {
        Some(p) => fsio::read_text(p, 4 << 20)?,
        None => String::new(),
    };
    let now = crate::cmd::document::now_seconds();
    let provider = Provider {
        legal_name: args.provider.clone(),
        registration_id: args.registration_id.clone(),
        white_list_entry: None,
        pilot_zone: None,
    };
    let jurisdictions = args.jurisdiction.iter().map(|j| j.to_ascii_uppercase()).collect();
    let meta = Metadata::new(lading_model::Kind::SaasRelease, uuid::Uuid::new_v4(), provider, jurisdictions, now);
    let options = PackOptions {
        meta,
        service: args.name.clone(),
        version: args.version.clone(),
        channel: args.channel.clone(),
        sboms: args.sbom.clone(),
        provenance: args.provenance.clone(),
        oci: args.oci.clone(),
        source_repo: args.source_repo.clone(),
        commit: args.commit.clone(),
        builder: args.builder.clone(),
        notes,
        terms: ServiceTerms {
            availability_target: args.availability,
            support_hours: args.support_hours.clone(),
            data_location: args.data_location.iter().map(|c| c.to_ascii_uppercase()).collect(),
        },
        scope: ReleaseScope { tenants: Vec::new(), regions: args.region.clone() },
        previous,
        threads: args.threads,
        strict_licences: args.strict,
    };
    // Licences that are not SPDX expressions are named per component.
    for path in &args.sbom {
        if let Ok(sbom) = std::fs::read(path).map_err(drop).and_then(|b| lading_release::parse_sbom(&b).map_err(drop)) {
            for p in &sbom.invalid_licenses {
                eprintln!(
                    "{}: {}: licence {:?} is not an SPDX expression ({}){}",
                    path.display(),
                    p.component,
                    p.expression,
                    p.reason,
                    if args.strict { "" } else { "; kept as given (--strict refuses it)" }
                );
            }
        }
    }
    let bar = progress("hashing");
    let package = lading_release::pack(&args.dir, &options, &key, &|n| bar.inc(n))?;
    bar.finish_and_clear();
    fsio::write_output(&args.out, &package.to_zip()?)?;
    let manifest: serde_json::Value = package
        .member("manifest")
        .map(|(_, b)| serde_json::from_slice(b))
        .transpose()?
        .ok_or_else(|| anyhow!("the package has no manifest"))?;
    let artefacts = manifest["artefacts"].as_array().map_or(&[][..], Vec::as_slice);
    let count = |kind: &str| artefacts.iter().filter(|a| a["type"] == kind).count();
    let (files, directories) = (count("file"), count("directory"));
    if json_out {
        output::json_line(&json!({
            "ok": true, "package": args.out, "service": args.name, "version": manifest["version"],
            "artefacts": artefacts.len(), "files": files, "directories": directories,
            "sboms": manifest["sboms"], "previous": manifest["previous"],
        }))?;
    } else {
        output::line(&format!(
            "packed {} {}: {files} files, {directories} directories, {} SBOM(s){} → {}",
            args.name,
            manifest["version"].as_str().unwrap_or(""),
            manifest["sboms"].as_array().map_or(0, Vec::len),
            manifest["previous"]["version"].as_str().map(|v| format!(", follows {v}")).unwrap_or_default(),
            args.out.display()
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn verify(args: &ReleaseVerifyArgs, json_out: bool) -> Result<ExitCode> {
    let key = fsio::read_public_key(&args.pubkey)?;
    let release = load(&args.package, &key)?;
    let bar = progress("hashing");
    let report = lading_release::verify_tree(&release.manifest, &args.dir, 0, &|n| bar.inc(n))?;
    bar.finish_and_clear();
    if json_out {
        output::json_line(&json!({ "ok": report.is_exact(), "version": release.manifest.version, "report": report }))?;
    } else {
        for p in &report.missing {
            output::line(&format!("missing   {p}"))?;
        }
        for p in &report.extra {
            output::line(&format!("extra     {p}"))?;
        }
        for p in &report.missing_directories {
            output::line(&format!("missing   {p}/ (directory)"))?;
        }
        for p in &report.extra_directories {
            output::line(&format!("extra     {p}/ (directory)"))?;
        }
        for m in &report.modified {
            output::line(&format!(
                "modified  {}: released {} bytes sha256 {}, found {} bytes sha256 {}",
                m.path, m.expected_size, m.expected_sha256, m.found_size, m.found_sha256
            ))?;
        }
        for (p, want, found) in &report.mode_changed {
            output::line(&format!("mode      {p}: released {want}, found {found}"))?;
        }
        if report.is_exact() {
            output::line(&format!(
                "OK: {} is exactly {} {} ({} files)",
                args.dir.display(),
                release.manifest.service,
                release.manifest.version,
                report.checked
            ))?;
        }
    }
    if report.is_exact() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("FAIL: {} differs from release {}", args.dir.display(), release.manifest.version);
        Ok(ExitCode::from(1))
    }
}

pub(crate) fn diff(args: &ReleaseDiffArgs, json_out: bool) -> Result<ExitCode> {
    let key = fsio::read_public_key(&args.pubkey)?;
    let (a, b) = (load(&args.a, &key)?, load(&args.b, &key)?);
    let d = lading_release::diff(&a, &b);
    if json_out {
        output::json_line(&json!({ "ok": true, "diff": d }))?;
        return Ok(ExitCode::SUCCESS);
    }
    output::line(&format!("{} → {}", d.from, d.to))?;
    for (label, list) in [("added", &d.added), ("removed", &d.removed), ("changed", &d.changed)] {
        for p in list {
            output::line(&format!("  file {label:<8} {p}"))?;
        }
    }
    for c in &d.components_added {
        output::line(&format!("  component added    {c}"))?;
    }
    for c in &d.components_removed {
        output::line(&format!("  component removed  {c}"))?;
    }
    for (n, o, v) in &d.version_changed {
        output::line(&format!("  component version  {n}: {o} → {v}"))?;
    }
    for (n, o, l) in &d.licence_changed {
        output::line(&format!("  component licence  {n}: {o} → {l}"))?;
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn history(args: &ReleaseHistoryArgs, json_out: bool) -> Result<ExitCode> {
    let key = fsio::read_public_key(&args.pubkey)?;
    let releases = args.releases.iter().map(|p| load(p, &key)).collect::<Result<Vec<_>>>()?;
    match lading_release::history(&releases) {
        Ok(chain) => {
            if json_out {
                let list: Vec<_> = chain
                    .iter()
                    .map(|r| json!({ "version": r.manifest.version, "released_at": r.manifest.released_at, "manifest_sha256": r.manifest_sha256 }))
                    .collect();
                output::json_line(&json!({ "ok": true, "chain": list }))?;
            } else {
                for r in &chain {
                    output::line(&format!(
                        "{:<12} {}  {}",
                        r.manifest.version,
                        r.manifest.released_at.to_rfc3339(),
                        r.manifest_sha256
                    ))?;
                }
                output::line(&format!("OK: {} releases form one chain", chain.len()))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            if json_out {
                output::json_line(&json!({ "ok": false, "reason": e.to_string() }))?;
            }
            eprintln!("FAIL: {e}");
            Ok(ExitCode::from(1))
        }
    }
}
