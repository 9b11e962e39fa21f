//! Test support for Lading's crates. Not part of the product.
//!
//! The public conformance vectors live outside the repository, in
//! `$LADING_VECTORS` or else `../shared/vectors` beside the checkout. When
//! neither exists, tests that need them say so loudly and skip, except under
//! CI (`CI` set), where a missing vector directory fails the run.

// Test support reports on the terminal by design.
#![allow(clippy::print_stderr)]

use std::path::{Path, PathBuf};

/// The conformance vector directory, or `None` (with a loud warning) when
/// absent outside CI.
///
/// # Panics
/// When `$LADING_VECTORS` names a missing directory, or when the vectors are
/// missing under CI.
pub fn vectors_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("LADING_VECTORS") {
        let dir = PathBuf::from(dir);
        assert!(dir.is_dir(), "LADING_VECTORS={} is not a directory", dir.display());
        return Some(dir);
    }
    let default = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/vectors");
    if default.is_dir() {
        return Some(default);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "conformance vectors not found: set LADING_VECTORS or provide {} (CI must have them)",
        default.display()
    );
    eprintln!(
        "\n!!! WARNING: conformance vectors not found (LADING_VECTORS unset, {} missing); \
         vector tests are SKIPPED !!!\n",
        default.display()
    );
    None
}

/// Reads a vector file as bytes.
///
/// # Panics
/// When the file cannot be read: a missing vector is a broken test set-up.
pub fn read(dir: &Path, relative: &str) -> Vec<u8> {
    std::fs::read(dir.join(relative)).unwrap_or_else(|e| panic!("cannot read vector {relative}: {e}"))
}

/// Reads a vector file as JSON.
///
/// # Panics
/// When the file cannot be read or is not JSON.
pub fn read_json(dir: &Path, relative: &str) -> serde_json::Value {
    serde_json::from_slice(&read(dir, relative)).unwrap_or_else(|e| panic!("vector {relative} is not JSON: {e}"))
}
