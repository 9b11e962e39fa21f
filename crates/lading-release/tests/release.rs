//! Packing, verifying, diffing and chaining releases, and every bad input
//! the issue names answered with an error naming the file.

use std::path::{Path, PathBuf};

use chrono::TimeZone as _;
use lading_crypto::{Algorithm, Envelope, SigningKey};
use lading_model::meta::{Classification, Metadata, Provider};
use lading_model::release::{ReleaseScope, ServiceTerms};
use lading_release::{
    LoadedRelease, PackOptions, Package, ReleaseError, diff, history, load_release, pack, verify_tree,
};

const CDX: &str = r#"{"bomFormat":"CycloneDX","specVersion":"1.5","components":[
  {"name":"serde","version":"1.0.200","licenses":[{"expression":"MIT OR Apache-2.0"}]},
  {"name":"openssl","version":"3.0.18","licenses":[{"license":{"id":"Apache-2.0"}}]}]}"#;

fn tree(dir: &Path, binary: &str) {
    std::fs::create_dir_all(dir.join("bin")).expect("mkdir");
    std::fs::create_dir_all(dir.join("sbom")).expect("mkdir");
    std::fs::write(dir.join("bin/server"), binary).expect("write");
    std::fs::write(dir.join("config.yaml"), "port: 8080\n").expect("write");
    std::fs::write(dir.join("sbom/app.cdx.json"), CDX).expect("write");
}

fn options(version: &str, sboms: Vec<PathBuf>, previous: Option<(PathBuf, LoadedRelease)>) -> PackOptions {
    let now = chrono::Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).single().expect("time");
    PackOptions {
        meta: Metadata {
            id: uuid::Uuid::from_u128(1),
            kind: lading_model::Kind::SaasRelease,
            schema_version: "v1".into(),
            provider: Provider {
                legal_name: "Example Cloud".into(),
                registration_id: "91440300X".into(),
                white_list_entry: None,
                pilot_zone: None,
            },
            classification: Classification { ebops_2010: vec!["SI2".into()], cpc_2_1: vec!["8315".into()] },
            jurisdictions: vec!["DE".into()],
            created_at: now,
            language: "en".into(),
        },
        service: "svc".into(),
        version: version.into(),
        channel: "stable".into(),
        sboms,
        provenance: None,
        oci: vec![],
        strict_licences: false,
        source_repo: Some("https://git.example.com/svc".into()),
        commit: Some("4f1c2d9e".into()),
        builder: None,
        notes: "notes".into(),
        terms: ServiceTerms {
            availability_target: 99.9,
            support_hours: "24x7".into(),
            data_location: vec!["DE".into()],
        },
        scope: ReleaseScope { tenants: vec![], regions: vec!["eu".into()] },
        previous,
        threads: 2,
    }
}

fn packed(
    dir: &Path,
    version: &str,
    key: &SigningKey,
    previous: Option<(PathBuf, LoadedRelease)>,
) -> (Vec<u8>, LoadedRelease) {
    let zip = pack(dir, &options(version, vec![dir.join("sbom/app.cdx.json")], previous), key, &|_| {})
        .expect("pack")
        .to_zip()
        .expect("zip");
    let loaded = load_release(&zip, &key.verifying_key()).expect("load");
    (zip, loaded)
}

