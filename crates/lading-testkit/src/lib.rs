//! Test support for Lading's crates. Not part of the product.
//!
//! The public conformance vectors are read from `$LADING_VECTORS`, else
//! `../shared/vectors` beside the checkout (the project's shared copy), else
//! the copy committed under `tests/vectors/` (with its sources in its
//! README), so a fresh clone runs them too.

// Test support reports on the terminal by design.
#![allow(clippy::print_stderr)]

pub mod page_language;

use std::path::{Path, PathBuf};

/// The conformance vector directory: `$LADING_VECTORS`, else
/// `../shared/vectors`, else the committed `tests/vectors/`. `None` only
/// when all are missing (a checkout without its `tests/`), said loudly, and
/// never under CI.
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
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let shared = root.join("../shared/vectors");
    let committed = root.join("tests/vectors");
    if let Some(dir) = [&shared, &committed].into_iter().find(|d| d.is_dir()) {
        return Some(dir.clone());
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "conformance vectors not found: set LADING_VECTORS, or provide {} or {}",
        shared.display(),
        committed.display()
    );
    eprintln!(
        "\n!!! WARNING: conformance vectors not found (LADING_VECTORS unset, {} and {} missing); \
         vector tests are SKIPPED !!!\n",
        shared.display(),
        committed.display()
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

/// Running the `lading` binary in tests: every run is checked for a panic
/// (a bug whatever the input), and the exit code and output are returned.
pub mod cli {
    use std::path::{Path, PathBuf};
    use std::process::Command;

    /// The binary (`env!("CARGO_BIN_EXE_lading")`) and the directory it runs in.
    #[derive(Debug, Clone)]
    pub struct Lading {
        bin: PathBuf,
        dir: PathBuf,
        envs: Vec<(String, std::ffi::OsString)>,
    }

    /// A running `lading serve`, killed and reaped when dropped.
    #[derive(Debug)]
    pub struct Server {
        child: std::process::Child,
        /// `http://127.0.0.1:PORT`.
        pub url: String,
    }

    impl Drop for Server {
        fn drop(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }

    impl Lading {
        /// `bin` run in `dir`.
        pub fn new(bin: &str, dir: &Path) -> Self {
            Self { bin: PathBuf::from(bin), dir: dir.to_path_buf(), envs: Vec::new() }
        }

        /// The same, every run with environment variable `key` set to `value`
        /// (e.g. `SOFTHSM2_CONF` for a test's own token).
        #[must_use]
        pub fn with_env(mut self, key: &str, value: impl Into<std::ffi::OsString>) -> Self {
            self.envs.push((key.to_owned(), value.into()));
            self
        }

        /// Exit code, stdout and stderr of `lading ARGS`.
        ///
        /// # Panics
        /// When the binary cannot be started, dies of a signal, or panics.
        pub fn run(&self, args: &[&str]) -> (i32, String, String) {
            let out = Command::new(&self.bin)
                .current_dir(&self.dir)
                .envs(self.envs.iter().map(|(k, v)| (k, v)))
                .args(args)
                .output()
                .expect("run lading");
            let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
            assert!(!stderr.contains("panicked"), "lading {args:?} panicked: {stderr}");
            (out.status.code().expect("an exit code"), String::from_utf8_lossy(&out.stdout).into_owned(), stderr)
        }

        /// Stdout of `lading ARGS`, which must succeed.
        ///
        /// # Panics
        /// When it exits non-zero.
        pub fn ok(&self, args: &[&str]) -> String {
            let (code, out, err) = self.run(args);
            assert_eq!(code, 0, "lading {args:?}: {err}{out}");
            out
        }

        /// Stderr and stdout of `lading ARGS`, which must fail.
        ///
        /// # Panics
        /// When it exits 0.
        pub fn fails(&self, args: &[&str]) -> String {
            let (code, out, err) = self.run(args);
            assert_ne!(code, 0, "lading {args:?} should have failed: {out}");
            format!("{err}{out}")
        }

        /// Starts `lading --json serve ARGS --listen 127.0.0.1:0` and waits
        /// until it listens; the server is killed when the value drops.
        ///
        /// # Panics
        /// When it cannot start or exits before listening.
        pub fn serve(&self, args: &[&str]) -> Server {
            use std::io::BufRead as _;
            let child = Command::new(&self.bin)
                .current_dir(&self.dir)
                .envs(self.envs.iter().map(|(k, v)| (k, v)))
                .args(["--json", "serve"])
                .args(args)
                .args(["--listen", "127.0.0.1:0"])
                // One log line per request would flood the test output.
                .env("LADING_SERVE_LOG_LEVEL", "warn")
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::inherit())
                .spawn()
                .expect("spawn lading serve");
            // Owned at once, so a failure below still kills and reaps it.
            let mut server = Server { child, url: String::new() };
            let stdout = server.child.stdout.take().expect("stdout");
            let mut lines = std::io::BufReader::new(stdout).lines();
            loop {
                let line = lines.next().expect("lading serve exited before listening").expect("a line");
                let event: serde_json::Value = serde_json::from_str(&line).expect("a JSON event");
                if event["event"] == "listening" {
                    server.url = format!("http://{}", event["address"].as_str().expect("address"));
                    // Keep draining stdout so the server never blocks on a full pipe.
                    std::thread::spawn(move || for _ in lines {});
                    return server;
                }
            }
        }

        /// `lading pki issue`: the public key `KEY.pub` certified by the CA
        /// whose certificate and key are `CA.pem` and `CA.key`, with
        /// `subject` and `profile` (ca, signer, tsa), written to `out`.
        ///
        /// # Panics
        /// When it fails.
        pub fn pki_issue(&self, ca: &str, key: &str, subject: &str, profile: &str, out: &str) {
            let (ca_cert, ca_key, subject_key) = (format!("{ca}.pem"), format!("{ca}.key"), format!("{key}.pub"));
            self.ok(&[
                "pki",
                "issue",
                "--ca-cert",
                &ca_cert,
                "--ca-key",
                &ca_key,
                "--subject-key",
                &subject_key,
                "--subject",
                subject,
                "--profile",
                profile,
                "--out",
                out,
            ]);
        }

        /// The JSON line printed by `lading --json ARGS` (exit code not checked).
        ///
        /// # Panics
        /// When stdout is not one JSON value.
        pub fn json(&self, args: &[&str]) -> (i32, serde_json::Value) {
            let mut all = vec!["--json"];
            all.extend_from_slice(args);
            let (code, out, err) = self.run(&all);
            let value = serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
            (code, value)
        }
    }
}

/// Debian's chromium, headless, for tests of rendered pages.
pub mod browser {
    use std::path::{Path, PathBuf};
    use std::process::Command;

    /// `$LADING_CHROMIUM`, else `chromium` (or `chromium-browser`) on the PATH.
    /// Missing fails under CI (scripts/test installs it) and is a loud skip elsewhere.
    ///
    /// # Panics
    /// When chromium is missing under CI.
    pub fn chromium() -> Option<PathBuf> {
        if let Some(p) = std::env::var_os("LADING_CHROMIUM") {
            return Some(PathBuf::from(p));
        }
        for name in ["chromium", "chromium-browser"] {
            for dir in std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()) {
                if dir.join(name).is_file() {
                    return Some(dir.join(name));
                }
            }
        }
        assert!(std::env::var_os("CI").is_none(), "chromium is missing (apt-get install chromium); CI needs it");
        eprintln!("!!! chromium not found: a browser rendering test is SKIPPED (CI would fail) !!!");
        None
    }

    /// Screenshots `url` at `width`×`height` into `target/screenshots/NAME.png`
    /// (kept as a test artefact) and returns that path.
    ///
    /// # Panics
    /// When chromium fails.
    pub fn screenshot(browser: &Path, url: &str, (width, height): (u32, u32), name: &str) -> PathBuf {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
        std::fs::create_dir_all(&dir).expect("target/screenshots");
        let shot = dir.join(format!("{name}.png"));
        let out = Command::new(browser)
            .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars"])
            .args(["--no-first-run", "--disable-background-networking"])
            .arg(format!("--window-size={width},{height}"))
            .arg(format!("--screenshot={}", shot.display()))
            .arg(url)
            .output()
            .expect("run chromium");
        assert!(out.status.success(), "chromium on {url}: {}", String::from_utf8_lossy(&out.stderr));
        shot
    }
}
