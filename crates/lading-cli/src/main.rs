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
mod keys;
mod output;

use std::process::ExitCode;

use clap::Parser as _;

/// mimalloc: ingestion and verification allocate many small JSON values,
/// and glibc's allocator spent about 40 % of event ingestion in malloc/free.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Every HTTP client (witnesses, TSA, status lists, remote) uses rustls with ring.
    lading_server::http_client::install_crypto_provider();
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return usage_error(&err),
    };
    let json = cli.json;
    fsio::ALLOW_LOOSE_KEYS.store(cli.allow_loose_key_permissions, std::sync::atomic::Ordering::Relaxed);
    if let Some(path) = &cli.passphrase_file {
        let _ = keys::PASSPHRASE_FILE.set(path.clone());
    }
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

/// A command line clap refused (or `--help` / `--version`, which clap reports
/// the same way): under `--json` a usage error is one JSON object with `ok`
/// false, like every other failure; exit code 2.
fn usage_error(err: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    let informational = matches!(err.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion);
    let json = std::env::args_os().skip(1).take_while(|a| a != "--").any(|a| a == "--json");
    if informational || !json {
        // clap prints help and version on stdout, errors on stderr, and knows the exit code.
        let _ = err.print();
        return ExitCode::from(u8::try_from(err.exit_code()).unwrap_or(2));
    }
    let message = err.render().to_string();
    // The error itself is the text before clap's usage line: "error: ..." and any list under it.
    let first = message
        .lines()
        .take_while(|l| !l.trim().is_empty() && !l.starts_with("Usage:"))
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ")
        .trim_start_matches("error: ")
        .to_owned();
    println!("{}", serde_json::json!({ "ok": false, "error": first, "kind": "usage", "usage": message }));
    eprint!("{message}");
    ExitCode::from(2)
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        let io = e.downcast_ref::<std::io::Error>().map(std::io::Error::kind);
        let json = e.downcast_ref::<serde_json::Error>().and_then(serde_json::Error::io_error_kind);
        io.or(json) == Some(std::io::ErrorKind::BrokenPipe)
    })
}
