//! The author's loop: watch the inputs, rebuild what changed, and publish it:
//! into the preview server's memory for `serve`, into the build folder for
//! `watch`. What happens is reported as [`Note`]s; the CLI prints them.

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::time::Duration;

use crate::app::indexer::{index_now, Background, Bundle, Indexed};
use crate::app::serve::{self, Live, LiveEvent, Problem, Reload};
use crate::app::watch::Watcher;
use crate::base::artifact::{ChangeSet, Coverage};
use crate::base::diagnostics::{Code, Diagnostic};
use crate::engine::disk::DiskSink;
use crate::engine::{shown_build_dir, Engine, Part, Update};
use crate::model::config::{Config, Overrides};

/// Something worth telling the author.
#[derive(Debug)]
pub(crate) enum Note {
    /// The preview is up.
    Serving {
        /// Where it listens, as bound.
        url: String,
        /// The same on loopback, when bound to every address.
        local: Option<String>,
        /// Whether other machines can connect (drafts are shown to them).
        exposed: bool,
        polling: bool,
    },
    /// `watch` made its first build.
    Watching {
        pages: usize,
        dir: PathBuf,
        polling: bool,
    },
    /// A rebuild finished: which inputs changed, how many output files
    /// changed, how long it took.
    Rebuilt {
        inputs: Vec<PathBuf>,
        files: usize,
        elapsed: Duration,
    },
    /// A rebuild failed; the last good output stays.
    Failed(Vec<Diagnostic>),
    /// Warnings from a rebuild that succeeded.
    Warnings(Vec<Diagnostic>),
    /// The search index was built again, in the background.
    Indexed { pages: usize, elapsed: Duration },
}

pub(crate) type Reporter = Arc<dyn Fn(Note) + Send + Sync>;

/// What `mendbook serve` was asked for.
#[derive(Debug, Clone)]
pub(crate) struct ServeOptions {
    pub(crate) bind: IpAddr,
    pub(crate) port: u16,
    pub(crate) open: bool,
    pub(crate) poll: bool,
}

fn problems_for_overlay(problems: &[Diagnostic]) -> Vec<Problem> {
    problems
        .iter()
        .filter(|d| d.is_error())
        .map(|d| Problem {
            at: d.position(),
            message: match &d.help {
                Some(h) => format!("{}\n  help: {h}", d.message),
                None => d.message.clone(),
            },
        })
        .collect()
}

fn report_update(report: &Reporter, inputs: &[PathBuf], update: &Update) {
    if update.failed() {
        report(Note::Failed(update.problems.clone()));
        return;
    }
    // Warnings come with a whole rebuild; a page edit's would repeat them.
    if update.part == Some(Part::WholeSite) {
        let warnings: Vec<Diagnostic> = update
            .problems
            .iter()
            .filter(|d| !d.is_error())
            .cloned()
            .collect();
        if !warnings.is_empty() {
            report(Note::Warnings(warnings));
        }
    }
    report(Note::Rebuilt {
        inputs: inputs.to_vec(),
        files: update.changes.written.len() + update.changes.removed.len(),
        elapsed: update.elapsed,
    });
}

/// Puts a rebuild's result into the server's memory and tells open pages.
fn publish(live: &Live, update: &Update) {
    if update.failed() {
        let problems = problems_for_overlay(&update.problems);
        live.published
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .problems = problems.clone();
        let _ = live.events.send(LiveEvent::Problems(problems));
        return;
    }
    let had_problems = {
        let mut published = live.published.write().unwrap_or_else(|e| e.into_inner());
        published.files.apply(&update.changes);
        !std::mem::take(&mut published.problems).is_empty()
    };
    if had_problems {
        let _ = live.events.send(LiveEvent::Clear);
    }
    match live.reload_for(&update.changes) {
        Some(reload) => {
            let _ = live.events.send(LiveEvent::Reload(reload));
        }
        // The fix restored what was served; reload so every open page is
        // sure to show it.
        None if had_problems => {
            let _ = live.events.send(LiveEvent::Reload(Reload::All));
        }
        None => {}
    }
}

/// Puts a new search bundle into the server's memory. Unlike a rebuild it
/// says nothing about problems: the overlay stays as it is.
fn publish_bundle(live: &Live, changes: &ChangeSet) {
    if changes.is_empty() {
        return;
    }
    live.published
        .write()
        .unwrap_or_else(|e| e.into_inner())
        .files
        .apply(changes);
    // A new index changes what the search page finds, nothing else.
    let search = live.url_of(&crate::model::reserved::search_page().output_path());
    let _ = live
        .events
        .send(LiveEvent::Reload(Reload::Pages(vec![search])));
}

