//! Two jobs. (1) Embeds the demo inspection images (models/surface/lot/*.png
//! and models/detector/samples/*.png) in the binary, so `lading demo` runs
//! from anywhere: writes `OUT_DIR/demo_lot.rs`, lists of `(file name,
//! include_bytes!(…))` (`include_bytes!` needs literal paths and the lot is
//! 200 files). (2) Records the commit and the build date for `lading
//! --version`. Outside a git checkout the commit is "unknown";
//! `LADING_COMMIT` overrides it (packagers), and `SOURCE_DATE_EPOCH` fixes
//! the date for reproducible builds.

// Cargo reads a build script's directives from its stdout.
#![allow(clippy::print_stdout)]

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

/// `const NAME: &[(&str, &[u8])]` listing the PNG files of `dir`.
fn embed(code: &mut String, name: &str, doc: &str, dir: &Path) {
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("the demo images exist")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".png"))
        .collect();
    names.sort();
    let _ = writeln!(code, "/// {doc}: file name and bytes.\npub(crate) const {name}: &[(&str, &[u8])] = &[");
    for n in &names {
        let path = dir.join(n).canonicalize().expect("canonical path");
        let _ = writeln!(code, "    ({n:?}, include_bytes!({:?})),", path.display().to_string());
    }
    code.push_str("];\n");
}

fn embed_demo_lot() {
    let models = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models");
    let mut code = String::new();
    embed(&mut code, "DEMO_LOT", "The demo lot for the classifier", &models.join("surface/lot"));
    embed(&mut code, "DEMO_PARTS", "The detector's sample parts", &models.join("detector/samples"));
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("demo_lot.rs");
    std::fs::write(out, code).expect("write demo_lot.rs");
}

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

fn main() {
    embed_demo_lot();
    println!("cargo:rerun-if-env-changed=LADING_COMMIT");
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
    // Rebuild when HEAD moves: HEAD itself, the branch it names, and packed refs.
    for path in ["HEAD", "packed-refs"] {
        if let Some(p) = git(&["rev-parse", "--git-path", path]) {
            println!("cargo:rerun-if-changed={p}");
        }
    }
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]).and_then(|r| git(&["rev-parse", "--git-path", &r])) {
        println!("cargo:rerun-if-changed={branch}");
    }
    let commit = std::env::var("LADING_COMMIT").ok().or_else(|| {
        let hash = git(&["rev-parse", "--short=12", "HEAD"])?;
        let dirty = git(&["status", "--porcelain", "--untracked-files=no"]).is_some();
        Some(if dirty { format!("{hash}-modified") } else { hash })
    });
    let date = match std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.parse::<i64>().ok()) {
        Some(epoch) => civil_date(epoch),
        None => civil_date(
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64),
        ),
    };
    println!("cargo:rustc-env=LADING_COMMIT={}", commit.as_deref().unwrap_or("unknown"));
    println!("cargo:rustc-env=LADING_BUILD_DATE={date}");
}

/// YYYY-MM-DD of a Unix time (Howard Hinnant's days-to-civil; a build script
/// should not pull in a date crate for one line).
fn civil_date(epoch: i64) -> String {
    let z = epoch.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}
