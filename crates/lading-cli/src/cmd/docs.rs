//! The command line describing itself: shell completions, manual pages and
//! the Markdown reference in `docs/reference/cli.md`, all generated from the
//! clap definitions so they cannot drift from `--help`.

use std::process::ExitCode;

use anyhow::{Context as _, Result};
use clap::CommandFactory as _;
use serde_json::json;

use crate::cli::{Cli, CompletionsArgs, ManArgs};
use crate::output;

/// `lading completions SHELL`.
pub(crate) fn completions(args: &CompletionsArgs, json: bool) -> Result<ExitCode> {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut command, "lading", &mut out);
    if json {
        let script = String::from_utf8(out).context("the completion script is not UTF-8")?;
        output::json_line(&serde_json::json!({ "ok": true, "shell": args.shell.to_string(), "script": script }))?;
        return Ok(ExitCode::SUCCESS);
    }
    std::io::Write::write_all(&mut std::io::stdout().lock(), &out).context("writing the completion script")?;
    Ok(ExitCode::SUCCESS)
}

/// `lading man [--out DIR]`.
pub(crate) fn man(args: &ManArgs, json: bool) -> Result<ExitCode> {
    if args.markdown {
        if json {
            output::json_line(&serde_json::json!({ "ok": true, "markdown": markdown_reference() }))?;
        } else {
            output::line(markdown_reference().trim_end())?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let command = Cli::command();
    let Some(dir) = &args.out else {
        let mut page = Vec::new();
        clap_mangen::Man::new(command).render(&mut page).context("rendering lading.1")?;
        if json {
            let page = String::from_utf8(page).context("the man page is not UTF-8")?;
            output::json_line(&serde_json::json!({ "ok": true, "page": page }))?;
            return Ok(ExitCode::SUCCESS);
        }
        std::io::Write::write_all(&mut std::io::stdout().lock(), &page).context("writing lading.1")?;
        return Ok(ExitCode::SUCCESS);
    };
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    // Building propagates the global flags (--json, ...) into every subcommand,
    // so each subcommand's page is complete and valid on its own.
    let mut command = command;
    command.build();
    let mut written = Vec::new();
    write_pages(&command, "lading", dir, &mut written)?;
    if json {
        output::json_line(&json!({ "ok": true, "pages": written }))?;
    } else {
        output::line(&format!("wrote {} manual pages into {}", written.len(), dir.display()))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes `NAME.1` for `command` and, recursively, `NAME-SUB.1` for each
/// subcommand (the layout git and cargo use), so `man lading-log-prove` works.
fn write_pages(command: &clap::Command, name: &str, dir: &std::path::Path, written: &mut Vec<String>) -> Result<()> {
    let file = format!("{name}.1");
    let mut page = Vec::new();
    let command = command.clone().name(name.to_owned());
    clap_mangen::Man::new(command.clone()).render(&mut page).with_context(|| format!("rendering {file}"))?;
    crate::fsio::write_output(&dir.join(&file), &page)?;
    written.push(file);
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set() && s.get_name() != "help") {
        write_pages(sub, &format!("{name}-{}", sub.get_name()), dir, written)?;
    }
    Ok(())
}

/// The Markdown reference of every command and flag (`docs/reference/cli.md`).
pub(crate) fn markdown_reference() -> String {
    let options = clap_markdown::MarkdownOptions::new()
        .title("Command-line reference".to_owned())
        .show_footer(false)
        .show_table_of_contents(true);
    let body = clap_markdown::help_markdown_custom::<Cli>(&options);
    format!(
        "<!-- Generated from the clap definitions (`lading man --markdown`; the test \
         `cli_reference` fails when it differs); do not edit by hand. -->\n\n{}\n",
        body.trim_end()
    )
}

#[cfg(test)]
mod tests {
    /// `docs/reference/cli.md` is the generated reference, byte for byte: a
    /// changed flag or help text fails here until the file is regenerated
    /// (`LADING_BLESS=1 cargo test -p lading-cli --bin lading cli_reference`).
    #[test]
    fn cli_reference_in_docs_is_generated_from_clap() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/reference/cli.md");
        let want = super::markdown_reference();
        if std::env::var_os("LADING_BLESS").is_some() {
            std::fs::create_dir_all(path.parent().expect("docs/reference")).expect("mkdir docs/reference");
            std::fs::write(&path, &want).expect("write docs/reference/cli.md");
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            have == want,
            "docs/reference/cli.md differs from the clap definitions: run \
             LADING_BLESS=1 cargo test -p lading-cli --bin lading cli_reference"
        );
    }
}
