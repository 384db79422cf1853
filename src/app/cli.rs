//! The command line: parses arguments, runs a command, prints diagnostics and
//! chooses the exit code (0 ok, 1 problems in the site, 2 usage errors).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::app::report;
use crate::app::scaffold;
use crate::base::diagnostics::{Code, Diagnostic, Severity};
use crate::engine;
use crate::model::config::{Config, Overrides, CONFIG_FILE};
use crate::stages::search;

#[derive(Parser, Debug)]
#[command(
    name = "mendbook",
    version,
    about = "Build static sites of recovery guides and decision trees",
    long_about = "mendbook turns markdown guides and YAML decision trees into a static site \
                  that works on GitHub Pages or any static host.",
    after_help = "Examples:\n  mendbook init my-guides     Create a new site\n  mendbook build              Build the site in this folder into public/\n  mendbook check              Check links and content without writing anything"
)]
struct Cli {
    /// Print only errors
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Print more about what happens
    #[arg(short, long, global = true)]
    verbose: bool,
    /// How to print problems: `human`, or `json` (one object per line on
    /// stdout, for editors and scripts)
    #[arg(long, global = true, value_enum, default_value_t = MessageFormat::Human)]
    message_format: MessageFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum MessageFormat {
    Human,
    Json,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Build the site into its build directory
    #[command(
        after_help = "Examples:\n  mendbook build\n  mendbook build --base-url https://example.github.io/recovery/\n  mendbook build --root path/to/site --out /tmp/site --drafts"
    )]
    Build(BuildArgs),
    /// Check everything a build checks, without writing anything
    #[command(after_help = "Examples:\n  mendbook check\n  mendbook check --root path/to/site")]
    Check(SiteArgs),
    /// Preview the site: serve it, rebuild on every change, reload open pages
    #[command(
        after_help = "Examples:\n  mendbook serve\n  mendbook serve --port 4000 --open\n  mendbook serve --poll        (on file systems without change events)\n\nThe site is served from memory under its base-url path, with drafts;\nthe build folder is never touched."
    )]
    Serve(ServeArgs),
    /// Rebuild the build folder on every change
    #[command(after_help = "Examples:\n  mendbook watch\n  mendbook watch --drafts --poll")]
    Watch(WatchArgs),
    /// Create a new site, with a home page, a section and a first guide
    #[command(
        after_help = "Examples:\n  mendbook init\n  mendbook init my-guides\n\nExisting files are never overwritten."
    )]
    Init {
        /// Folder to create the site in (default: the current folder)
        dir: Option<PathBuf>,
    },
    /// Create a new content file
    #[command(subcommand)]
    New(NewCommand),
}

#[derive(Subcommand, Debug)]
enum NewCommand {
    /// Create a guide with its front matter filled in
    #[command(
        after_help = "Examples:\n  mendbook new guide recover/say-sorry.md\n  mendbook new guide \"prevent/Ask for help\"\n\nPATH is relative to the content folder; `.md` is added if missing, and a\nname written as a title becomes a file name like `ask-for-help.md`."
    )]
    Guide {
        /// Where to create it, relative to the content folder
        path: PathBuf,
        #[command(flatten)]
        site: RootArg,
    },
    /// Create a starter decision tree, with tests that `check` runs
    #[command(
        after_help = "Examples:\n  mendbook new tree recover/what-now.yaml\n  mendbook new tree \"recover/What should I do now\"\n\nPATH is relative to the content folder; `.yaml` is added if missing, and a\nname written as a title becomes a file name like `what-should-i-do-now.yaml`."
    )]
    Tree {
        /// Where to create it, relative to the content folder
        path: PathBuf,
        #[command(flatten)]
        site: RootArg,
    },
}

#[derive(Args, Debug)]
struct RootArg {
    /// The site's folder (default: the nearest folder upwards holding book.toml)
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct SiteArgs {
    #[command(flatten)]
    root: RootArg,
    /// Include pages marked `draft: true`
    #[arg(long)]
    drafts: bool,
}

#[derive(Args, Debug)]
struct BuildArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// The URL the site is published at, overriding `[site] base-url`
    #[arg(long, value_name = "URL", value_parser = parse_base_url)]
    base_url: Option<String>,
    /// Where to write the site, overriding `[build] build-dir`
    #[arg(short, long, value_name = "DIR")]
    out: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct ServeArgs {
    #[command(flatten)]
    root: RootArg,
    /// Port to listen on
    #[arg(short, long, default_value_t = 3000)]
    port: u16,
    /// Address to listen on; only this machine can connect by default
    #[arg(long, default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
    /// Open the site in a browser
    #[arg(long)]
    open: bool,
    /// Poll for changes instead of using file system events
    #[arg(long)]
    poll: bool,
    /// Leave out pages marked `draft: true` (shown by default while previewing)
    #[arg(long)]
    no_drafts: bool,
}

#[derive(Args, Debug)]
struct WatchArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Poll for changes instead of using file system events
    #[arg(long)]
    poll: bool,
}

