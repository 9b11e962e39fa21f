//! A store's files are private to the account that runs Lading: directories
//! are created 0700 and files 0600 (before the umask, which can only take
//! permissions away), so maintenance events and log state are not readable
//! by other local users. SQLite gives its `-wal` and `-shm` files the
//! database file's permissions, so creating the database file first is
//! enough. Existing files and directories keep the permissions they have.
//! The one exception is a log's verifier key (`log.vkey`), which is public.

use std::fs::{DirBuilder, OpenOptions};
use std::io;
use std::os::unix::fs::{DirBuilderExt as _, OpenOptionsExt as _};
use std::path::Path;

/// Creates `dir` and any missing parents with mode 0700.
pub(crate) fn create_dirs(dir: &Path) -> io::Result<()> {
    DirBuilder::new().recursive(true).mode(0o700).create(dir)
}

/// Options that create a file with mode 0600.
pub(crate) fn options() -> OpenOptions {
    let mut options = OpenOptions::new();
    options.mode(0o600);
    options
}

/// Creates `path` empty with mode 0600 if it does not exist (SQLite then
/// opens the empty file as a new database).
pub(crate) fn precreate(path: &Path) -> io::Result<()> {
    options().write(true).create(true).truncate(false).open(path).map(drop)
}
