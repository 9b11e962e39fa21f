//! `lading serve --config FILE` and `LADING_SERVE_*` environment variables:
//! every flag of `lading serve` from a TOML file or the environment.
//!
//! Keys are the flags' long names without `--` (`max-body`, or `max_body`).
//! The command line wins over the environment, which wins over the file.
//! Each value is checked by the flag's own parser first, so an error names
//! the key (or variable) and the file; then the whole command line is
//! parsed again with the file's and the environment's values in front of
//! the real arguments, so clap's rules (`requires`, conflicts) still hold.

use std::ffi::OsString;
use std::path::Path;

use anyhow::{Context as _, Result, bail};
use clap::parser::ValueSource;
use clap::{ArgAction, CommandFactory as _, FromArgMatches as _};

use crate::cli::{Cli, Command, ServeArgs};

/// The prefix of environment variables naming `lading serve` flags.
pub(crate) const ENV_PREFIX: &str = "LADING_SERVE_";

/// `args` with the values of `--config` and of `LADING_SERVE_*` variables
/// for the flags the command line does not give.
pub(crate) fn resolve(args: ServeArgs) -> Result<ServeArgs> {
    let env: Vec<(String, String)> = std::env::vars().filter(|(k, _)| k.starts_with(ENV_PREFIX)).collect();
    if args.ops.config.is_none() && env.is_empty() {
        return Ok(args);
    }
    let file = match &args.ops.config {
        Some(path) => Some((
            path.clone(),
            std::fs::read_to_string(path).with_context(|| format!("reading --config {}", path.display()))?,
        )),
        None => None,
    };
    resolve_from(std::env::args_os().collect(), &env, file.as_ref().map(|(p, t)| (p.as_path(), t.as_str())))
}

/// How a flag takes its value.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Switch,
    List,
    Single,
}