/// How output looks: colour only on a terminal, and never with NO_COLOR.
struct Printer {
    quiet: bool,
    verbose: bool,
    color: bool,
    format: MessageFormat,
    /// Under GitHub Actions: the site's folder as a path from the
    /// repository's root, for the workflow commands that annotate files.
    github: Option<std::sync::OnceLock<PathBuf>>,
}

impl Printer {
    fn diagnostics(&self, diagnostics: &[Diagnostic]) {
        if let Some(site) = &self.github {
            let site = site.get().cloned().unwrap_or_default();
            let (shown, _) = report::capped(diagnostics);
            for d in shown {
                // stdout holds the JSON lines when asked for; the runner
                // reads workflow commands from either stream.
                match self.format {
                    MessageFormat::Json => eprintln!("{}", report::github(d, &site)),
                    MessageFormat::Human => println!("{}", report::github(d, &site)),
                }
            }
        }
        if self.format == MessageFormat::Json {
            for d in diagnostics {
                println!("{}", report::json(d));
            }
            return;
        }
        let shown: Vec<Diagnostic> = diagnostics
            .iter()
            .filter(|d| !(self.quiet && d.severity == Severity::Warning))
            .cloned()
            .collect();
        let (shown, more) = report::capped(&shown);
        for d in shown {
            eprintln!("{}", report::human(d, self.color));
            eprintln!();
        }
        for (file, n) in more {
            eprintln!(
                "… and {n} more {} in {}",
                if n == 1 { "problem" } else { "problems" },
                crate::base::text::sanitise(&file.display().to_string(), 200)
            );
            eprintln!();
        }
    }

    /// Prints what `serve` and `watch` report, one line per rebuild.
    fn reporter(&self, root: &Path, serving: bool) -> crate::app::live::Reporter {
        let printer = Printer {
            quiet: self.quiet,
            verbose: self.verbose,
            color: self.color,
            format: self.format,
            github: self.github.clone(),
        };
        let root = root.to_path_buf();
        std::sync::Arc::new(move |note| {
            use crate::app::live::Note;
            match note {
                Note::Serving {
                    url,
                    local,
                    exposed,
                    polling,
                } => {
                    match local {
                        Some(local) => printer.info(format!(
                            "Serving at {url}, on this machine {local}  (Ctrl-C to stop)"
                        )),
                        None => printer.info(format!("Serving at {url}  (Ctrl-C to stop)")),
                    }
                    if exposed {
                        eprintln!(
                            "warning: other machines on your network can open this preview, drafts included; leave out --bind to keep it to this machine"
                        );
                    }
                    if polling {
                        printer.info(
                            "Watching by polling: file system events are not available here.",
                        );
                    }
                }
                Note::Watching {
                    pages,
                    dir,
                    polling,
                } => {
                    let shown = dir.strip_prefix(&root).unwrap_or(&dir);
                    printer.info(format!(
                        "Built {pages} pages into {}/; watching for changes (Ctrl-C to stop)",
                        shown.display()
                    ));
                    if polling {
                        printer.info(
                            "Watching by polling: file system events are not available here.",
                        );
                    }
                }
                Note::Rebuilt {
                    inputs,
                    files,
                    elapsed,
                } => {
                    let names: Vec<String> = inputs
                        .iter()
                        .map(|p| p.strip_prefix(&root).unwrap_or(p).display().to_string())
                        .collect();
                    let what = match names.len() {
                        0 => "rebuilt".to_string(),
                        1 => format!("{} changed", names[0]),
                        n => format!("{} and {} more changed", names[0], n - 1),
                    };
                    printer.info(format!(
                        "{what}: {files} {} updated in {}",
                        if files == 1 { "file" } else { "files" },
                        format_duration(elapsed)
                    ));
                }
                Note::Failed(problems) => {
                    printer.diagnostics(&problems);
                    let n = problems.iter().filter(|d| d.is_error()).count();
                    eprintln!(
                        "error: {n} {}; {}",
                        if n == 1 { "error" } else { "errors" },
                        if serving {
                            "the last good build is still served"
                        } else {
                            "the build folder keeps the last good build"
                        }
                    );
                }
                Note::Warnings(w) => printer.diagnostics(&w),
                Note::Indexed { pages, elapsed } => printer.info(format!(
                    "search index: {pages} {} in {}",
                    if pages == 1 { "page" } else { "pages" },
                    format_duration(elapsed)
                )),
            }
        })
    }

