//! Writing results: human text or `--json`.

use std::io::Write as _;

use anyhow::Result;
use serde_json::Value;

/// Prints `value` as one line of JSON on stdout.
pub(crate) fn json_line(value: &Value) -> Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer(&mut out, value)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// Prints pretty JSON on stdout.
pub(crate) fn json_pretty(value: &Value) -> Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// Prints a line of text on stdout.
pub(crate) fn line(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.write_all(b"\n")?;
    Ok(())
}
