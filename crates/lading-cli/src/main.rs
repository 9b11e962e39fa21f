//! The `lading` command: argument parsing, the composition root, exit codes.
//!
//! Exit codes: 0 success; 1 the answer is no (invalid document, bad
//! signature) or the input could not be used; 2 the command line is wrong.

// Only this crate talks to the terminal.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod backend;
mod cli;
mod cmd;
mod fsio;
mod output;

use std::process::ExitCode;

use clap::Parser as _;

/// mimalloc: ingestion and verification allocate many small JSON values,
/// and glibc's allocator spent about 40 % of event ingestion in malloc/free.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let json = cli.json;
    fsio::ALLOW_LOOSE_KEYS.store(cli.allow_loose_key_permissions, std::sync::atomic::Ordering::Relaxed);
    match cmd::run(cli) {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            if json {
                let chain: Vec<String> = err.chain().map(ToString::to_string).collect();
                println!("{}", serde_json::json!({ "ok": false, "error": format!("{err:#}"), "causes": chain }));
            }
            eprintln!("error: {err:#}");
            ExitCode::from(1)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        let io = e.downcast_ref::<std::io::Error>().map(std::io::Error::kind);
        let json = e.downcast_ref::<serde_json::Error>().and_then(serde_json::Error::io_error_kind);
        io.or(json) == Some(std::io::ErrorKind::BrokenPipe)
    })
}