#[test]
fn a_delivered_tree_is_checked_file_by_file() {
    let tmp = tempfile::tempdir().expect("tmp");
    let key = SigningKey::generate(Algorithm::Ed25519).expect("key");
    let v1 = tmp.path().join("v1");
    tree(&v1, "binary 1");
    let (_, r1) = packed(&v1, "1.0.0", &key, None);
    assert_eq!(r1.manifest.sboms[0].component_count, 2);
    assert!(verify_tree(&r1.manifest, &v1, 2, &|_| {}).expect("verify").is_exact());

    // Tamper with a copy: one file changed, one removed, one added, one re-moded.
    let d = tmp.path().join("delivered");
    tree(&d, "binary 1");
    std::fs::write(d.join("config.yaml"), "port: 9090\n").expect("write");
    std::fs::remove_file(d.join("sbom/app.cdx.json")).expect("rm");
    std::fs::write(d.join("extra.txt"), "x").expect("write");
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(d.join("bin/server"), std::fs::Permissions::from_mode(0o700)).expect("chmod");
    let report = verify_tree(&r1.manifest, &d, 2, &|_| {}).expect("verify");
    assert!(!report.is_exact());
    assert_eq!(report.missing, vec!["sbom/app.cdx.json"]);
    assert_eq!(report.extra, vec!["extra.txt"]);
    assert_eq!(report.modified.len(), 1);
    assert_eq!(report.modified[0].path, "config.yaml");
    assert_eq!(report.mode_changed, vec![("bin/server".to_owned(), "0644".to_owned(), "0700".to_owned())]);
}

#[test]
fn releases_chain_diff_and_refuse_what_does_not_fit() {
    let tmp = tempfile::tempdir().expect("tmp");
    let key = SigningKey::generate(Algorithm::P256).expect("key");
    let (v1, v2, v3) = (tmp.path().join("v1"), tmp.path().join("v2"), tmp.path().join("v3"));
    tree(&v1, "binary 1");
    let (z1, r1) = packed(&v1, "1.0.0", &key, None);
    tree(&v2, "binary 2");
    std::fs::write(
        v2.join("sbom/app.cdx.json"),
        CDX.replace("3.0.18", "3.0.19").replace("\"MIT OR Apache-2.0\"", "\"MIT\""),
    )
    .expect("write");
    std::fs::write(v2.join("new.txt"), "n").expect("write");
    let (_, r2) = packed(&v2, "1.1.0", &key, Some(("r1".into(), r1.clone())));
    assert_eq!(r2.manifest.previous.as_ref().expect("previous").manifest_sha256, r1.manifest_sha256);

    let d = diff(&r1, &r2);
    assert_eq!(d.added, vec!["new.txt"]);
    assert_eq!(d.changed, vec!["bin/server", "sbom/app.cdx.json"]);
    assert_eq!(d.version_changed, vec![("openssl".to_owned(), "3.0.18".to_owned(), "3.0.19".to_owned())]);
    assert_eq!(d.licence_changed, vec![("serde@1.0.200".to_owned(), "MIT OR Apache-2.0".to_owned(), "MIT".to_owned())]);

    let both = [r2.clone(), r1.clone()];
    let chain = history(&both).expect("chain");
    assert_eq!(chain.iter().map(|r| r.manifest.version.as_str()).collect::<Vec<_>>(), vec!["1.0.0", "1.1.0"]);
    // A fork (two releases after 1.0.0) and a gap (1.1.0 missing) are named.
    tree(&v3, "binary 3");
    let (_, fork) = packed(&v3, "1.2.0", &key, Some(("r1".into(), r1.clone())));
    assert!(history(&[r1.clone(), r2.clone(), fork.clone()]).expect_err("fork").to_string().contains("fork"));
    let (_, r3) = packed(&v3, "2.0.0", &key, Some(("r2".into(), r2.clone())));
    assert!(history(&[r1.clone(), r3]).expect_err("gap").to_string().contains("gap"));

    // The version must increase.
    let e = pack(&v2, &options("1.0.0", vec![], Some(("r1.lading".into(), r1.clone()))), &key, &|_| {})
        .expect_err("not increasing");
    assert!(matches!(e, ReleaseError::Version(_)), "{e}");
    let e = pack(&v2, &options("one", vec![], None), &key, &|_| {}).expect_err("not semver");
    assert!(e.to_string().contains("not SemVer"), "{e}");
    // A previous release signed by someone else does not load.
    let other = SigningKey::generate(Algorithm::P256).expect("key");
    assert!(load_release(&z1, &other.verifying_key()).is_err());
}

