//! The stream conformance suite (`lading_stream::conformance`), run against
//! the embedded backend.

use std::path::Path;
use std::sync::Mutex;

use lading_store_sqlite::SqliteStreams;
use lading_stream::conformance::{self, Harness};

#[derive(Default)]
struct Embedded {
    dirs: Mutex<Vec<tempfile::TempDir>>,
}

impl Harness for Embedded {
    type Store = SqliteStreams;

    async fn fresh(&self) -> SqliteStreams {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = SqliteStreams::new(dir.path());
        self.dirs.lock().expect("lock").push(dir);
        store
    }

    fn location_to_arg(&self, store: &SqliteStreams) -> String {
        // The stream directory is DATA/streams/NAME: its grandparent is DATA.
        let dir = store.dir(conformance::STREAM).expect("dir");
        dir.parent().and_then(Path::parent).expect("data dir").display().to_string()
    }

    async fn location_from_arg(&self, arg: &str) -> SqliteStreams {
        SqliteStreams::new(Path::new(arg))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_streams_pass_the_conformance_suite() {
    conformance::run_all(&Embedded::default()).await;
}

/// The child process of the suite's crash check (a no-op unless the suite runs it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stream_conformance_crash_child() {
    conformance::crash_child(&Embedded::default()).await;
}
