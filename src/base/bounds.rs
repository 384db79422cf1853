//! What mendbook may read: files whose real place is inside the site's
//! folder, and never the build folder. A symbolic link in `content/` or a
//! theme may point anywhere (`/etc/passwd`, `~/.ssh`, the build output); it
//! is read only when it lands inside the site, so a pull request cannot
//! publish a file from the machine that builds it, nor feed the output back
//! in as input.

use std::path::{Path, PathBuf};

use crate::base::diagnostics::{Code, Diagnostic};

/// The folders a site's inputs must lie in and out of.
#[derive(Debug, Clone)]
pub(crate) struct Bounds {
    /// The site's folder, symlinks resolved.
    root: PathBuf,
    /// The build folder, symlinks resolved where it exists.
    build: PathBuf,
    /// The site's folder as given, for messages.
    shown_root: PathBuf,
}

impl Bounds {
    /// The bounds of a site whose folder is `root` and whose build folder
    /// is `build`.
    pub(crate) fn new(root: &Path, build: &Path) -> Bounds {
        Bounds {
            root: absolute(root),
            build: absolute(build),
            shown_root: root.to_path_buf(),
        }
    }

    /// Checks an entry met while walking inputs: a symbolic link must lead
    /// inside the site and outside the build folder; a name must not hold
    /// control characters. `Err` says why the entry is refused.
    pub(crate) fn check(&self, path: &Path, is_symlink: bool) -> Result<(), Diagnostic> {
        let shown = path.strip_prefix(&self.shown_root).unwrap_or(path);
        let shown_text = crate::base::text::sanitise(&shown.display().to_string(), 300);
        if path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().chars().any(char::is_control))
        {
            return Err(Diagnostic::error_in(Code::Input, format!(
                "{shown_text}: a file name with a control character (a line break, say) cannot be part of a site"
            ))
            .help("rename the file"));
        }
        if !is_symlink {
            return Ok(());
        }
        let real = match path.canonicalize() {
            Ok(r) => r,
            Err(e) => {
                return Err(Diagnostic::error_in(
                    Code::Input,
                    format!("{shown_text} is a symbolic link that cannot be followed: {e}"),
                ))
            }
        };
        let real_shown = crate::base::text::sanitise(&real.display().to_string(), 300);
        if real.starts_with(&self.build) || self.build.starts_with(&real) {
            return Err(Diagnostic::error_in(Code::Input, format!(
                "{shown_text} is a symbolic link into the build folder ({real_shown}); the build's output is never its input"
            ))
            .help("remove the link"));
        }
        if !real.starts_with(&self.root) {
            return Err(Diagnostic::error_in(Code::Input, format!(
                "{shown_text} is a symbolic link to {real_shown}, outside the site's folder; mendbook reads only files inside the site"
            ))
            .help("copy the file into the site instead of linking to it"));
        }
        Ok(())
    }

    /// Checks a folder mendbook is about to walk (`content/`, a theme):
    /// its real place must be inside the site too.
    pub(crate) fn check_folder(&self, dir: &Path) -> Result<(), Diagnostic> {
        let is_link = std::fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink());
        let inside_link = dir
            .canonicalize()
            .is_ok_and(|real| !real.starts_with(&self.root) || real.starts_with(&self.build));
        self.check(dir, is_link || inside_link)
    }
}

/// Makes a path absolute and resolves `..` and symlinks where the path exists.
pub(crate) fn absolute(path: &Path) -> PathBuf {
    if let Ok(p) = path.canonicalize() {
        return p;
    }
    // Not there yet: resolve the deepest existing ancestor.
    let mut missing = Vec::new();
    let mut cur = path.to_path_buf();
    loop {
        if let Ok(p) = cur.canonicalize() {
            let mut p = p;
            for m in missing.iter().rev() {
                p.push(m);
            }
            return p;
        }
        match (cur.file_name().map(|n| n.to_os_string()), cur.parent()) {
            (Some(name), Some(parent)) => {
                missing.push(name);
                cur = parent.to_path_buf();
            }
            _ => {
                return std::env::current_dir()
                    .map(|d| d.join(path))
                    .unwrap_or(path.to_path_buf())
            }
        }
    }
}