#[test]
fn bad_inputs_name_the_file() {
    let tmp = tempfile::tempdir().expect("tmp");
    let key = SigningKey::generate(Algorithm::Ed25519).expect("key");
    let d = tmp.path().join("rel");
    tree(&d, "b");

    std::fs::write(d.join("sbom/broken.cdx.json"), "{\"bomFormat\": \"CycloneDX\", ").expect("write");
    let e =
        pack(&d, &options("1.0.0", vec![d.join("sbom/broken.cdx.json")], None), &key, &|_| {}).expect_err("bad sbom");
    assert!(e.to_string().contains("broken.cdx.json"), "{e}");
    std::fs::remove_file(d.join("sbom/broken.cdx.json")).expect("rm");
    let outside = tmp.path().join("outside.cdx.json");
    std::fs::write(&outside, CDX).expect("write");
    let e = pack(&d, &options("1.0.0", vec![outside], None), &key, &|_| {}).expect_err("outside");
    assert!(e.to_string().contains("inside the release tree"), "{e}");

    std::os::unix::fs::symlink("/etc/passwd", d.join("link")).expect("symlink");
    let e = pack(&d, &options("1.0.0", vec![], None), &key, &|_| {}).expect_err("symlink");
    assert!(matches!(e, ReleaseError::Symlink { .. }) && e.to_string().contains("link"), "{e}");
    std::fs::remove_file(d.join("link")).expect("rm");

    use std::os::unix::ffi::OsStrExt as _;
    let weird = d.join(std::ffi::OsStr::from_bytes(b"caf\xe9.txt"));
    std::fs::write(&weird, "x").expect("write");
    let e = pack(&d, &options("1.0.0", vec![], None), &key, &|_| {}).expect_err("non-utf8");
    assert!(e.to_string().contains("not UTF-8"), "{e}");
    std::fs::remove_file(&weird).expect("rm");

    // Something that is neither a file nor a directory (a FIFO) is named, not read.
    let fifo = d.join("pipe");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo").success());
    let e = pack(&d, &options("1.0.0", vec![], None), &key, &|_| {}).expect_err("fifo");
    assert!(e.to_string().contains("pipe") && e.to_string().contains("not a regular file"), "{e}");
    std::fs::remove_file(&fifo).expect("rm");

    // A package whose member was altered is refused, naming the member.
    let zip = pack(&d, &options("1.0.0", vec![d.join("sbom/app.cdx.json")], None), &key, &|_| {}).expect("pack");
    let mut altered: Package = zip.clone();
    let i = altered.index.members.iter().position(|m| m.role == "sbom").expect("sbom");
    altered.files[i].push(b' ');
    let e = load_release(&altered.to_zip().expect("zip"), &key.verifying_key()).expect_err("altered");
    assert!(e.to_string().contains("attachments/sbom/app.cdx.json"), "{e}");
    assert!(load_release(b"PK\x03\x04garbage", &key.verifying_key()).is_err());
}

#[test]
fn slsa_provenance_must_name_released_artefacts() {
    let tmp = tempfile::tempdir().expect("tmp");
    let key = SigningKey::generate(Algorithm::Ed25519).expect("key");
    let d = tmp.path().join("rel");
    tree(&d, "binary");
    let digest = lading_model::Sha256Digest::of(b"binary").to_hex();
    let provenance = |name: &str, digest: &str| {
        let statement = serde_json::json!({
            "_type": "https://in-toto.io/Statement/v1",
            "subject": [{"name": name, "digest": {"sha256": digest}}],
            "predicateType": "https://slsa.dev/provenance/v1",
            "predicate": {
                "buildDefinition": {"buildType": "https://example.com/build", "externalParameters": {},
                    "resolvedDependencies": [{"uri": "git+https://git.example.com/svc@refs/heads/main", "digest": {"gitCommit": "abcdef1234567"}}]},
                "runDetails": {"builder": {"id": "https://ci.example.com/builder"}}
            }
        });
        let env =
            Envelope::sign(lading_crypto::IN_TOTO_PAYLOAD_TYPE, lading_model::json::canonicalize(&statement), &key)
                .expect("sign");
        serde_json::to_vec(&env.to_json()).expect("json")
    };
    let good = tmp.path().join("good.intoto.json");
    std::fs::write(&good, provenance("bin/server", &digest)).expect("write");
    let mut opts = options("1.0.0", vec![], None);
    opts.provenance = Some(good);
    opts.source_repo = None;
    opts.commit = None;
    let zip = pack(&d, &opts, &key, &|_| {}).expect("pack with provenance").to_zip().expect("zip");
    let r = load_release(&zip, &key.verifying_key()).expect("load");
    assert_eq!(r.manifest.source.repository, "https://git.example.com/svc");
    assert_eq!(r.manifest.source.commit, "abcdef1234567");
    assert_eq!(r.manifest.source.builder, "https://ci.example.com/builder");
    let bad = tmp.path().join("bad.intoto.json");
    std::fs::write(&bad, provenance("bin/other", &"00".repeat(32))).expect("write");
    opts.provenance = Some(bad);
    let e = pack(&d, &opts, &key, &|_| {}).expect_err("unknown subject");
    assert!(e.to_string().contains("bad.intoto.json") && e.to_string().contains("bin/other"), "{e}");
}

