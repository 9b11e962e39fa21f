//! The conformance suite every [`StreamStore`] backend runs.
//!
//! A backend's tests implement [`Harness`] (how to make a fresh deployment,
//! and how to name it to a child process) and call [`run_all`], or the
//! checks one by one; each panics with a message on failure. The crash
//! check runs the backend's test binary again as a child: it must contain
//! a test named [`CHILD_TEST`] that calls [`crash_child`].
//!
//! [`reference_records`] ingests a fixed input and returns the records
//! and segment bytes it gives, so that tests can compare backends: the same
//! input must give byte-identical records on every backend.

// A test suite asserts by panicking.
#![allow(clippy::unwrap_used, clippy::missing_panics_doc, clippy::print_stdout)]

use std::future::Future;

use chrono::{DateTime, Utc};
use lading_maint::Format;
use lading_model::maintenance::MaintenanceEvent;
use lading_model::meta::{Classification, Provider};

use crate::ops::{self, Bound};
use crate::{Hold, NewStream, OpenStream, Sink, StreamConfig, StreamError, StreamStore, StreamWriter};

/// How the suite makes deployments of one backend.
pub trait Harness: Send + Sync {
    /// The backend.
    type Store: StreamStore;
    /// A new deployment with no streams.
    fn fresh(&self) -> impl Future<Output = Self::Store> + Send;
    /// The deployment as a string a child process can take back with [`Harness::location_from_arg`].
    fn location_to_arg(&self, store: &Self::Store) -> String;
    /// The deployment named by [`Harness::location_to_arg`].
    fn location_from_arg(&self, arg: &str) -> impl Future<Output = Self::Store> + Send;
}

/// The name of the test in the backend's test binary that calls [`crash_child`].
pub const CHILD_TEST: &str = "stream_conformance_crash_child";
/// Set for the child process: the deployment to write to.
pub const CHILD_ENV: &str = "LADING_STREAM_CONFORMANCE_CHILD";
/// The suite's stream.
pub const STREAM: &str = "conformance";

/// The suite's stream key (fixed, so runs and backends compare).
pub fn key() -> crate::StreamKey {
    crate::StreamKey::InMemory(lading_crypto::SigningKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(&[7; 32])))
}

/// A fixed time: 2026-01-01T00:00:00Z.
pub fn t0() -> DateTime<Utc> {
    DateTime::from_timestamp(1_767_225_600, 0).unwrap()
}

/// The suite's stream settings (fixed id and time).
pub fn config(name: &str) -> StreamConfig {
    let new = NewStream {
        name: name.into(),
        origin: None,
        provider: Provider {
            legal_name: "Conformance Ops Co.".into(),
            registration_id: "91320500MA1CONFORM".into(),
            white_list_entry: None,
            pilot_zone: None,
        },
        classification: Classification { ebops_2010: vec!["SB".into()], cpc_2_1: vec!["8715".into()] },
        jurisdictions: vec!["DE".into()],
        clock_tolerance_ms: 5_000,
        retention_days: crate::MIN_RETENTION_DAYS,
    };
    StreamConfig::new(new, uuid::Uuid::from_u128(0x5eed), t0()).unwrap()
}