    /// A finished build's or check's warnings, then, with `-v`, the time
    /// of each stage and how much of the search index was made again.
    fn report(&self, report: &engine::Report) {
        self.diagnostics(&report.warnings);
        for (stage, time) in &report.stages {
            self.detail(format!("{stage}: {}", format_duration(*time)));
        }
        if let Some(search) = &report.search {
            self.detail(format!(
                "search index: {} of {} shards indexed, the rest unchanged",
                search.reindexed, search.shards
            ));
        }
    }

    fn info(&self, msg: impl AsRef<str>) {
        if self.quiet {
            return;
        }
        // With JSON on stdout, everything else goes to stderr.
        match self.format {
            MessageFormat::Json => eprintln!("{}", msg.as_ref()),
            MessageFormat::Human => println!("{}", msg.as_ref()),
        }
    }

    /// Tells the printer where the site is, for workflow commands' paths:
    /// relative to `GITHUB_WORKSPACE` when the site lies inside it.
    fn site_is(&self, root: &Path) {
        if let Some(site) = &self.github {
            let workspace = std::env::var_os("GITHUB_WORKSPACE")
                .map(PathBuf::from)
                .map(|w| crate::base::bounds::absolute(&w))
                .unwrap_or_else(|| std::env::current_dir().unwrap_or_default());
            let root = crate::base::bounds::absolute(root);
            let rel = root.strip_prefix(&workspace).unwrap_or(&root);
            let _ = site.set(rel.to_path_buf());
        }
    }

    fn detail(&self, msg: impl AsRef<str>) {
        if self.verbose {
            eprintln!("{}", msg.as_ref());
        }
    }
}

/// Runs mendbook with the process's arguments.
pub fn main() -> ExitCode {
    main_with(|| {})
}

