//! Embeds the demo inspection images (models/surface/lot/*.png and
//! models/detector/samples/*.png) in the binary, so `lading demo` runs from
//! anywhere: writes `OUT_DIR/demo_lot.rs`, lists of `(file name,
//! include_bytes!(…))`. A build script because `include_bytes!` needs
//! literal paths and the lot is 200 files.

// Cargo reads a build script's directives from its stdout.
#![allow(clippy::print_stdout)]

use std::fmt::Write as _;
use std::path::Path;

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

fn main() {
    let models = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models");
    let mut code = String::new();
    embed(&mut code, "DEMO_LOT", "The demo lot for the classifier", &models.join("surface/lot"));
    embed(&mut code, "DEMO_PARTS", "The detector's sample parts", &models.join("detector/samples"));
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("demo_lot.rs");
    std::fs::write(out, code).expect("write demo_lot.rs");
}
