//! Reading SBOMs: CycloneDX 1.4–1.6 JSON and SPDX 2.3 JSON.
//!
//! Typed structs of our own, covering what a release needs (components,
//! versions, licences, package URLs): `cyclonedx-bom` 0.8 stops at CycloneDX
//! 1.5 and `spdx-rs` is unmaintained. Licence expressions are checked with the
//! `spdx` crate.

use serde::Deserialize;

use lading_model::release::SbomFormat;

/// A component listed by an SBOM.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Component {
    /// Name (with group / namespace when the format has one).
    pub name: String,
    /// Version, if given.
    pub version: String,
    /// Licence expression or names, as given (SPDX expression when valid).
    pub licenses: Vec<String>,
    /// Package URL, if given.
    pub purl: Option<String>,
}

/// A parsed SBOM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sbom {
    /// Format.
    pub format: SbomFormat,
    /// Format version, e.g. `1.6` or `2.3`.
    pub spec_version: String,
    /// Components, sorted by name and version.
    pub components: Vec<Component>,
    /// Licences given as SPDX (a CycloneDX `expression` or `license.id`,
    /// an SPDX `licenseConcluded`/`licenseDeclared`) that are not valid
    /// SPDX expressions, per component. (CycloneDX `license.name` is free
    /// text by design and not checked.)
    pub invalid_licenses: Vec<LicenceProblem>,
}

/// A component's licence that is not a valid SPDX expression.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct LicenceProblem {
    /// The component, `name@version`.
    pub component: String,
    /// The licence as given.
    pub expression: String,
    /// Why the `spdx` crate refuses it.
    pub reason: String,
}

/// Checks `expression` as an SPDX licence expression (strict: SPDX ids,
/// `WITH` exceptions, `AND`/`OR`, `LicenseRef-`).
fn check_licence(problems: &mut Vec<LicenceProblem>, name: &str, version: &str, expression: &str) {
    if let Err(e) = spdx::Expression::parse(expression) {
        problems.push(LicenceProblem {
            component: format!("{name}@{version}"),
            expression: expression.to_owned(),
            reason: e.reason.to_string(),
        });
    }
}

/// Why an SBOM cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SbomError(pub String);

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CdxBom {
    bom_format: String,
    spec_version: String,
    #[serde(default)]
    components: Vec<CdxComponent>,
}

#[derive(Deserialize)]
struct CdxComponent {
    #[serde(default)]
    group: Option<String>,
    name: String,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    purl: Option<String>,
    #[serde(default)]
    licenses: Vec<CdxLicenseChoice>,
    #[serde(default)]
    components: Vec<CdxComponent>,
}

#[derive(Deserialize)]
struct CdxLicenseChoice {
    #[serde(default)]
    license: Option<CdxLicense>,
    #[serde(default)]
    expression: Option<String>,
}

