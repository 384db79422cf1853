//! What mendbook may read: files whose real place is inside the site's
//! folder, and never the build folder. A symbolic link in `content/` or a
//! theme may point anywhere (`/etc/passwd`, `~/.ssh`, the build output); it
//! is read only when it lands inside the site, so a pull request cannot
//! publish a file from the machine that builds it, nor feed the output back
//! in as input.

use std::path::{Path, PathBuf};

use crate::base::diagnostics::{Code, Diagnostic};
use crate::model::config::Config;

/// The folders a site's inputs must lie in and out of.
#[derive(Debug, Clone)]
pub struct Bounds {
    /// The site's folder, symlinks resolved.
    root: PathBuf,
    /// The build folder, symlinks resolved where it exists.
    build: PathBuf,
    /// The site's folder as given, for messages.
    shown_root: PathBuf,
}

impl Bounds {
    pub fn of(config: &Config) -> Bounds {
        Bounds {
            root: crate::engine::disk::absolute(&config.root),
            build: crate::engine::disk::absolute(&config.build_dir),
            shown_root: config.root.clone(),
        }
    }

    /// Checks an entry met while walking inputs: a symbolic link must lead
    /// inside the site and outside the build folder; a name must not hold
    /// control characters. `Err` says why the entry is refused.
    pub fn check(&self, path: &Path, is_symlink: bool) -> Result<(), Diagnostic> {
        let shown = path.strip_prefix(&self.shown_root).unwrap_or(path);
        let shown_text = crate::app::report::sanitise(&shown.display().to_string(), 300);
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
        let real_shown = crate::app::report::sanitise(&real.display().to_string(), 300);
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
    pub fn check_folder(&self, dir: &Path) -> Result<(), Diagnostic> {
        let is_link = std::fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink());
        let inside_link = dir
            .canonicalize()
            .is_ok_and(|real| !real.starts_with(&self.root) || real.starts_with(&self.build));
        self.check(dir, is_link || inside_link)
    }
}