/// [`resolve`] over an explicit command line, environment and file text.
fn resolve_from(argv: Vec<OsString>, env: &[(String, String)], file: Option<(&Path, &str)>) -> Result<ServeArgs> {
    let command = Cli::command().mut_subcommand("serve", |s| s.args_override_self(true));
    let serve = command.find_subcommand("serve").context("the serve command")?.clone();
    let flags: Vec<(String, String, Shape)> = serve
        .get_arguments()
        .filter(|a| !a.is_global_set())
        .filter_map(|a| {
            let long = a.get_long()?;
            if matches!(long, "config" | "help" | "json") {
                return None;
            }
            let shape = match a.get_action() {
                ArgAction::SetTrue => Shape::Switch,
                ArgAction::Append => Shape::List,
                _ => Shape::Single,
            };
            Some((a.get_id().to_string(), long.to_owned(), shape))
        })
        .collect();
    let find = |key: &str| flags.iter().find(|(_, long, _)| *long == key.replace('_', "-")).cloned();
    let all_keys = || flags.iter().map(|(_, l, _)| l.as_str()).collect::<Vec<_>>().join(", ");

    let matches = command.clone().try_get_matches_from(&argv).map_err(|e| anyhow::anyhow!("{e}"))?;
    let given = matches.subcommand_matches("serve").context("not a serve command line")?;
    let on_command_line = |id: &str| given.value_source(id) == Some(ValueSource::CommandLine);
    // Checks one flag's tokens with its own parser; the error names `what`.
    let check = |what: &str, tokens: &[String]| -> Result<()> {
        let line = ["lading", "serve"].into_iter().map(str::to_owned).chain(tokens.iter().cloned());
        match command.clone().try_get_matches_from(line) {
            Ok(_) => Ok(()),
            Err(e)
                if matches!(
                    e.kind(),
                    clap::error::ErrorKind::InvalidValue
                        | clap::error::ErrorKind::ValueValidation
                        | clap::error::ErrorKind::InvalidUtf8
                ) =>
            {
                let text = e.to_string();
                let first = text.lines().next().unwrap_or_default().trim_start_matches("error: ");
                bail!("{what}: {first}")
            }
            Err(_) => Ok(()),
        }
    };

    let mut env_tokens = Vec::new();
    let mut from_env = Vec::new();
    for (var, value) in env {
        let key = var.trim_start_matches(ENV_PREFIX).to_ascii_lowercase();
        let Some((id, long, shape)) = find(&key) else {
            bail!("environment variable {var}: `lading serve` has no flag --{}", key.replace('_', "-"));
        };
        from_env.push(id.clone());
        if on_command_line(&id) {
            continue;
        }
        let tokens = match shape {
            Shape::Switch => match value.as_str() {
                "true" | "1" => vec![format!("--{long}")],
                "false" | "0" | "" => Vec::new(),
                other => bail!("environment variable {var}: {other:?} is not true, false, 1 or 0"),
            },
            Shape::List | Shape::Single => vec![format!("--{long}"), value.clone()],
        };
        check(&format!("environment variable {var}"), &tokens)?;
        env_tokens.extend(tokens);
    }

    let mut file_tokens = Vec::new();
    if let Some((path, text)) = file {
        let at = path.display();
        let table: toml::Table = toml::from_str(text).map_err(|e| anyhow::anyhow!("{at}: not valid TOML: {e}"))?;
        for (key, value) in &table {
            if key == "config" {
                bail!("{at}: key `config`: a configuration file cannot name another");
            }
            let Some((id, long, shape)) = find(key) else {
                bail!(
                    "{at}: unknown key `{key}`; the keys are the flags of `lading serve` without `--`: {}",
                    all_keys()
                );
            };
            if on_command_line(&id) || from_env.contains(&id) {
                continue;
            }
            let scalar = |v: &toml::Value| -> Result<String> {
                match v {
                    toml::Value::String(s) => Ok(s.clone()),
                    toml::Value::Integer(i) => Ok(i.to_string()),
                    toml::Value::Float(f) => Ok(f.to_string()),
                    other => bail!("{at}: key `{key}`: expected a string or a number, found {}", other.type_str()),
                }
            };
            let tokens = match (shape, value) {
                (Shape::Switch, toml::Value::Boolean(true)) => vec![format!("--{long}")],
                (Shape::Switch, toml::Value::Boolean(false)) => Vec::new(),
                (Shape::Switch, other) => {
                    bail!("{at}: key `{key}`: expected true or false, found {}", other.type_str())
                }
                (Shape::List, toml::Value::Array(items)) => {
                    let mut tokens = Vec::new();
                    for item in items {
                        tokens.push(format!("--{long}"));
                        tokens.push(scalar(item)?);
                    }
                    tokens
                }
                (Shape::List | Shape::Single, v) => vec![format!("--{long}"), scalar(v)?],
            };
            check(&format!("{at}: key `{key}`"), &tokens)?;
            file_tokens.extend(tokens);
        }
    }

    // The file's values, then the environment's, then the real arguments:
    // a later value of a flag overrides an earlier one.
    let at = argv.iter().position(|a| a == "serve").context("no serve subcommand on the command line")?;
    let mut line: Vec<OsString> = argv[..=at].to_vec();
    line.extend(file_tokens.into_iter().map(OsString::from));
    line.extend(env_tokens.into_iter().map(OsString::from));
    line.extend(argv[at + 1..].iter().cloned());
    let what = if file.is_some() { "with --config and the environment" } else { "with the environment" };
    let matches = command.try_get_matches_from(line).map_err(|e| anyhow::anyhow!("{what}: {e}"))?;
    match Cli::from_arg_matches(&matches).map_err(|e| anyhow::anyhow!("{e}"))?.command {
        Command::Serve(args) => Ok(args),
        _ => bail!("not a serve command line"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(extra: &[&str]) -> Vec<OsString> {
        ["lading", "serve"].iter().chain(extra).map(OsString::from).collect()
    }

    fn file(text: &str) -> Option<(&'static Path, &str)> {
        Some((Path::new("serve.toml"), text))
    }

    #[test]
    fn every_kind_of_flag_comes_from_the_file() {
        let text = "listen = \"127.0.0.1:9999\"\nmax-body = 4096\npublic_streams = true\npolicy = [\"a.json\", \"b.json\"]\ndata = \"/srv/lading\"\n";
        let args = resolve_from(argv(&["--config", "serve.toml"]), &[], file(text)).expect("resolves");
        assert_eq!(args.listen, "127.0.0.1:9999");
        assert_eq!(args.max_body, 4096);
        assert!(args.public_streams);
        assert_eq!(args.policy.len(), 2);
        assert_eq!(args.data.data.as_deref(), Some(Path::new("/srv/lading")));
    }

    #[test]
    fn the_command_line_wins_over_the_environment_which_wins_over_the_file() {
        let text = "listen = \"127.0.0.1:1\"\nbatch = 7\nrate-limit = 5\n";
        let env =
            [("LADING_SERVE_BATCH".to_owned(), "9".to_owned()), ("LADING_SERVE_LISTEN".into(), "127.0.0.1:2".into())];
        let args =
            resolve_from(argv(&["--config", "x", "--listen", "127.0.0.1:3"]), &env, file(text)).expect("resolves");
        assert_eq!(args.listen, "127.0.0.1:3");
        assert_eq!(args.batch, 9);
        assert_eq!(args.rate_limit, 5);
    }

    #[test]
    fn errors_name_the_key_and_the_file() {
        let unknown = resolve_from(argv(&[]), &[], file("lisen = \"x\"\n")).expect_err("unknown key");
        assert!(unknown.to_string().contains("serve.toml: unknown key `lisen`"), "{unknown}");
        let bad = resolve_from(argv(&[]), &[], file("max-body = \"lots\"\n")).expect_err("bad value");
        assert!(bad.to_string().starts_with("serve.toml: key `max-body`:"), "{bad}");
        let wrong_type = resolve_from(argv(&[]), &[], file("public-streams = 3\n")).expect_err("not a bool");
        assert!(wrong_type.to_string().contains("key `public-streams`: expected true or false"), "{wrong_type}");
        let table = resolve_from(argv(&[]), &[], file("listen = { a = 1 }\n")).expect_err("a table");
        assert!(table.to_string().contains("key `listen`: expected a string or a number"), "{table}");
        let toml = resolve_from(argv(&[]), &[], file("listen = \n")).expect_err("bad TOML");
        assert!(toml.to_string().starts_with("serve.toml: not valid TOML"), "{toml}");
        let range = resolve_from(argv(&[]), &[], file("header-timeout-ms = 0\n")).expect_err("out of range");
        assert!(range.to_string().starts_with("serve.toml: key `header-timeout-ms`:"), "{range}");
    }

    #[test]
    fn errors_name_the_environment_variable() {
        let env = [("LADING_SERVE_MAX_BODY".to_owned(), "lots".to_owned())];
        let e = resolve_from(argv(&[]), &env, None).expect_err("bad value");
        assert!(e.to_string().starts_with("environment variable LADING_SERVE_MAX_BODY:"), "{e}");
        let env = [("LADING_SERVE_NOPE".to_owned(), "1".to_owned())];
        let e = resolve_from(argv(&[]), &env, None).expect_err("unknown");
        assert!(e.to_string().contains("LADING_SERVE_NOPE: `lading serve` has no flag --nope"), "{e}");
    }

    #[test]
    fn rules_between_flags_still_hold() {
        let e = resolve_from(argv(&[]), &[], file("trust-list = \"list.json\"\n")).expect_err("requires its key");
        assert!(e.to_string().contains("--trust-list-key"), "{e}");
    }
}
