//! `lading bench console`: server-side time of the web console's pages on
//! the demo deployment with a large maintenance stream — the pages the
//! criterion bench of `lading-server` cannot reach, because the stream
//! pages, the admin session and `/verify` with a real evidence bundle need
//! the composition root: `lading demo` writes the files, events are added
//! to its stream through the same ingestion as `lading maint ingest`, and a
//! `lading serve` child process serves them over loopback HTTP. The
//! baseline in the same run is `/healthz` on that server (the HTTP round
//! trip alone).

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::cli::BenchConsoleArgs;
use crate::output;

/// The demo's maintenance stream.
const STREAM: &str = "fleet-example-de";
/// Events appended per ingestion batch.
const BATCH: u64 = 50_000;
/// One event in this many names the asset the filter page looks for.
const RARE_EVERY: u64 = 1_000;

/// Kills the server when the bench ends, however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub(crate) fn console(args: &BenchConsoleArgs, json_out: bool) -> Result<ExitCode> {
    if args.repeats == 0 {
        bail!("--repeats must be at least 1");
    }
    let (base, _temp) = crate::cmd::bench::work_dir(args.dir.as_deref())?;
    let say = |s: String| if json_out { Ok(()) } else { output::line(&s) };
    let exe = std::env::current_exe().context("finding the lading binary")?;
    let demo = base.join("demo");
    if !demo.join("maint/streams").join(STREAM).join("stream.json").exists() {
        say(format!("lading bench console: running lading demo into {}", demo.display()))?;
        let out = Command::new(&exe)
            .args(["--json", "demo", "--keep"])
            .arg(&demo)
            .stdin(Stdio::null())
            .output()
            .context("running lading demo")?;
        if !out.status.success() {
            bail!("lading demo failed: {}", String::from_utf8_lossy(&out.stderr));
        }
    }
    let postgres = args.postgres.as_deref().zip(args.keys.as_deref());
    let data = crate::cli::MaintDataArgs {
        data: demo.join("maint"),
        postgres: args.postgres.clone(),
        keys: args.keys.clone(),
    };
    let rt = crate::cmd::log::runtime()?;
    if let Some((url, keys)) = postgres
        && rt.block_on(crate::cmd::maint::AnyStream::open(&data, STREAM)).is_err()
    {
        say(format!("lading bench console: copying the demo's stream into PostgreSQL ({url})"))?;
        let out = Command::new(&exe)
            .args(["--json", "maint", "migrate", STREAM, "--from-data"])
            .arg(demo.join("maint"))
            .args(["--to-postgres", url, "--keys"])
            .arg(keys)
            .stdin(Stdio::null())
            .output()
            .context("running lading maint migrate")?;
        if !out.status.success() {
            bail!("lading maint migrate failed: {}", String::from_utf8_lossy(&out.stderr));
        }
    }
    let stream = rt.block_on(crate::cmd::maint::AnyStream::open(&data, STREAM))?;
    let have = rt.block_on(stream.indexed())?.0;
    if have < args.events {
        rt.block_on(grow(&stream, have, args.events, json_out))?;
    }
    let size = rt.block_on(stream.indexed())?.0;
    let store = if postgres.is_some() { "PostgreSQL" } else { "SQLite" };
    say(format!("stream {STREAM} ({store}): {size} events; the demo's registry log, white list and evidence bundle"))?;

    let (token, _) = crate::cmd::serve::demo_deployment(&demo, "127.0.0.1:0", postgres)?;
    let mut child = Command::new(&exe)
        .arg("--json")
        .arg("serve")
        .args(crate::cmd::serve::demo_serve_flags(&demo, "127.0.0.1:0", postgres))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("starting lading serve")?;
    let stdout = child.stdout.take().context("lading serve's output")?;
    let server = Server(child);
    let mut lines = BufReader::new(stdout).lines();
    let addr = loop {
        let Some(line) = lines.next() else { bail!("lading serve stopped before listening") };
        let v: Value = serde_json::from_str(&line?).unwrap_or(Value::Null);
        if v["event"] == "listening" {
            break v["address"].as_str().context("lading serve's address")?.to_owned();
        }
    };
    // Keep reading what the server prints so it never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    let url = format!("http://{addr}");

    let bundle = std::fs::read(demo.join("trust/evidence.lading")).context("the demo's evidence bundle")?;
    let middle = rt
        .block_on(stream.occurred_ms(size / 2))?
        .and_then(DateTime::<Utc>::from_timestamp_millis)
        .context("the time of the stream's middle event")?;
    let rows = rt.block_on(measure(&url, &token, &bundle, size, middle, args.repeats))?;
    drop(server);

    let base_ms = rows.first().map_or(f64::NAN, |r| r.median_ms);
    if json_out {
        output::json_line(&json!({
            "ok": true,
            "store": store,
            "stream_events": size,
            "repeats": args.repeats,
            "baseline": "/healthz",
            "pages": rows.iter().map(|r| json!({
                "page": r.name,
                "request": r.request,
                "median_ms": round3(r.median_ms),
                "p95_ms": round3(r.p95_ms),
                "ratio_to_baseline": round3(r.median_ms / base_ms),
                "within_50_ms": r.p95_ms <= 50.0,
            })).collect::<Vec<_>>(),
        }))?;
    } else {
        say(format!("{:<44} {:>10} {:>10} {:>10}", "page", "median ms", "p95 ms", "×/healthz"))?;
        for r in &rows {
            say(format!("{:<44} {:>10.3} {:>10.3} {:>10.1}", r.name, r.median_ms, r.p95_ms, r.median_ms / base_ms))?;
        }
        say(format!("{} requests per page; target: every page ≤ 50 ms", args.repeats))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Appends events to the demo's stream until it holds `want`: the demo's
/// first sample event with its own id and time, spread over 50 assets, one
/// in [`RARE_EVERY`] on `bench-rare`. Events are 100 ms apart, ending a day
/// ago, or closer together when the stream's latest event leaves less room
/// (a stream only takes events in time order).
async fn grow(stream: &crate::cmd::maint::AnyStream, have: u64, want: u64, json_out: bool) -> Result<()> {
    let first = crate::cmd::demo::SAMPLE_EVENTS.lines().next().context("the demo's sample events")?;
    let mut template: Value = serde_json::from_str(first)?;
    let count = (want - have) as i64;
    let latest = stream.indexed().await?.1.unwrap_or(i64::MIN);
    let end = Utc::now().timestamp_millis() - 60_000;
    let start = (end - 86_400_000 - 100 * count).max(latest.saturating_add(1));
    let step = ((end - start) / count).min(100);
    if step < 1 {
        bail!("the stream's latest event is too recent to add {count} events in time order; use a new --dir");
    }
    let bar = if json_out || !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        indicatif::ProgressBar::hidden()
    } else {
        indicatif::ProgressBar::new(want - have)
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template("{pos}/{len} events appended ({per_sec}) {wide_bar} {eta}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let mut n = have;
    while n < want {
        let batch_end = (n + BATCH).min(want);
        let mut text = String::with_capacity(((batch_end - n) * 1100) as usize);
        for i in n..batch_end {
            let ms = start + step * (i - have) as i64;
            let at = DateTime::<Utc>::from_timestamp_millis(ms).context("an event time")?;
            template["meta"]["id"] = json!(uuid::Uuid::from_u128(u128::from(i) + 1).to_string());
            template["meta"]["created_at"] = json!(at.to_rfc3339());
            template["event_id"] = json!(format!("bench-{i:010}"));
            template["occurred_at"] = json!(at.to_rfc3339());
            template["observed_at"] = json!(at.to_rfc3339());
            template["asset"]["id"] =
                json!(if i % RARE_EVERY == 7 { "bench-rare".to_owned() } else { format!("bench-{:02}", i % 50) });
            text.push_str(&template.to_string());
            text.push('\n');
        }
        let (outcome, appended, _) = stream.ingest_jsonl(text).await?;
        if appended as u64 != batch_end - n {
            bail!("a benchmark batch was refused: {:?}", outcome.rejected.first());
        }
        bar.inc(batch_end - n);
        n = batch_end;
    }
    bar.finish_and_clear();
    Ok(())
}

struct Row {
    name: &'static str,
    request: String,
    median_ms: f64,
    p95_ms: f64,
}

async fn measure(
    url: &str,
    token: &str,
    bundle: &[u8],
    size: u64,
    middle: DateTime<Utc>,
    repeats: usize,
) -> Result<Vec<Row>> {
    let client = lading_server::http_client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    // An admin session, as a browser gets one.
    let body = form_urlencoded::Serializer::new(String::new()).append_pair("token", token).finish();
    let login = client
        .post(format!("{url}/admin/login"))
        .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await?;
    let cookie = login
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("lading_session="))
        .and_then(|c| c.split(';').next())
        .map(str::to_owned)
        .with_context(|| format!("signing in to {url}/admin: {}", login.status()))?;
    let stream = format!("/streams/{STREAM}");
    let at = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let window = format!("{stream}?from={}&to={}", at(middle), at(middle + chrono::Duration::minutes(1)));
    let pages: Vec<(&'static str, String)> = vec![
        ("baseline: /healthz", "/healthz".into()),
        ("dashboard", "/".into()),
        ("log explorer, registry", "/logs/registry".into()),
        ("white list", "/trust".into()),
        ("admin (signed in)", "/admin".into()),
        ("streams", "/streams".into()),
        ("stream, newest 200", stream.clone()),
        ("stream, asset filter over the newest 5,000", format!("{stream}?asset=bench-rare")),
        ("stream, one-minute window mid-stream", window),
        ("stream, paged back to the middle", format!("{stream}?before={}", size / 2)),
    ];
    let mut rows = Vec::new();
    for (name, path) in pages {
        let target = format!("{url}{path}");
        let times = time(repeats, || async {
            let r = client.get(&target).header(reqwest::header::COOKIE, &cookie).send().await?;
            let status = r.status();
            r.bytes().await?;
            if !status.is_success() {
                bail!("GET {target}: {status}");
            }
            Ok(())
        })
        .await?;
        rows.push(row(name, format!("GET {path}"), times));
    }
    let times = time(repeats, || async {
        let form = reqwest::multipart::Form::new()
            .part("bundle", reqwest::multipart::Part::bytes(bundle.to_vec()).file_name("evidence.lading"))
            .text("policy_name", "policy");
        let r = client.post(format!("{url}/verify")).multipart(form).send().await?;
        let status = r.status();
        let page = r.text().await?;
        if !status.is_success() || !page.contains("verdict ok") {
            bail!("POST {url}/verify: {status}, the demo bundle not verified");
        }
        Ok(())
    })
    .await?;
    rows.push(row(
        "verify the demo's evidence bundle",
        format!("POST /verify ({} KiB bundle, 3 deliverables)", bundle.len() / 1024),
        times,
    ));
    Ok(rows)
}

/// Times `repeats` calls after three untimed ones.
async fn time<F, Fut>(repeats: usize, f: F) -> Result<Vec<Duration>>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<()>>,
{
    for _ in 0..3 {
        f().await?;
    }
    let mut out = Vec::with_capacity(repeats);
    for _ in 0..repeats {
        let started = Instant::now();
        f().await?;
        out.push(started.elapsed());
    }
    Ok(out)
}

fn row(name: &'static str, request: String, mut times: Vec<Duration>) -> Row {
    times.sort_unstable();
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize].as_secs_f64() * 1000.0;
    Row { name, request, median_ms: at(0.5), p95_ms: at(0.95) }
}
