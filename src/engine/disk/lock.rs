//! The build folder's lock: one writer at a time. The lock file lives only
//! while its holder runs, so it is never published.

use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;

use super::LOCK;
use crate::base::diagnostics::{Code, Diagnostic};

/// Takes the build folder's lock, or says who holds it.
///
/// The lock file lives only while its holder runs: it is removed on
/// release, so it never ends up published. Whoever takes a lock checks that
/// the file they locked is still the one at the path, since a holder that
/// just finished may have removed it in between.
pub(super) fn take_lock(dir: &Path, shown: &Path) -> Result<File, Diagnostic> {
    let path = dir.join(LOCK);
    let shown_lock = shown.join(LOCK);
    for _ in 0..16 {
        if std::fs::symlink_metadata(&path).is_ok_and(|m| !m.is_file()) {
            return Err(Diagnostic::error_in(
                Code::Output,
                format!(
                    "{} is not a plain file; remove it and build again",
                    shown_lock.display()
                ),
            ));
        }
        let mut options = std::fs::OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            // The lock file itself must not be a link to elsewhere.
            options.custom_flags(libc::O_NOFOLLOW);
        }
        let mut file = options.open(&path).map_err(|e| {
            Diagnostic::error_in(
                Code::Output,
                format!("cannot open {}: {e}", shown_lock.display()),
            )
        })?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = crate::base::text::sanitise(holder.trim(), 200);
                let who = if holder.is_empty() {
                    "another mendbook".to_string()
                } else {
                    format!("another mendbook ({holder})")
                };
                return Err(Diagnostic::error_in(Code::Output, format!(
                    "{} is being written by {who}; wait for it to finish or stop it, then try again",
                    shown.display()
                )));
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(Diagnostic::error_in(
                    Code::Output,
                    format!("cannot lock {}: {e}", shown_lock.display()),
                ))
            }
        }
        if !same_file(&file, &path) {
            continue;
        }
        let args: Vec<String> = std::env::args().skip(1).collect();
        let _ = file.set_len(0);
        let _ = write!(
            file,
            "pid {}, `mendbook {}`",
            std::process::id(),
            args.join(" ")
        );
        return Ok(file);
    }
    Err(Diagnostic::error_in(
        Code::Output,
        format!(
            "cannot lock {}: other builds keep taking it",
            shown_lock.display()
        ),
    ))
}

/// Whether `path` still names the open `file`.
fn same_file(file: &File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), std::fs::symlink_metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (file, path);
        true
    }
}
