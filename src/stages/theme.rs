//! Themes: Tera templates and static files. The default theme is embedded in
//! the binary; a site's `themes/<name>/` folder overrides it file by file.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::PathBuf;

use tera::Tera;

use crate::base::diagnostics::{with_code, Code, Diagnostic, SourceFile};
use crate::model::config::Config;
use crate::stages::translations::{TableFile, Translations};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));
}

/// A loaded theme, ready to render.
pub(crate) struct Theme {
    pub(crate) tera: Tera,
    /// Files under the theme's `static/`, copied to the site root as they are.
    pub(crate) static_files: Vec<(String, Cow<'static, [u8]>)>,
    /// Template name -> its source, for pointing errors at the right line.
    sources: BTreeMap<String, SourceFile>,
    /// The theme's words in the site's language.
    pub(crate) translations: Translations,
    /// Problems that do not stop a build (a language with no table).
    pub(crate) warnings: Vec<Diagnostic>,
}

struct ThemeFile {
    bytes: Cow<'static, [u8]>,
    /// The path shown in diagnostics.
    shown: PathBuf,
}

impl Theme {
    /// Loads the theme book.toml names, layered over the built-in default.
    pub(crate) fn load(config: &Config) -> Result<Theme, Vec<Diagnostic>> {
        Theme::load_inner(config).map_err(|e| with_code(e, Code::Template))
    }

    fn load_inner(config: &Config) -> Result<Theme, Vec<Diagnostic>> {
        let mut files: BTreeMap<String, ThemeFile> = BTreeMap::new();
        for (rel, bytes) in embedded::FILES {
            files.insert(
                rel.to_string(),
                ThemeFile {
                    bytes: Cow::Borrowed(bytes),
                    shown: PathBuf::from(format!("themes/default/{rel} (built in)")),
                },
            );
        }

        let dir = config.root.join("themes").join(&config.theme);
        if dir.is_dir() {
            let bounds = crate::base::bounds::Bounds::new(&config.root, &config.build_dir);
            bounds.check_folder(&dir).map_err(|d| vec![d])?;
            let mut errors = Vec::new();
            let refused = std::cell::RefCell::new(Vec::new());
            let walker = walkdir::WalkDir::new(&dir)
                .follow_links(true)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| {
                    e.depth() == 0
                        || bounds
                            .check(e.path(), e.path_is_symlink())
                            .map_err(|d| refused.borrow_mut().push(d))
                            .is_ok()
                });
            for entry in walker {
                let entry = match entry {
                    Ok(e) => e,
                    Err(e) => {
                        errors.push(Diagnostic::error(format!("reading the theme: {e}")));
                        continue;
                    }
                };
                let name = entry.file_name().to_string_lossy();
                if !entry.file_type().is_file() || crate::base::text::is_ignored_name(&name) {
                    continue;
                }
                let rel = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
                let rel: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                let shown = entry
                    .path()
                    .strip_prefix(&config.root)
                    .unwrap_or(entry.path())
                    .to_path_buf();
                match std::fs::read(entry.path()) {
                    Ok(bytes) => {
                        files.insert(
                            rel.join("/"),
                            ThemeFile {
                                bytes: Cow::Owned(bytes),
                                shown,
                            },
                        );
                    }
                    Err(e) => errors.push(Diagnostic::error(format!(
                        "cannot read {}: {e}",
                        shown.display()
                    ))),
                }
            }
            errors.append(&mut refused.into_inner());
            if !errors.is_empty() {
                return Err(errors);
            }
        } else if config.theme != "default" {
            let mut available: Vec<String> = std::fs::read_dir(config.root.join("themes"))
                .map(|rd| {
                    rd.flatten()
                        .filter(|e| e.path().is_dir())
                        .map(|e| e.file_name().to_string_lossy().into_owned())
                        .collect()
                })
                .unwrap_or_default();
            available.push("default".into());
            available.sort();
            let help = crate::base::diagnostics::did_you_mean(
                &config.theme,
                available.iter().map(String::as_str),
            )
            .unwrap_or_else(|| format!("available themes: {}", available.join(", ")));
            return Err(vec![Diagnostic::error(format!(
                "there is no theme `{}`: no folder `themes/{}/` next to book.toml",
                config.theme, config.theme
            ))
            .at(&config.source, config.key_span("theme"))
            .help(help)]);
        }
        Theme::from_files(files, config)
    }

