//! The `LogStore` conformance suite, run against PostgreSQL.
//!
//! Needs a server: `scripts/test` starts a throwaway one and sets
//! `LADING_TEST_POSTGRES` to its URL. Without it the tests say so loudly and
//! skip, except under CI (`CI` set), where they fail.

// Test support reports on the terminal by design.
#![allow(clippy::print_stderr)]

use deadpool_postgres::Pool;
use lading_log::conformance::{self, Harness};
use lading_store_postgres::PostgresStore;
use tokio::sync::OnceCell;

fn url() -> Option<String> {
    match std::env::var("LADING_TEST_POSTGRES") {
        Ok(url) => Some(url),
        Err(_) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "LADING_TEST_POSTGRES is not set; CI must run these tests through scripts/test"
            );
            eprintln!(
                "\n!!! WARNING: LADING_TEST_POSTGRES is not set; PostgreSQL conformance tests are SKIPPED (run scripts/test) !!!\n"
            );
            None
        }
    }
}

struct Postgres {
    url: String,
    pool: OnceCell<Pool>,
}

impl Harness for Postgres {
    type Store = PostgresStore;
    type Location = String;

    fn fresh(&self) -> String {
        let mut r = [0u8; 8];
        getrandom::fill(&mut r).expect("random");
        format!("conformance-{}", r.iter().map(|b| format!("{b:02x}")).collect::<String>())
    }

    async fn open(&self, at: &String) -> PostgresStore {
        let pool =
            self.pool.get_or_init(|| async { lading_store_postgres::connect(&self.url).await.expect("connect") }).await;
        PostgresStore::new(pool.clone(), at)
    }

    fn location_to_arg(&self, at: &String) -> String {
        at.clone()
    }

    fn location_from_arg(&self, arg: &str) -> String {
        arg.to_owned()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_passes_the_conformance_suite() {
    let Some(url) = url() else { return };
    conformance::run_all(&Postgres { url, pool: OnceCell::new() }).await;
}

/// The child process of the suite's crash check (a no-op unless the suite runs it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conformance_crash_child() {
    if std::env::var_os(conformance::CHILD_ENV).is_none() {
        return;
    }
    let Some(url) = url() else { return };
    conformance::crash_child(&Postgres { url, pool: OnceCell::new() }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_registry_keeps_the_search_index() {
    let Some(url) = url() else { return };
    let pool = lading_store_postgres::connect(&url).await.expect("connect");
    let mut r = [0u8; 8];
    getrandom::fill(&mut r).expect("random");
    let log = format!("search-{}", r.iter().map(|b| format!("{b:02x}")).collect::<String>());
    conformance::registry_search_index(&lading_store_postgres::PostgresRegistry::new(pool), &log).await;
}