/// Issue 23: licences are validated as SPDX expressions per component;
/// `strict_licences` (`lading release pack --strict`) refuses the SBOM.
#[test]
fn strict_packing_refuses_an_sbom_with_a_licence_that_is_not_spdx() {
    let tmp = tempfile::tempdir().expect("tmp");
    let key = SigningKey::generate(Algorithm::Ed25519).expect("key");
    let d = tmp.path().join("rel");
    tree(&d, "b");
    std::fs::write(d.join("sbom/app.cdx.json"), CDX.replace("\"MIT OR Apache-2.0\"", "\"MIT OR Apache 2\""))
        .expect("write");
    let sboms = vec![d.join("sbom/app.cdx.json")];
    let mut strict = options("1.0.0", sboms.clone(), None);
    strict.strict_licences = true;
    let e = pack(&d, &strict, &key, &|_| {}).expect_err("strict");
    assert!(e.to_string().contains("serde@1.0.200: \"MIT OR Apache 2\""), "{e}");
    // Not strict: packed, the licence kept as given.
    pack(&d, &options("1.0.0", sboms, None), &key, &|_| {}).expect("lenient");
}

/// Issue 23: the mode was masked to 0o777, so a setuid or setgid binary was
/// recorded as a plain one and a delivered tree that lost the bit verified.
#[test]
fn setuid_setgid_and_sticky_bits_are_kept_and_verified() {
    use std::os::unix::fs::PermissionsExt as _;
    let tmp = tempfile::tempdir().expect("tmp");
    let key = SigningKey::generate(Algorithm::Ed25519).expect("key");
    let d = tmp.path().join("rel");
    tree(&d, "b");
    std::fs::write(d.join("bin/helper"), "h").expect("write");
    std::fs::write(d.join("bin/shared"), "s").expect("write");
    std::fs::set_permissions(d.join("bin/server"), std::fs::Permissions::from_mode(0o4755)).expect("chmod");
    std::fs::set_permissions(d.join("bin/helper"), std::fs::Permissions::from_mode(0o2750)).expect("chmod");
    std::fs::set_permissions(d.join("bin/shared"), std::fs::Permissions::from_mode(0o1644)).expect("chmod");
    let (_, r) = packed(&d, "1.0.0", &key, None);
    let modes: Vec<(String, String)> = r
        .manifest
        .artefacts
        .iter()
        .filter_map(|a| match a {
            lading_model::release::Artefact::File { path, mode: Some(m), .. } if path.starts_with("bin/") => {
                Some((path.clone(), m.clone()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        modes,
        [
            ("bin/helper".to_owned(), "2750".to_owned()),
            ("bin/server".to_owned(), "4755".to_owned()),
            ("bin/shared".to_owned(), "1644".to_owned())
        ]
    );
    assert!(verify_tree(&r.manifest, &d, 2, &|_| {}).expect("verify").is_exact());
    std::fs::set_permissions(d.join("bin/server"), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let report = verify_tree(&r.manifest, &d, 2, &|_| {}).expect("verify");
    assert_eq!(report.mode_changed, [("bin/server".to_owned(), "4755".to_owned(), "0755".to_owned())]);
}

#[test]
fn directories_empty_ones_and_their_modes_are_kept_and_verified() {
    use std::os::unix::fs::PermissionsExt as _;
    let tmp = tempfile::tempdir().expect("tmp");
    let key = SigningKey::generate(Algorithm::Ed25519).expect("key");
    let d = tmp.path().join("rel");
    tree(&d, "b");
    std::fs::create_dir_all(d.join("var/spool")).expect("mkdir");
    std::fs::create_dir_all(d.join("tmp")).expect("mkdir");
    std::fs::set_permissions(d.join("tmp"), std::fs::Permissions::from_mode(0o1777)).expect("chmod");
    std::fs::set_permissions(d.join("var/spool"), std::fs::Permissions::from_mode(0o2775)).expect("chmod");
    let (_, r) = packed(&d, "1.0.0", &key, None);
    let dirs: Vec<(String, String)> = r
        .manifest
        .artefacts
        .iter()
        .filter_map(|a| match a {
            lading_model::release::Artefact::Directory { path, mode } => Some((path.clone(), mode.clone())),
            _ => None,
        })
        .collect();
    let paths: Vec<&str> = dirs.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(paths, ["bin", "sbom", "tmp", "var", "var/spool"]);
    assert!(dirs.contains(&("tmp".to_owned(), "1777".to_owned())), "{dirs:?}");
    assert!(dirs.contains(&("var/spool".to_owned(), "2775".to_owned())), "{dirs:?}");
    // The manifest validates and the statement's subjects stay the files (directories have no digest).
    assert!(lading_model::validate_value(&serde_json::to_value(&r.manifest).expect("json")).is_ok());
    assert!(verify_tree(&r.manifest, &d, 2, &|_| {}).expect("verify").is_exact());
    // A missing empty directory, an extra one and a lost sticky bit are each reported.
    std::fs::remove_dir(d.join("var/spool")).expect("rmdir");
    std::fs::create_dir(d.join("cache")).expect("mkdir");
    std::fs::set_permissions(d.join("tmp"), std::fs::Permissions::from_mode(0o777)).expect("chmod");
    let report = verify_tree(&r.manifest, &d, 2, &|_| {}).expect("verify");
    assert!(!report.is_exact());
    assert_eq!(report.missing_directories, ["var/spool"]);
    assert_eq!(report.extra_directories, ["cache"]);
    assert_eq!(report.mode_changed, [("tmp".to_owned(), "1777".to_owned(), "0777".to_owned())]);
    assert!(report.missing.is_empty() && report.extra.is_empty() && report.modified.is_empty());
}

#[test]
fn a_manifest_listing_a_path_twice_or_under_a_file_is_refused() {
    let tmp = tempfile::tempdir().expect("tmp");
    let key = SigningKey::generate(Algorithm::Ed25519).expect("key");
    let d = tmp.path().join("rel");
    tree(&d, "b");
    let (_, r) = packed(&d, "1.0.0", &key, None);
    let mut value = serde_json::to_value(&r.manifest).expect("json");
    let artefacts = value["artefacts"].as_array_mut().expect("artefacts");
    artefacts.push(serde_json::json!({"type": "directory", "path": "config.yaml", "mode": "0755"}));
    artefacts.push(serde_json::json!({"type": "directory", "path": "config.yaml/x", "mode": "0755"}));
    let problems = lading_model::validate_value(&value).expect_err("refused");
    let said: Vec<String> = problems.iter().map(|p| format!("{}: {}", p.pointer, p.message)).collect();
    assert!(said.iter().any(|p| p.ends_with("/path: \"config.yaml\" is listed twice")), "{said:?}");
    assert!(said.iter().any(|p| p.ends_with("is inside \"config.yaml\", which is listed as a file")), "{said:?}");
}
