//! Embeds the demo inspection lot (models/surface/lot/*.png) in the binary,
//! so `lading demo` runs from anywhere: writes `OUT_DIR/demo_lot.rs`, a list
//! of `(file name, include_bytes!(…))`. A build script because
//! `include_bytes!` needs literal paths and the lot is 200 files.

// Cargo reads a build script's directives from its stdout.
#![allow(clippy::print_stdout)]

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let lot = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/surface/lot");
    println!("cargo::rerun-if-changed={}", lot.display());
    let mut names: Vec<String> = std::fs::read_dir(&lot)
        .expect("models/surface/lot exists")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".png"))
        .collect();
    names.sort();
    let mut code =
        String::from("/// The demo lot: file name and bytes.\npub(crate) const DEMO_LOT: &[(&str, &[u8])] = &[\n");
    for n in &names {
        let path = lot.join(n).canonicalize().expect("canonical path");
        let _ = writeln!(code, "    ({n:?}, include_bytes!({:?})),", path.display().to_string());
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("demo_lot.rs");
    std::fs::write(out, code).expect("write demo_lot.rs");
}