/// `main`, calling `long_running` before `serve` or `watch` starts: the
/// binary tunes its allocator there for a process that remakes the site
/// on every edit, rather than once.
pub fn main_with(long_running: fn()) -> ExitCode {
    // Before any thread starts: pagefind reads its chunk size only from the
    // environment. A value the user set wins.
    if std::env::var_os(search::CHUNK_SIZE_VAR).is_none() {
        std::env::set_var(search::CHUNK_SIZE_VAR, search::SHARD_CHUNK_SIZE.to_string());
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let color = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let printer = Printer {
        quiet: cli.quiet,
        verbose: cli.verbose,
        color,
        format: cli.message_format,
        github: (std::env::var("GITHUB_ACTIONS").as_deref() == Ok("true"))
            .then(std::sync::OnceLock::new),
    };
    if matches!(cli.command, Command::Serve(_) | Command::Watch(_)) {
        long_running();
    }
    match run(cli.command, &printer) {
        Ok(()) => ExitCode::SUCCESS,
        Err(diagnostics) => {
            printer.diagnostics(&diagnostics);
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            if errors > 0 {
                eprintln!(
                    "error: stopped with {errors} {}; nothing was written",
                    if errors == 1 { "error" } else { "errors" }
                );
            }
            ExitCode::from(1)
        }
    }
}

fn find_site(root: Option<&Path>) -> Result<PathBuf, Vec<Diagnostic>> {
    let cwd = std::env::current_dir().map_err(|e| {
        vec![Diagnostic::error_in(
            Code::Config,
            format!("cannot read the current folder: {e}"),
        )]
    })?;
    match root {
        Some(dir) => {
            let dir = cwd.join(dir);
            if dir.join(CONFIG_FILE).is_file() {
                Ok(dir)
            } else {
                Err(vec![Diagnostic::error_in(Code::Config, format!(
                    "there is no {CONFIG_FILE} in `{}`",
                    dir.display()
                ))
                .help("point --root at the folder holding book.toml, or run `mendbook init` there")])
            }
        }
        None => Config::find_root(&cwd).ok_or_else(|| {
            vec![Diagnostic::error_in(Code::Config, format!(
                "no {CONFIG_FILE} in `{}` or any folder above it",
                cwd.display()
            ))
            .help("run this inside a mendbook site, pass --root DIR, or create a site with `mendbook init`")]
        }),
    }
}

fn run(command: Command, printer: &Printer) -> Result<(), Vec<Diagnostic>> {
    match command {
        Command::Build(args) => build(args, printer),
        Command::Check(args) => check(args, printer),
        Command::Serve(args) => serve(args, printer),
        Command::Watch(args) => watch(args, printer),
        Command::Init { dir } => init(dir, printer),
        Command::New(NewCommand::Guide { path, site }) => {
            new_file(path, site, printer, scaffold::new_guide)
        }
        Command::New(NewCommand::Tree { path, site }) => {
            new_file(path, site, printer, scaffold::new_tree)
        }
    }
}

fn build(args: BuildArgs, printer: &Printer) -> Result<(), Vec<Diagnostic>> {
    let root = find_site(args.site.root.root.as_deref())?;
    printer.site_is(&root);
    let cwd = std::env::current_dir().unwrap_or_default();
    let overrides = Overrides {
        base_url: args.base_url,
        build_dir: args.out.map(|o| cwd.join(o)),
        drafts: args.site.drafts,
    };
    let config = Config::load(&root, &overrides)?;
    printer.detail(format!("site: {}", root.display()));
    let out_dir = config.build_dir.clone();
    // Each shard of pages is indexed while the next renders.
    let search = config.search.then(|| {
        Box::new(crate::app::indexer::Indexer::start(&config.language))
            as Box<dyn engine::SearchSink>
    });
    let report = engine::build(config, search)?;
    printer.report(&report);
    let w = &report.write;
    let shown = out_dir.strip_prefix(&cwd).unwrap_or(&out_dir);
    printer.info(format!(
        "Built {} pages in {} into {}/ ({} files written, {} unchanged, {} removed)",
        report.pages,
        format_duration(report.elapsed),
        shown.display(),
        w.written,
        w.unchanged,
        w.removed
    ));
    Ok(())
}

fn check(args: SiteArgs, printer: &Printer) -> Result<(), Vec<Diagnostic>> {
    let root = find_site(args.root.root.as_deref())?;
    printer.site_is(&root);
    let overrides = Overrides {
        drafts: args.drafts,
        ..Overrides::default()
    };
    let config = Config::load(&root, &overrides)?;
    let report = engine::check(config)?;
    printer.report(&report);
    let warnings = report.warnings.len();
    printer.info(format!(
        "Checked {} pages in {}: no errors{}",
        report.pages,
        format_duration(report.elapsed),
        if warnings > 0 {
            format!(", {warnings} warnings")
        } else {
            String::new()
        }
    ));
    Ok(())
}

fn serve(args: ServeArgs, printer: &Printer) -> Result<(), Vec<Diagnostic>> {
    let root = find_site(args.root.root.as_deref())?;
    printer.site_is(&root);
    let overrides = Overrides {
        drafts: !args.no_drafts,
        ..Overrides::default()
    };
    let options = crate::app::live::ServeOptions {
        bind: args.bind,
        port: args.port,
        open: args.open,
        poll: args.poll,
    };
    crate::app::live::serve(&root, overrides, options, printer.reporter(&root, true))
}

fn watch(args: WatchArgs, printer: &Printer) -> Result<(), Vec<Diagnostic>> {
    let root = find_site(args.site.root.root.as_deref())?;
    printer.site_is(&root);
    let overrides = Overrides {
        drafts: args.site.drafts,
        ..Overrides::default()
    };
    crate::app::live::watch(&root, overrides, args.poll, printer.reporter(&root, false))
}

fn init(dir: Option<PathBuf>, printer: &Printer) -> Result<(), Vec<Diagnostic>> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let dir = cwd.join(dir.unwrap_or_else(|| PathBuf::from(".")));
    let outcome = scaffold::init(&dir).map_err(|e| vec![e.or_code(Code::Output)])?;
    for path in &outcome.created {
        printer.info(format!("created  {}", path.display()));
    }
    for path in &outcome.kept {
        printer.info(format!("kept     {} (already there)", path.display()));
    }
    if let Some(choice) = &outcome.base_url {
        printer.info(format!("\n{choice}"));
    }
    printer.info(format!(
        "\nYour site is ready. Next:\n  cd {}\n  mendbook build",
        dir.strip_prefix(&cwd).unwrap_or(&dir).display()
    ));
    Ok(())
}

fn new_file(
    path: PathBuf,
    site: RootArg,
    printer: &Printer,
    create: fn(&Config, &Path) -> Result<PathBuf, Diagnostic>,
) -> Result<(), Vec<Diagnostic>> {
    let root = find_site(site.root.as_deref())?;
    printer.site_is(&root);
    let config = Config::load(&root, &Overrides::default())?;
    let created = create(&config, &path).map_err(|e| vec![e.or_code(Code::Output)])?;
    printer.info(format!(
        "created {}",
        created.strip_prefix(&root).unwrap_or(&created).display()
    ));
    Ok(())
}

/// Checks `--base-url` while the command line is read, so a bad one is a
/// usage error (exit 2) like any other bad flag.
fn parse_base_url(url: &str) -> Result<String, String> {
    crate::model::config::BaseUrl::parse(url).map(|_| url.to_string())
}

fn format_duration(d: std::time::Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 1000.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{:.2} s", ms / 1000.0)
    }
}