/// An RFC 5424 line for event `id` at `ms` milliseconds after [`t0`].
pub fn syslog_line(id: &str, ms: i64) -> String {
    let at = (t0() + chrono::Duration::milliseconds(ms)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    format!(
        "<134>1 {at} cnc-0019 maint-agent 4711 SESSION [maint@32473 event_id=\"{id}\" actor=\"svc-remote-ops\" \
         role=\"service-account\" org=\"Conformance Ops Co.\" auth=\"service-account\" session=\"rs-1\" access=\"api\" \
         serial=\"SN-1\" model=\"VMC-850\" site=\"Plant 1\" category=\"access-control\" action=\"session.open\" \
         target=\"jump-host\" result=\"success\"] session.open on jump-host: success"
    )
}

/// Lines for events `ids` (one per 100 ms from `start_ms`).
fn lines(prefix: &str, range: std::ops::Range<u64>, start_ms: i64) -> String {
    range
        .map(|i| syslog_line(&format!("{prefix}-{i:06}"), start_ms + 100 * i64::try_from(i).unwrap()))
        .collect::<Vec<_>>()
        .join("\n")
}

async fn create<S: StreamStore>(store: &S) {
    ops::create(store, &config(STREAM), &key()).await.unwrap();
}

async fn ingest<S: StreamStore>(store: &S, text: String, per_line: bool) -> crate::Applied {
    ops::ingest(store, STREAM, &key(), per_line, t0(), move |ctx| lading_maint::prepare(Format::Syslog, ctx, &text))
        .await
        .unwrap()
}

/// Every record of the stream, checked to carry its log index as its sequence.
async fn records<S: StreamStore>(store: &S) -> Vec<Vec<u8>> {
    let mut w = StreamWriter::open(store, store.config(STREAM).await.unwrap(), &key()).await.unwrap();
    let size = w.stream().log().checkpoint().0;
    let entries = if size == 0 { Vec::new() } else { w.stream().log().entries(0, size).await.unwrap() };
    assert_eq!(w.stream().next_indexed().await.unwrap(), size, "the event index covers the log");
    w.close().await.unwrap();
    for (i, e) in entries.iter().enumerate() {
        let ev: MaintenanceEvent = serde_json::from_slice(e).unwrap();
        assert_eq!(ev.sequence, i as u64, "record {i} carries sequence {}", ev.sequence);
        assert_eq!(ev.stream, STREAM);
    }
    entries
}

/// Runs every check (each on its own fresh deployment).
pub async fn run_all<H: Harness>(h: &H) {
    a_new_stream_is_listed_with_its_settings(h).await;
    sequences_are_log_indices_without_gaps(h).await;
    duplicates_are_refused_in_the_stream_and_in_a_batch(h).await;
    a_batch_sent_again_is_answered_as_stored_once(h).await;
    clock_tolerance_is_enforced(h).await;
    batches_are_all_or_nothing(h).await;
    retention_prunes_whole_bundles_except_held_ones(h).await;
    export_is_byte_identical_for_the_same_input(h).await;
    a_key_held_elsewhere_gives_the_same_records_and_segment(h).await;
    concurrent_requests_get_one_order_without_gaps(h).await;
    tokens_and_holds_are_kept(h).await;
    crash_at_random_moments_loses_nothing_acknowledged(h).await;
}

/// Creating a stream lists it; a second stream of the same name is refused.
pub async fn a_new_stream_is_listed_with_its_settings<H: Harness>(h: &H) {
    let store = h.fresh().await;
    assert!(matches!(store.config(STREAM).await, Err(StreamError::NotFound { .. })));
    create(&store).await;
    assert_eq!(store.config(STREAM).await.unwrap(), config(STREAM));
    assert_eq!(store.streams().await.unwrap(), vec![config(STREAM)]);
    let again = ops::create(&store, &config(STREAM), &key()).await;
    assert!(matches!(again, Err(StreamError::Exists { .. })), "{again:?}");
    assert_eq!(store.indexed(STREAM).await.unwrap(), (0, None));
}

/// Batches are numbered on from the stream's size; each record's sequence is its log index.
pub async fn sequences_are_log_indices_without_gaps<H: Harness>(h: &H) {
    let store = h.fresh().await;
    create(&store).await;
    let (o, n, first) = ingest(&store, lines("a", 0..5, 0), false).await;
    assert!(o.rejected.is_empty(), "{:?}", o.rejected);
    assert_eq!((n, first), (5, 0));
    let (_, n, first) = ingest(&store, lines("a", 5..12, 0), false).await;
    assert_eq!((n, first), (7, 5));
    assert_eq!(records(&store).await.len(), 12);
    assert_eq!(store.indexed(STREAM).await.unwrap().0, 12);
}

/// An event id already in the stream, or twice in one batch, is refused.
pub async fn duplicates_are_refused_in_the_stream_and_in_a_batch<H: Harness>(h: &H) {
    let store = h.fresh().await;
    create(&store).await;
    ingest(&store, lines("d", 0..3, 0), false).await;
    let (o, n, _) = ingest(&store, lines("d", 2..5, 0), false).await;
    assert_eq!(n, 0, "a batch with a known id appends nothing");
    assert_eq!(o.rejected.len(), 1);
    assert!(o.rejected[0].message.contains("already in the stream"), "{}", o.rejected[0]);
    let twice = format!("{}\n{}", syslog_line("d-x", 10_000), syslog_line("d-x", 10_100));
    let (o, n, _) = ingest(&store, twice, false).await;
    assert_eq!((n, o.rejected.len()), (0, 1), "{:?}", o.rejected);
    let (o, n, first) = ingest(&store, lines("d", 2..5, 0), true).await;
    assert_eq!((n, first, o.rejected.len()), (2, 3, 1), "per line, only the duplicate is refused");
    assert_eq!(records(&store).await.len(), 5);
}

/// A batch sent again whole (a client retrying after a lost answer, or
/// after a 503 whose commit had in fact landed) is answered as stored —
/// nothing appended, nothing refused, the first sequence of the stored run —
/// and the stream is unchanged; the same ids with other content, or a
/// batch only partly stored, is still refused as duplicates.
pub async fn a_batch_sent_again_is_answered_as_stored_once<H: Harness>(h: &H) {
    let store = h.fresh().await;
    create(&store).await;
    ingest(&store, lines("p", 0..2, 0), false).await;
    let (o, n, first) = ingest(&store, lines("r", 0..4, 1_000), false).await;
    assert!(o.rejected.is_empty() && (n, first) == (4, 2), "{:?}", o.rejected);
    let before = records(&store).await;
    let (o, n, first) = ingest(&store, lines("r", 0..4, 1_000), false).await;
    assert!(o.rejected.is_empty() && o.accepted.is_empty(), "{:?}", o.rejected);
    assert_eq!((n, first), (0, 2), "answered as the stored run 2..6");
    assert_eq!(records(&store).await, before, "nothing appended or changed");
    // Another content under the same ids is not a replay.
    let other = lines("r", 0..4, 1_000).replace("session.open on jump-host", "something else");
    let (o, n, _) = ingest(&store, other, false).await;
    assert_eq!((n, o.rejected.len()), (0, 4), "{:?}", o.rejected);
    // Part of the batch stored, part new: the stored ones are duplicates.
    let (o, n, _) = ingest(&store, lines("r", 2..6, 1_000), false).await;
    assert_eq!((n, o.rejected.len()), (0, 2), "{:?}", o.rejected);
    assert_eq!(records(&store).await, before);
}

/// An event older than the latest by more than the tolerance is refused; within it, taken.
pub async fn clock_tolerance_is_enforced<H: Harness>(h: &H) {
    let store = h.fresh().await;
    create(&store).await;
    ingest(&store, syslog_line("c-0", 60_000), false).await;
    let (o, n, _) = ingest(&store, syslog_line("c-late", 60_000 - 5_001), false).await;
    assert_eq!(n, 0);
    assert!(o.rejected[0].message.contains("clock tolerance is 5000 ms"), "{}", o.rejected[0]);
    let (o, n, first) = ingest(&store, syslog_line("c-ok", 60_000 - 4_999), false).await;
    assert!(o.rejected.is_empty(), "{:?}", o.rejected);
    assert_eq!((n, first), (1, 1));
}

/// A bad line refuses its whole batch and nothing else: in one commit of
/// several requests, the others are appended, numbered without a gap.
pub async fn batches_are_all_or_nothing<H: Harness>(h: &H) {
    let store = h.fresh().await;
    create(&store).await;
    let bad = format!("{}\nnot syslog\n{}", syslog_line("b-1", 0), syslog_line("b-2", 100));
    let (o, n, first) = ingest(&store, bad, false).await;
    assert_eq!((n, first, o.rejected.len()), (0, 0, 1));
    assert!(records(&store).await.is_empty(), "nothing appended");
    let config = store.config(STREAM).await.unwrap();
    let ctx = config.context(t0());
    let mut w = StreamWriter::open(&store, config, &key()).await.unwrap();
    let good1 = lading_maint::prepare(Format::Syslog, &ctx, &lines("g", 0..3, 0));
    let broken = lading_maint::prepare(Format::Syslog, &ctx, &format!("{}\n<13>1 bad", syslog_line("h-1", 400)));
    let good2 = lading_maint::prepare(Format::Syslog, &ctx, &lines("k", 0..2, 1_000));
    let applied = w.apply(vec![(good1, false), (broken, false), (good2, false)]).await.unwrap();
    w.close().await.unwrap();
    let summary: Vec<(usize, u64)> = applied.iter().map(|(_, n, first)| (*n, *first)).collect();
    assert_eq!(summary, vec![(3, 0), (0, 3), (2, 3)]);
    let ids: Vec<String> =
        records(&store).await.iter().map(|r| serde_json::from_slice::<MaintenanceEvent>(r).unwrap().event_id).collect();
    assert_eq!(ids, ["g-000000", "g-000001", "g-000002", "k-000000", "k-000001"]);
}

/// Retention: whole 256-event bundles past retention are pruned, except
/// those an active hold covers; pruned events cannot be exported, the rest
/// can, and the stream reopens and takes events afterwards.
pub async fn retention_prunes_whole_bundles_except_held_ones<H: Harness>(h: &H) {
    let store = h.fresh().await;
    create(&store).await;
    ingest(&store, lines("r", 0..600, 0), false).await;
    let later = t0() + chrono::Duration::days(400);
    let (_, r) = ops::retention(&store, STREAM, &key(), later, false).await.unwrap();
    assert_eq!((r.events, r.past_retention, r.prunable, r.pruned), (600, 600, 512, 0));
    let (_, r) = ops::retention(&store, STREAM, &key(), t0(), false).await.unwrap();
    assert_eq!((r.within_retention, r.prunable), (600, 0), "nothing is past retention yet");
    let hold = Hold {
        id: "case-1".into(),
        from: 10,
        to: Some(20),
        reason: "audit".into(),
        placed_at: t0(),
        released_at: None,
    };
    store.update_holds(STREAM, move |hs| hs.place(STREAM, hold)).await.unwrap();
    let (_, r) = ops::retention(&store, STREAM, &key(), later, true).await.unwrap();
    assert_eq!((r.held, r.pruned_now, r.pruned), (10, 256, 256), "{r:?}");
    let pruned = ops::export(
        &store,
        STREAM,
        &key(),
        Some(Bound::Sequence(300)),
        Some(Bound::Sequence(310)),
        uuid::Uuid::nil(),
        t0(),
    )
    .await;
    assert!(matches!(pruned, Err(StreamError::Pruned { from: 256, to: 512 })), "{pruned:?}");
    let (segment, bytes) = ops::export(
        &store,
        STREAM,
        &key(),
        Some(Bound::Sequence(0)),
        Some(Bound::Sequence(20)),
        uuid::Uuid::nil(),
        t0(),
    )
    .await
    .unwrap();
    assert_eq!(segment.event_count, 20);
    let vkey = crate::note_signer(&config(STREAM).origin, &key()).unwrap().verifier().clone();
    let v = lading_maint::verify(&bytes, &vkey);
    assert!(v.ok(), "{:?}", v.checks);
    store.update_holds(STREAM, |hs| hs.release(STREAM, "case-1", t0())).await.unwrap();
    let (_, r) = ops::retention(&store, STREAM, &key(), later, true).await.unwrap();
    assert_eq!((r.pruned_now, r.pruned), (256, 512));
    let (_, n, first) = ingest(&store, lines("r", 600..610, 0), false).await;
    assert_eq!((n, first), (10, 600));
}

/// The same input gives the same records and, with the same id and time,
/// the same segment bytes, on two fresh deployments.
pub async fn export_is_byte_identical_for_the_same_input<H: Harness>(h: &H) {
    let a = reference_records(&h.fresh().await).await;
    let b = reference_records(&h.fresh().await).await;
    assert_eq!(a.0, b.0, "records differ");
    assert!(a.1 == b.1, "segment bytes differ");
}

/// A fixed input (three batches, one refused, syslog and JSON Lines)
/// ingested into a new stream of `store`: its records and its segment
/// package (metadata id nil, made at [`t0`]).
pub async fn reference_records<S: StreamStore>(store: &S) -> (Vec<Vec<u8>>, Vec<u8>) {
    reference_records_signed_by(store, &key()).await
}

/// [`reference_records`] with the stream's key given as `key`.
pub async fn reference_records_signed_by<S: StreamStore>(store: &S, key: &crate::StreamKey) -> (Vec<Vec<u8>>, Vec<u8>) {
    ops::create(store, &config(STREAM), key).await.unwrap();
    let batches = [
        (lines("x", 0..40, 0), false),
        (format!("{}\nbad", syslog_line("y", 10_000)), false),
        (lines("z", 0..300, 5_000), true),
    ];
    for (text, per_line) in batches {
        ops::ingest(store, STREAM, key, per_line, t0(), move |ctx| lading_maint::prepare(Format::Syslog, ctx, &text))
            .await
            .unwrap();
    }
    let (_, bytes) = ops::export(store, STREAM, key, None, None, uuid::Uuid::nil(), t0()).await.unwrap();
    (records(store).await, bytes)
}

/// A stream whose key is held elsewhere (a signer known by a reference, as
/// a PKCS#11 token key is) records and exports the same bytes as the same
/// key in memory: Ed25519 is deterministic, and nothing but the signer differs.
pub async fn a_key_held_elsewhere_gives_the_same_records_and_segment<H: Harness>(h: &H) {
    let crate::StreamKey::InMemory(inner) = key() else { unreachable!("the suite's key is in memory") };
    let elsewhere =
        crate::StreamKey::reference(std::sync::Arc::new(inner), "pkcs11:token=conformance;object=stream").unwrap();
    let a = reference_records(&h.fresh().await).await;
    let b = reference_records_signed_by(&h.fresh().await, &elsewhere).await;
    assert_eq!(a.0, b.0, "records differ");
    assert!(a.1 == b.1, "segment bytes differ");
}

/// Many requests at once through one [`Sink`]: each acknowledged range is
/// where its events are, the ranges tile the stream, nothing is lost.
pub async fn concurrent_requests_get_one_order_without_gaps<H: Harness>(h: &H) {
    let store = h.fresh().await;
    create(&store).await;
    let sink = std::sync::Arc::new(Sink::load(store.clone(), std::sync::Arc::new(|_: &str| Ok(key()))).await.unwrap());
    let config = store.config(STREAM).await.unwrap();
    let mut tasks = Vec::new();
    for t in 0..6u64 {
        let (sink, config) = (std::sync::Arc::clone(&sink), config.clone());
        tasks.push(tokio::spawn(async move {
            let mut acks = Vec::new();
            for r in 0..10u64 {
                let text = lines(&format!("t{t}r{r}"), 0..4, 0);
                let prepared = lading_maint::prepare(Format::Syslog, &config.context(t0()), &text);
                let (o, n, first) = sink.submit(STREAM, prepared).await.unwrap();
                assert!(o.rejected.is_empty(), "{:?}", o.rejected);
                acks.push((first, n as u64, format!("t{t}r{r}")));
            }
            acks
        }));
    }
    let mut acks = Vec::new();
    for t in tasks {
        acks.extend(t.await.unwrap());
    }
    // Let the writer go idle and close the stream.
    tokio::time::sleep(crate::sink::WRITER_IDLE * 3).await;
    let recs = records(&store).await;
    assert_eq!(recs.len(), 240);
    acks.sort();
    let mut next = 0;
    for (first, n, prefix) in acks {
        assert_eq!(first, next, "acknowledged ranges tile the stream");
        for i in first..first + n {
            let ev: MaintenanceEvent = serde_json::from_slice(&recs[usize::try_from(i).unwrap()]).unwrap();
            assert!(ev.event_id.starts_with(&prefix), "sequence {i} holds {} not {prefix}", ev.event_id);
        }
        next = first + n;
    }
}

/// Tokens and holds are stored as given, and survive a new handle.
pub async fn tokens_and_holds_are_kept<H: Harness>(h: &H) {
    let store = h.fresh().await;
    create(&store).await;
    let token =
        crate::StreamToken { id: "tok-1".into(), sha256: "ab".repeat(32), label: "otlp".into(), created_at: t0() };
    store.add_token(STREAM, token.clone()).await.unwrap();
    let hold = Hold { id: "h".into(), from: 0, to: None, reason: "r".into(), placed_at: t0(), released_at: None };
    let placed = hold.clone();
    store.update_holds(STREAM, move |hs| hs.place(STREAM, placed)).await.unwrap();
    let refused = store.update_holds(STREAM, move |hs| hs.place(STREAM, hold)).await;
    assert!(matches!(refused, Err(StreamError::Invalid(_))), "a second hold with the id is refused");
    let again = h.location_from_arg(&h.location_to_arg(&store)).await;
    assert_eq!(again.tokens(STREAM).await.unwrap(), vec![token]);
    assert_eq!(again.holds(STREAM).await.unwrap().holds.len(), 1);
    let sink = Sink::load(again, std::sync::Arc::new(|_: &str| Ok(key()))).await.unwrap();
    assert_eq!(sink.stream_for([0xab; 32]).map(|s| s.0), Some(STREAM.to_owned()));
    assert!(sink.stream_for([0; 32]).is_none());
}

/// The child side of the crash check: when [`CHILD_ENV`] is set, submits
/// batches in a loop through a [`Sink`] (the server's path, which keeps the
/// stream open) into the deployment it names, printing `ack FIRST N PREFIX`
/// after each durable batch, until killed.
pub async fn crash_child<H: Harness>(h: &H) {
    let Ok(arg) = std::env::var(CHILD_ENV) else { return };
    let store = h.location_from_arg(&arg).await;
    let config = store.config(STREAM).await.unwrap();
    let sink = Sink::load(store, std::sync::Arc::new(|_: &str| Ok(key()))).await.unwrap();
    for b in 0u64.. {
        let prefix = format!("p{}-{b}", std::process::id());
        let prepared = lading_maint::prepare(Format::Syslog, &config.context(t0()), &lines(&prefix, 0..20, 0));
        let (o, n, first) = sink.submit(STREAM, prepared).await.unwrap();
        assert!(o.rejected.is_empty(), "{:?}", o.rejected);
        println!("ack {first} {n} {prefix}");
    }
}

/// Kills a child ingesting batches at random moments with SIGKILL: every
/// acknowledged event is at its acknowledged sequence afterwards, the
/// stream has no gap, and it takes events again.
pub async fn crash_at_random_moments_loses_nothing_acknowledged<H: Harness>(h: &H) {
    use std::io::BufRead as _;
    let store = h.fresh().await;
    create(&store).await;
    let mut acked: Vec<(u64, u64, String)> = Vec::new();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for _ in 0..4 {
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", CHILD_TEST, "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, h.location_to_arg(&store))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .filter(|l| l.starts_with("ack "))
                .collect::<Vec<_>>()
        });
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        tokio::time::sleep(std::time::Duration::from_millis(700 + seed % 800)).await;
        child.kill().unwrap();
        child.wait().unwrap();
        for line in reader.join().unwrap() {
            let parts: Vec<&str> = line.split(' ').collect();
            if let [_, first, n, prefix] = parts.as_slice()
                && let (Ok(first), Ok(n)) = (first.parse(), n.parse())
            {
                acked.push((first, n, (*prefix).to_owned()));
            }
        }
    }
    assert!(acked.len() >= 8, "the children acknowledged only {} batches", acked.len());
    let recs = records(&store).await;
    for (first, n, prefix) in &acked {
        for i in *first..first + n {
            let rec = recs.get(usize::try_from(i).unwrap()).unwrap_or_else(|| panic!("acknowledged sequence {i} lost"));
            let ev: MaintenanceEvent = serde_json::from_slice(rec).unwrap();
            assert!(
                ev.event_id.starts_with(prefix.as_str()),
                "sequence {i} holds {}, acknowledged as {prefix}",
                ev.event_id
            );
        }
    }
    let size = recs.len() as u64;
    let (_, n, first) = ingest(&store, lines("after", 0..3, 0), false).await;
    assert_eq!((n, first), (3, size));
}
