//! `lading monitor` against real `lading serve` processes on loopback and
//! against a plain static file server (any C2SP tlog-tiles log): a log
//! replaced at the same URL by a fork (same key, another history) is caught
//! whether it is smaller (shrank) or larger (forked), with both checkpoints
//! as evidence, and the kept state never moves onto the fork.

use std::io::BufRead as _;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use lading_testkit::cli::Lading;
use serde_json::Value;

fn cli(dir: &Path) -> Lading {
    Lading::new(env!("CARGO_BIN_EXE_lading"), dir)
}

/// A process stopped when dropped: SIGTERM (a server then publishes its
/// files and exits), SIGKILL if it is still running after 10 s.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(pid) = rustix::process::Pid::from_raw(self.0.id() as i32) {
            let _ = rustix::process::kill_process(pid, rustix::process::Signal::TERM);
        }
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(10) {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

/// `lading serve --data DATA` on a fixed port (so a fork can take the same URL).
fn serve_at(dir: &Path, data: &str, port: u16) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lading"))
        .current_dir(dir)
        .args(["--json", "serve", "--data", data, "--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn lading serve");
    let stdout = child.stdout.take().expect("stdout");
    let running = Running(child);
    let mut lines = std::io::BufReader::new(stdout).lines();
    loop {
        let line = lines.next().expect("lading serve exited before listening").expect("line");
        if line.contains("\"listening\"") {
            std::thread::spawn(move || for _ in lines {});
            return running;
        }
    }
}

fn submit(dir: &Path, port: u16, entry: &str) -> String {
    std::fs::write(dir.join("entry"), entry).expect("entry");
    let server = format!("http://127.0.0.1:{port}");
    let out = cli(dir).ok(&[
        "remote",
        "submit",
        "entry",
        "--server",
        &server,
        "--log",
        "registry",
        "--token-file",
        "token",
        "--vkey",
        "dep/logs/registry/log.vkey",
    ]);
    out.trim().to_owned()
}

fn monitor(dir: &Path, port: u16, extra: &[&str]) -> (i32, Value) {
    let server = format!("http://127.0.0.1:{port}");
    let mut args = vec!["monitor", "--server", &server, "--log", "registry", "--vkey", "dep/logs/registry/log.vkey"];
    args.extend_from_slice(extra);
    cli(dir).json(&args)
}

#[test]
fn a_fork_served_at_the_same_url_is_caught_with_both_checkpoints() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    let l = cli(d);
    let port = free_port();
    // The deployment, with one entry; a copy of it (same key) becomes the fork.
    drop(l.serve(&["--data", "dep"]));
    let token = l.ok(&["token", "create", "--data", "dep", "--log", "registry", "--scope", "submit"]);
    std::fs::write(d.join("token"), token.trim()).expect("token");
    {
        let _s = serve_at(d, "dep", port);
        submit(d, port, "e1");
    }
    copy_dir(&d.join("dep"), &d.join("fork"));
    {
        let _s = serve_at(d, "fork", port);
        submit(d, port, "x2");
    }
    // The real log grows to 3; the monitor keeps its checkpoint and the watched entries.
    let dep = serve_at(d, "dep", port);
    let mut watch = submit(d, port, "e2");
    watch.push('\n');
    watch.push_str(&submit(d, port, "e3"));
    std::fs::write(d.join("watch"), format!("# index leaf\n{watch}\n")).expect("watch");
    let (code, v) = monitor(d, port, &["--state", "st", "--watch", "watch"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!((v["size"].as_u64(), v["old_size"].as_u64(), v["watched"].as_u64()), (Some(3), None, Some(2)));
    let kept = std::fs::read_to_string(d.join("st/checkpoint")).expect("state");
    drop(dep);

    // The fork at the same URL, smaller: it shrank.
    let fork = serve_at(d, "fork", port);
    let (code, v) = monitor(d, port, &["--state", "st"]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["problem"], "shrank", "{v}");
    assert_eq!(v["evidence"]["old_checkpoint"], kept.as_str());
    assert!(v["evidence"]["new_checkpoint"].as_str().expect("new").contains("\n2\n"));
    let saved = Path::new(v["evidence"]["saved"].as_str().expect("saved"));
    let saved = if saved.is_absolute() { saved.to_path_buf() } else { d.join(saved) };
    assert_eq!(std::fs::read_to_string(saved.join("old.checkpoint")).expect("old"), kept);

    // The fork grown past the kept size: another history under a valid signature.
    submit(d, port, "x3");
    submit(d, port, "x4");
    let (code, v) = monitor(d, port, &["--state", "st"]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["problem"], "forked", "{v}");
    assert_eq!(v["evidence"]["old_checkpoint"], kept.as_str());
    assert!(v["evidence"]["new_checkpoint"].as_str().expect("new").contains("\n4\n"));
    // The kept state never moved onto the fork.
    assert_eq!(std::fs::read_to_string(d.join("st/checkpoint")).expect("state"), kept);
    drop(fork);

    // Following with --interval: fine while the real log is served, caught
    // (exit 1) once the fork takes its place.
    let dep = serve_at(d, "dep", port);
    let server = format!("http://127.0.0.1:{port}");
    let child = Command::new(env!("CARGO_BIN_EXE_lading"))
        .current_dir(d)
        .args(["--json", "monitor", "--server", &server, "--log", "registry", "--vkey"])
        .args(["dep/logs/registry/log.vkey", "--state", "st", "--watch", "watch", "--interval", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn monitor");
    let mut following = Running(child);
    std::thread::sleep(Duration::from_millis(2500));
    assert!(following.0.try_wait().expect("wait").is_none(), "the monitor stopped while the log was sound");
    drop(dep);
    let _fork = serve_at(d, "fork", port);
    let started = Instant::now();
    let status = loop {
        if let Some(status) = following.0.try_wait().expect("wait") {
            break status;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "the monitor did not catch the fork");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(status.code(), Some(1));
    let mut out = String::new();
    std::io::Read::read_to_string(&mut following.0.stdout.take().expect("stdout"), &mut out).expect("read");
    let reports: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).expect("json")).collect();
    assert!(reports.len() >= 2 && reports[0]["ok"] == true, "{out}");
    assert_eq!(reports.last().expect("last")["problem"], "forked", "{out}");
}

#[test]
fn any_tlog_tiles_log_served_as_static_files_is_monitored_and_a_changed_tile_is_caught() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    let l = cli(d);
    let port = free_port();
    drop(l.serve(&["--data", "dep"]));
    let token = l.ok(&["token", "create", "--data", "dep", "--log", "registry", "--scope", "submit"]);
    std::fs::write(d.join("token"), token.trim()).expect("token");
    let mut watch = String::new();
    {
        let _s = serve_at(d, "dep", port);
        for i in 0..260 {
            watch.push_str(&submit(d, port, &format!("entry {i}")));
            watch.push('\n');
        }
    }
    std::fs::write(d.join("watch"), &watch).expect("watch");
    // The log directory as a static tlog-tiles layout, served by Python's http.server.
    let static_port = free_port();
    let _files = Running(
        Command::new("python3")
            .args(["-m", "http.server", "-b", "127.0.0.1", &static_port.to_string(), "-d", "dep/logs/registry"])
            .current_dir(d)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 http.server"),
    );
    let prefix = format!("http://127.0.0.1:{static_port}");
    let args = ["monitor", "--prefix", &prefix, "--vkey", "dep/logs/registry/log.vkey", "--watch", "watch"];
    let started = Instant::now();
    let (code, v) = loop {
        let (code, v) = l.json(&[&args[..], &["--state", "st"]].concat());
        if code == 0 || started.elapsed() > Duration::from_secs(10) {
            break (code, v);
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(code, 0, "{v}");
    assert_eq!((v["size"].as_u64(), v["watched"].as_u64()), (Some(260), Some(260)), "{v}");

    // One hash changed in the full level-0 tile: it no longer rolls up to its parent.
    let tile = d.join("dep/logs/registry/tile/0/000");
    let mut bytes = std::fs::read(&tile).expect("tile");
    bytes[100] ^= 1;
    std::fs::write(&tile, bytes).expect("write");
    let (code, v) = l.json(&[&args[..], &["--state", "st"]].concat());
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["problem"], "tiles", "{v}");
    assert!(v["reason"].as_str().expect("reason").contains("tile/0/000"), "{v}");

    // A policy asking for a witness the log does not have.
    std::fs::write(
        d.join("policy"),
        format!(
            "log {}\nwitness w lading.localhost/witness+7aed7527+BOyWwNiUgrunukL5yvyVVcLQBemrAfi2QwjoLQqlyzia\nquorum w\n",
            std::fs::read_to_string(d.join("dep/logs/registry/log.vkey")).expect("vkey").trim()
        ),
    )
    .expect("policy");
    let (code, v) = l.json(&[&args[..], &["--state", "st2", "--policy", "policy"]].concat());
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["problem"], "signature", "{v}");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read dir") {
        let e = e.expect("entry");
        let target = to.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).expect("copy");
        }
    }
}