/// Starts the background indexer; `apply` gets each run's changes to the
/// bundle, starting from `bundle` as published.
fn start_search(
    report: &Reporter,
    mut bundle: Bundle,
    mut apply: impl FnMut(&ChangeSet) + Send + 'static,
) -> Background {
    let report = report.clone();
    Background::start(move |done: Indexed| {
        let (pages, elapsed) = (done.pages, done.elapsed);
        let (changes, problems) = bundle.absorb(done);
        apply(&changes);
        if problems.is_empty() {
            report(Note::Indexed { pages, elapsed });
        } else {
            report(Note::Failed(problems));
        }
    })
}

/// The loop `serve` and `watch` share: each batch of changed inputs goes to
/// the engine, every resulting update to `publish`, and the search index
/// is asked for again when a page it covers changed.
fn follow_changes(
    mut watcher: Watcher,
    mut engine: Engine,
    search: Background,
    mut publish: impl FnMut(&[PathBuf], &Update),
) {
    while let Some(batch) = watcher.next_batch() {
        let inputs: Vec<PathBuf> = batch.into_iter().filter(|p| engine.is_input(p)).collect();
        if inputs.is_empty() {
            continue;
        }
        let mut reindex = false;
        let applied = contain(|| {
            engine.apply(&inputs, &mut |update| {
                reindex |= update.index_stale;
                publish(&inputs, &update);
            })
        });
        if let Err(why) = applied {
            // Whatever state the engine was left in, the next change loads
            // the site afresh; the last good build stays published.
            engine.forget();
            let problem = Diagnostic::error_in(Code::Internal, format!("mendbook failed while rebuilding: {why}"))
                .help("this is a bug in mendbook; the last good build is kept, and the next change rebuilds everything");
            let failed = Update {
                problems: vec![problem],
                ..Update::default()
            };
            let _ = contain(|| publish(&inputs, &failed));
            continue;
        }
        if let Some(work) = reindex.then(|| engine.search_work()).flatten() {
            search.submit(work);
        }
    }
}

/// Runs `f`, turning a panic into its message, so one bad rebuild cannot
/// take the preview down.
fn contain<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|panic| {
        panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "an unexpected error".into())
    })
}

fn start_watcher(config: &Config, poll: bool) -> Result<Watcher, Vec<Diagnostic>> {
    let deep = vec![config.content_dir.clone(), config.root.join("themes")];
    let shallow = vec![config.root.clone()];
    let ignore = vec![
        config.build_dir.clone(),
        config.root.join(".git"),
        config.root.join("target"),
    ];
    Watcher::start(&deep, &shallow, ignore, poll)
        .map_err(|e| vec![Diagnostic::error_in(Code::Input, e)])
}

/// Runs the preview server until Ctrl-C.
pub(crate) fn serve(
    root: &Path,
    overrides: Overrides,
    options: ServeOptions,
    report: Reporter,
) -> Result<(), Vec<Diagnostic>> {
    let mut engine = Engine::new(root, overrides);
    let first = engine.rebuild_site();
    let Some(config) = engine.config().cloned() else {
        return Err(first.problems);
    };
    let prefix = config
        .base_url
        .as_ref()
        .map(|b| b.prefix.clone())
        .unwrap_or_else(|| "/".into());
    let live = Live::new(prefix.clone());
    publish(&live, &first);
    if first.failed() {
        report(Note::Failed(first.problems.clone()));
    }

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| {
            vec![Diagnostic::error_in(
                Code::Internal,
                format!("cannot start the server: {e}"),
            )]
        })?;
    // Ctrl-C is caught from here on, before "Serving at" is printed.
    // `ctrl_c` sets its handler when first polled, and the server polls
    // its shutdown future in a task of its own, which on a busy machine
    // ran after the first pages were served: a Ctrl-C then killed the
    // process outright. One poll now sets the handler.
    let mut ctrl_c = Box::pin(tokio::signal::ctrl_c());
    let early = runtime.block_on(std::future::poll_fn(|cx| {
        Poll::Ready(ctrl_c.as_mut().poll(cx).is_ready())
    }));
    let shutdown = async move {
        if !early {
            let _ = ctrl_c.await;
        }
    };
    let addr = SocketAddr::new(options.bind, options.port);
    let listener = runtime
        .block_on(serve::bind(addr))
        .map_err(|e| vec![Diagnostic::error_in(Code::Input, e)])?;
    let port = listener
        .local_addr()
        .map(|a| a.port())
        .unwrap_or(options.port);
    let url_at = |ip: IpAddr| {
        let host = match ip {
            IpAddr::V6(v6) => format!("[{v6}]"),
            IpAddr::V4(v4) => v4.to_string(),
        };
        format!(
            "http://{host}:{port}{}",
            crate::base::paths::percent_encode_path(&prefix)
        )
    };
    let url = url_at(options.bind);
    // Bound to every address: this machine reaches it on loopback.
    let local = options.bind.is_unspecified().then(|| {
        url_at(match options.bind {
            IpAddr::V6(_) => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
            IpAddr::V4(_) => IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
        })
    });

    let watcher = start_watcher(&config, options.poll)?;
    report(Note::Serving {
        url: url.clone(),
        local: local.clone(),
        exposed: !options.bind.is_loopback(),
        polling: watcher.polling,
    });
    if options.open {
        open_browser(local.as_deref().unwrap_or(&url));
    }

    let search = {
        let live = live.clone();
        start_search(&report, Bundle::default(), move |changes| {
            publish_bundle(&live, changes)
        })
    };
    // serve starts without an index; it follows in the background.
    if let Some(work) = engine.search_work() {
        search.submit(work);
    }
    let (live2, report2) = (live.clone(), report.clone());
    std::thread::spawn(move || {
        follow_changes(watcher, engine, search, |inputs, update| {
            publish(&live2, update);
            report_update(&report2, inputs, update);
        })
    });

    runtime
        .block_on(serve::run(listener, live, shutdown))
        .map_err(|e| {
            vec![Diagnostic::error_in(
                Code::Internal,
                format!("the server stopped: {e}"),
            )]
        })
}