    fn from_files(
        files: BTreeMap<String, ThemeFile>,
        config: &Config,
    ) -> Result<Theme, Vec<Diagnostic>> {
        let mut templates = Vec::new();
        let mut tables = Vec::new();
        let mut static_files = Vec::new();
        let mut sources = BTreeMap::new();
        let mut errors = Vec::new();
        for (rel, file) in files {
            if let Some(name) = rel.strip_prefix("templates/") {
                match String::from_utf8(file.bytes.to_vec()) {
                    Ok(text) => {
                        let text = crate::base::text::normalise_text(&text);
                        sources.insert(name.to_string(), SourceFile::new(file.shown, text.clone()));
                        templates.push((name.to_string(), text));
                    }
                    Err(_) => errors.push(Diagnostic::error(format!(
                        "{} is not valid UTF-8 text",
                        file.shown.display()
                    ))),
                }
            } else if let Some(name) = rel.strip_prefix("static/") {
                static_files.push((name.to_string(), file.bytes));
            } else if let Some(language) = rel
                .strip_prefix("translations/")
                .and_then(|n| n.strip_suffix(".toml"))
            {
                match String::from_utf8(file.bytes.to_vec()) {
                    Ok(text) => tables.push(TableFile {
                        language: language.to_ascii_lowercase(),
                        source: SourceFile::new(file.shown, text),
                    }),
                    Err(_) => errors.push(Diagnostic::error(format!(
                        "{} is not valid UTF-8 text",
                        file.shown.display()
                    ))),
                }
            }
        }
        let translations = match Translations::load(&tables, config) {
            Ok(loaded) => Some(loaded),
            Err(mut e) => {
                errors.append(&mut e);
                None
            }
        };

        // Parse each template alone first, so every syntax error is reported,
        // not only the first one Tera meets.
        for (name, text) in &templates {
            let mut scratch = Tera::new();
            crate::stages::translations::register(&mut scratch, "en");
            if let Err(e) = scratch.add_raw_template(name, text) {
                if !matches!(e.kind(), tera::ErrorKind::MissingParent { .. }) {
                    errors.push(template_error(&sources, &e));
                }
            }
        }
        let Some((translations, warnings)) = translations.filter(|_| errors.is_empty()) else {
            return Err(errors);
        };
        let mut tera = Tera::new();
        tera.autoescape_on([".html", ".xml", ".htm"]);
        crate::stages::translations::register(&mut tera, &translations.language);
        if let Err(e) =
            tera.add_raw_templates(templates.iter().map(|(n, t)| (n.as_str(), t.as_str())))
        {
            return Err(vec![template_error(&sources, &e)]);
        }
        Ok(Theme {
            tera,
            static_files,
            sources,
            translations,
            warnings,
        })
    }

    /// Turns a Tera error into a diagnostic pointing into the template file.
    pub(crate) fn error(&self, e: &tera::Error) -> Diagnostic {
        template_error(&self.sources, e).code(Code::Template)
    }
}

/// Tera reports some mistakes (an unknown filter, a missing parent template)
/// without a position, but names the culprit in quotes. Points at the first
/// place a template uses that name, trying the last-named first: in "'page.html'
/// is inheriting from 'layout.html'" the mistake is where `layout.html` is written.
fn locate_named<'a>(
    sources: &'a BTreeMap<String, SourceFile>,
    msg: &str,
) -> Option<(&'a SourceFile, std::ops::Range<usize>)> {
    let names: Vec<&str> = msg
        .split(['`', '\''])
        .skip(1)
        .step_by(2)
        .filter(|n| !n.is_empty() && !n.contains(char::is_whitespace))
        .collect();
    names.iter().rev().find_map(|name| {
        sources.values().find_map(|file| {
            let at = file.text.find(name)?;
            Some((file, at..at + name.len()))
        })
    })
}

fn template_error(sources: &BTreeMap<String, SourceFile>, e: &tera::Error) -> Diagnostic {
    match e.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            let kind = if matches!(e.kind(), tera::ErrorKind::SyntaxError(_)) {
                "template syntax error"
            } else {
                "template error"
            };
            let mut d = Diagnostic::error(format!("{kind}: {}", report.message()));
            if let Some(file) = sources.get(report.filename()) {
                let span = report.span();
                let start = file.offset_of(span.start_line, span.start_col);
                let end = if span.end_line == span.start_line && span.end_col > span.start_col {
                    file.offset_of(span.end_line, span.end_col)
                } else {
                    start + 1
                };
                d = d.at(file, start..end);
            } else if !report.filename().is_empty() {
                d.message = format!("{} (in template `{}`)", d.message, report.filename());
            }
            d
        }
        _ => {
            let mut msg = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(s) = source {
                msg.push_str(&format!(": {s}"));
                source = s.source();
            }
            // Some of Tera's messages carry their own multi-line excerpt;
            // ours shows the line, so keep the first line only.
            let first = msg.lines().next().unwrap_or_default();
            let first = first.strip_prefix("error: ").unwrap_or(first);
            let mut d = Diagnostic::error(format!("template error: {first}"));
            if let Some((file, span)) = locate_named(sources, &msg) {
                d = d.at(file, span);
            }
            d
        }
    }
}
