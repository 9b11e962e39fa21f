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
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_passes_the_conformance_suite() {
    conformance::run_all(&Sqlite::default()).await;
}