/// Rebuilds the build folder on every change until Ctrl-C.
pub(crate) fn watch(
    root: &Path,
    overrides: Overrides,
    poll: bool,
    report: Reporter,
) -> Result<(), Vec<Diagnostic>> {
    let config = Config::load(root, &overrides)?;
    crate::engine::disk::check_build_dir(&config).map_err(|d| vec![d])?;
    let dir = config.build_dir.clone();
    // The build folder is held for the whole session, so no other build
    // writes into it meanwhile.
    let mut sink = DiskSink::open(&dir, &shown_build_dir(&config)).map_err(|d| vec![d])?;
    // Watch before building, so that no change made after it is missed.
    let watcher = start_watcher(&config, poll)?;
    // One build to start: every file goes through the same writer as every
    // later change, and the index is made before saying so.
    let mut engine = Engine::new(root, overrides);
    let first = engine.rebuild_site();
    let mut bundle = Bundle::default();
    if first.failed() {
        report(Note::Failed(first.problems));
    } else {
        let mut written = sink.apply(&first.changes, Coverage::Whole);
        if let Some(work) = engine.search_work() {
            let (changes, problems) = bundle.absorb(index_now(work));
            if !problems.is_empty() {
                report(Note::Failed(problems));
            }
            written = written.and_then(|_| sink.apply(&changes, Coverage::Part));
        }
        match written {
            Ok(_) => {
                let pages = engine_pages(&first);
                report(Note::Watching {
                    pages,
                    dir: dir.clone(),
                    polling: watcher.polling,
                });
            }
            Err(problems) => report(Note::Failed(problems)),
        }
    }
    // The loop and the search thread both write the build folder; one at a
    // time, so the manifest stays whole.
    let write = {
        let report = report.clone();
        let sink = Arc::new(Mutex::new(sink));
        move |changes: &ChangeSet| -> bool {
            let mut sink = sink.lock().unwrap_or_else(|e| e.into_inner());
            match sink.apply(changes, Coverage::Part) {
                Ok(summary) => {
                    if !summary.warnings.is_empty() {
                        report(Note::Warnings(summary.warnings));
                    }
                    true
                }
                Err(problems) => {
                    report(Note::Failed(problems));
                    false
                }
            }
        }
    };
    let search = {
        let write = write.clone();
        start_search(&report, bundle, move |changes| {
            write(changes);
        })
    };
    follow_changes(watcher, engine, search, |inputs, update| {
        if update.failed() || write(&update.changes) {
            report_update(&report, inputs, update);
        }
    });
    Ok(())
}

/// The HTML pages a first build published.
fn engine_pages(first: &Update) -> usize {
    first
        .changes
        .written
        .iter()
        .filter(|a| a.path.as_str().ends_with(".html"))
        .count()
}

fn open_browser(url: &str) {
    let cmd = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    let _ = std::process::Command::new(cmd)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_panic_is_contained_as_its_message() {
        assert_eq!(super::contain(|| 2 + 2), Ok(4));
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let caught = super::contain(|| -> u8 { panic!("rebuild went wrong at {}", 3) });
        std::panic::set_hook(hook);
        assert_eq!(caught, Err("rebuild went wrong at 3".to_string()));
    }
}
