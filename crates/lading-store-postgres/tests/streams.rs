//! The stream conformance suite (`lading_stream::conformance`), run against
//! PostgreSQL, each check in a database of its own; and the same input
//! giving byte-identical records on PostgreSQL and SQLite.
//!
//! Needs a server (`LADING_TEST_POSTGRES`, set by `scripts/test`); without
//! it the tests say so loudly and skip, except under CI, where they fail.

// Test support reports on the terminal by design.
#![allow(clippy::print_stderr)]

use std::sync::Mutex;

use lading_store_postgres::PostgresStreams;
use lading_stream::conformance::{self, Harness};

fn url() -> Option<String> {
    match std::env::var("LADING_TEST_POSTGRES") {
        Ok(url) => Some(url),
        Err(_) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "LADING_TEST_POSTGRES is not set; CI must run these tests through scripts/test"
            );
            eprintln!(
                "\n!!! WARNING: LADING_TEST_POSTGRES is not set; PostgreSQL stream tests are SKIPPED (run scripts/test) !!!\n"
            );
            None
        }
    }
}

/// `url` with its database replaced by `db`.
fn with_database(url: &str, db: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let (server, _) = base.rsplit_once('/').expect("a postgres:// URL with a database");
    match query {
        Some(q) => format!("{server}/{db}?{q}"),
        None => format!("{server}/{db}"),
    }
}

/// A new, empty database on the test server; returns its URL.
async fn fresh_database(url: &str) -> String {
    let mut r = [0u8; 6];
    getrandom::fill(&mut r).expect("random");
    let db = format!("lading_streams_{}", r.iter().map(|b| format!("{b:02x}")).collect::<String>());
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.expect("connect");
    tokio::spawn(conn);
    client.batch_execute(&format!("CREATE DATABASE {db}")).await.expect("create database");
    with_database(url, &db)
}

struct Postgres {
    url: String,
    /// The database of the latest fresh deployment (the suite names one
    /// deployment at a time to a child or a second handle).
    latest: Mutex<String>,
}

impl Harness for Postgres {
    type Store = PostgresStreams;

    async fn fresh(&self) -> PostgresStreams {
        let url = fresh_database(&self.url).await;
        let pool = lading_store_postgres::connect(&url).await.expect("connect");
        *self.latest.lock().expect("lock") = url;
        PostgresStreams::new(pool)
    }

    fn location_to_arg(&self, _store: &PostgresStreams) -> String {
        self.latest.lock().expect("lock").clone()
    }

    async fn location_from_arg(&self, arg: &str) -> PostgresStreams {
        PostgresStreams::new(lading_store_postgres::connect(arg).await.expect("connect"))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_streams_pass_the_conformance_suite() {
    let Some(url) = url() else { return };
    conformance::run_all(&Postgres { url, latest: Mutex::default() }).await;
}

/// The child process of the suite's crash check (a no-op unless the suite runs it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stream_conformance_crash_child() {
    if std::env::var_os(conformance::CHILD_ENV).is_none() {
        return;
    }
    let Some(url) = url() else { return };
    conformance::crash_child(&Postgres { url, latest: Mutex::default() }).await;
}

/// The same input gives byte-identical records, and segment packages, on
/// PostgreSQL and on the embedded store.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_are_byte_identical_on_postgres_and_sqlite() {
    let Some(url) = url() else { return };
    let h = Postgres { url, latest: Mutex::default() };
    let on_postgres = conformance::reference_records(&h.fresh().await).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let on_sqlite = conformance::reference_records(&lading_store_sqlite::SqliteStreams::new(dir.path())).await;
    assert_eq!(on_postgres.0.len(), 340, "40 + 0 (a batch refused whole) + 300");
    assert_eq!(on_postgres.0, on_sqlite.0, "records differ between PostgreSQL and SQLite");
    assert!(on_postgres.1 == on_sqlite.1, "segment packages differ between PostgreSQL and SQLite");
}