#[derive(Deserialize)]
struct CdxLicense {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SpdxDoc {
    spdx_version: String,
    #[serde(default)]
    packages: Vec<SpdxPackage>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SpdxPackage {
    name: String,
    #[serde(default)]
    version_info: Option<String>,
    #[serde(default)]
    license_concluded: Option<String>,
    #[serde(default)]
    license_declared: Option<String>,
    #[serde(default)]
    external_refs: Vec<SpdxRef>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SpdxRef {
    reference_type: String,
    reference_locator: String,
}

fn flatten(out: &mut Vec<Component>, problems: &mut Vec<LicenceProblem>, list: Vec<CdxComponent>) {
    for c in list {
        let name = match c.group.as_deref().filter(|g| !g.is_empty()) {
            Some(g) => format!("{g}/{}", c.name),
            None => c.name,
        };
        let version = c.version.unwrap_or_default();
        let mut licenses = Vec::new();
        for l in c.licenses {
            let (spdx, text) = match (l.expression, l.license) {
                (Some(e), _) => (true, e),
                (None, Some(CdxLicense { id: Some(id), .. })) => (true, id),
                (None, Some(CdxLicense { name: Some(n), .. })) => (false, n),
                _ => continue,
            };
            if spdx {
                check_licence(problems, &name, &version, &text);
            }
            licenses.push(text);
        }
        out.push(Component { name, version, licenses, purl: c.purl });
        flatten(out, problems, c.components);
    }
}

/// Parses an SBOM, detecting its format.
pub fn parse_sbom(bytes: &[u8]) -> Result<Sbom, SbomError> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| SbomError(format!("not JSON: {e}")))?;
    let mut sbom = if value.get("bomFormat").is_some() {
        let bom: CdxBom = serde_json::from_value(value).map_err(|e| SbomError(format!("not a CycloneDX BOM: {e}")))?;
        if bom.bom_format != "CycloneDX" {
            return Err(SbomError(format!("bomFormat is {:?}, expected \"CycloneDX\"", bom.bom_format)));
        }
        if !["1.4", "1.5", "1.6"].contains(&bom.spec_version.as_str()) {
            return Err(SbomError(format!("CycloneDX {} is not supported (1.4, 1.5 and 1.6 are)", bom.spec_version)));
        }
        let mut components = Vec::new();
        let mut problems = Vec::new();
        flatten(&mut components, &mut problems, bom.components);
        Sbom { format: SbomFormat::Cyclonedx, spec_version: bom.spec_version, components, invalid_licenses: problems }
    } else if value.get("spdxVersion").is_some() {
        let doc: SpdxDoc =
            serde_json::from_value(value).map_err(|e| SbomError(format!("not an SPDX document: {e}")))?;
        let version = doc.spdx_version.strip_prefix("SPDX-").unwrap_or(&doc.spdx_version).to_owned();
        if version != "2.3" {
            return Err(SbomError(format!("SPDX {version} is not supported (2.3 is)")));
        }
        let mut problems = Vec::new();
        let components = doc
            .packages
            .into_iter()
            .map(|p| {
                let license = p
                    .license_concluded
                    .filter(|l| l != "NOASSERTION" && l != "NONE")
                    .or(p.license_declared.filter(|l| l != "NOASSERTION" && l != "NONE"));
                let purl =
                    p.external_refs.into_iter().find(|r| r.reference_type == "purl").map(|r| r.reference_locator);
                let version = p.version_info.unwrap_or_default();
                if let Some(l) = &license {
                    check_licence(&mut problems, &p.name, &version, l);
                }
                Component { name: p.name, version, licenses: license.into_iter().collect(), purl }
            })
            .collect();
        Sbom { format: SbomFormat::Spdx, spec_version: version, components, invalid_licenses: problems }
    } else {
        return Err(SbomError("neither CycloneDX (bomFormat) nor SPDX (spdxVersion) JSON".into()));
    };
    sbom.components.sort();
    sbom.components.dedup();
    sbom.invalid_licenses.sort();
    sbom.invalid_licenses.dedup();
    Ok(sbom)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cyclonedx_and_spdx() {
        let cdx = br#"{"bomFormat":"CycloneDX","specVersion":"1.6","components":[
            {"name":"serde","version":"1.0.0","purl":"pkg:cargo/serde@1.0.0","licenses":[{"expression":"MIT OR Apache-2.0"}]},
            {"group":"org.example","name":"lib","version":"2","licenses":[{"license":{"id":"BSD-3-Clause"}}],
             "components":[{"name":"inner","version":"0.1"}]}]}"#;
        let s = parse_sbom(cdx).expect("cdx");
        assert_eq!(s.components.len(), 3);
        assert!(s.components.iter().any(|c| c.name == "org.example/lib"));
        assert!(s.invalid_licenses.is_empty());
        // Issue 23: licences are checked as SPDX expressions, per component;
        // CycloneDX licence names are free text and not checked.
        let bad = br#"{"bomFormat":"CycloneDX","specVersion":"1.6","components":[
            {"name":"a","version":"1","licenses":[{"expression":"MIT OR"}]},
            {"name":"b","version":"2","licenses":[{"license":{"id":"Apache 2.0"}}]},
            {"name":"c","version":"3","licenses":[{"license":{"name":"Apache 2.0"}}]},
            {"name":"d","version":"4","licenses":[{"expression":"GPL-2.0-only WITH Classpath-exception-2.0"}]}]}"#;
        let s = parse_sbom(bad).expect("cdx");
        let named: Vec<(&str, &str)> =
            s.invalid_licenses.iter().map(|p| (p.component.as_str(), p.expression.as_str())).collect();
        assert_eq!(named, [("a@1", "MIT OR"), ("b@2", "Apache 2.0")]);
        assert!(s.invalid_licenses.iter().all(|p| !p.reason.is_empty()));
        let spdx = br#"{"spdxVersion":"SPDX-2.3","packages":[{"name":"openssl","versionInfo":"3.0.19","licenseConcluded":"Apache-2.0",
            "externalRefs":[{"referenceCategory":"PACKAGE-MANAGER","referenceType":"purl","referenceLocator":"pkg:deb/debian/openssl@3.0.19"}]}]}"#;
        let s = parse_sbom(spdx).expect("spdx");
        assert_eq!(s.components[0].purl.as_deref(), Some("pkg:deb/debian/openssl@3.0.19"));
        for (bad, needle) in [
            (&b"{}"[..], "neither"),
            (br#"{"bomFormat":"CycloneDX","specVersion":"1.2"}"#, "1.2"),
            (b"nope", "not JSON"),
            (br#"{"spdxVersion":"SPDX-2.2","packages":[]}"#, "2.2"),
        ] {
            assert!(parse_sbom(bad).expect_err("bad").to_string().contains(needle));
        }
    }
}
