//! The `LogStore` conformance suite, run against the SQLite backend.

use std::path::PathBuf;
use std::sync::Mutex;

use lading_log::conformance::{self, Harness};
use lading_store_sqlite::SqliteStore;

#[derive(Default)]
struct Sqlite {
    dirs: Mutex<Vec<tempfile::TempDir>>,
}

impl Harness for Sqlite {
    type Store = SqliteStore;
    type Location = PathBuf;

    fn fresh(&self) -> PathBuf {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().to_owned();
        self.dirs.lock().expect("lock").push(dir);
        path
    }

    async fn open(&self, at: &PathBuf) -> SqliteStore {
        SqliteStore::open(at).expect("open store")
    }

    fn location_to_arg(&self, at: &PathBuf) -> String {
        at.display().to_string()
    }

    fn location_from_arg(&self, arg: &str) -> PathBuf {
        PathBuf::from(arg)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_passes_the_conformance_suite() {
    conformance::run_all(&Sqlite::default()).await;
}

/// The child process of the suite's crash check (a no-op unless the suite runs it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conformance_crash_child() {
    conformance::crash_child(&Sqlite::default()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_registry_keeps_the_search_index() {
    let dir = tempfile::tempdir().expect("tempdir");
    let registry = lading_store_sqlite::SqliteRegistry::open(dir.path()).expect("registry");
    conformance::registry_search_index(&registry, "registry").await;
}
