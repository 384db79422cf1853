//! `mendbook init` and `mendbook new guide`.

use std::path::Path;

use crate::common::{mendbook, Run, Site};

#[test]
fn init_creates_a_site_that_builds() {
    let dir = tempfile::tempdir().unwrap();
    let run = Run::from(
        mendbook()
            .args(["init", "my-site"])
            .current_dir(dir.path())
            .output()
            .unwrap(),
    );
    assert!(run.ok(), "{}", run.all());
    let root = dir.path().join("my-site");
    for f in [
        "book.toml",
        "content/_index.md",
        "content/guides/_index.md",
        "content/guides/first-steps.md",
        ".gitignore",
        ".github/workflows/pages.yml",
    ] {
        assert!(root.join(f).is_file(), "{f} missing");
    }
    let workflow = std::fs::read_to_string(root.join(".github/workflows/pages.yml")).unwrap();
    assert!(
        workflow.contains("actions/upload-pages-artifact")
            && workflow.contains("actions/deploy-pages")
    );
    let build = Run::from(mendbook().arg("build").current_dir(&root).output().unwrap());
    assert!(build.ok(), "{}", build.all());
    assert!(
        build.stderr.is_empty(),
        "no warnings on a fresh site: {}",
        build.all()
    );
    assert!(root.join("public/guides/first-steps/index.html").is_file());
}

#[test]
fn init_never_overwrites() {
    let site = Site::new(&[
        ("book.toml", "[book]\ntitle = \"Mine\"\n"),
        ("content/_index.md", "My home\n"),
    ]);
    let run = site.run(&["init"]);
    assert!(run.ok(), "{}", run.all());
    assert!(run.stdout.contains("kept     book.toml"));
    assert_eq!(site.read("book.toml"), "[book]\ntitle = \"Mine\"\n");
    assert_eq!(site.read("content/_index.md"), "My home\n");
    assert!(site.exists("content/guides/first-steps.md"));
}

#[test]
fn new_guide_fills_front_matter_and_refuses_to_overwrite() {
    let site = Site::new(&[("content/_index.md", "Home\n")]);
    let run = site.run(&["new", "guide", "recover/say-sorry"]);
    assert!(run.ok(), "{}", run.all());
    let text = site.read("content/recover/say-sorry.md");
    assert!(text.starts_with("---\ntitle: \"Say sorry\"\n"), "{text}");
    assert!(text.contains("date: 20"));
    site.build_ok();
    site.write("content/recover/say-sorry.md", "mine");
    site.run(&["new", "guide", "recover/say-sorry.md"])
        .fails_with(1)
        .stderr_has("already exists");
    assert_eq!(site.read("content/recover/say-sorry.md"), "mine");
}

#[test]
fn every_command_has_help_with_examples() {
    for args in [
        vec!["--help"],
        vec!["build", "--help"],
        vec!["check", "--help"],
        vec!["init", "--help"],
        vec!["new", "guide", "--help"],
    ] {
        let run = Run::from(mendbook().args(&args).output().unwrap());
        assert!(run.ok(), "{args:?}: {}", run.all());
        assert!(run.stdout.contains("Examples:"), "{args:?}: {}", run.stdout);
    }
}

const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Runs `mendbook init` in `dir` (with `args`), which must succeed.
fn init_in(dir: &Path, args: &[&str]) -> Run {
    let run = Run::from(
        mendbook()
            .arg("init")
            .args(args)
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .output()
            .unwrap(),
    );
    assert!(run.ok(), "{}", run.all());
    run
}

/// Runs git in `dir`. These tests need git: without it they fail, loudly.
fn git(dir: &Path, args: &[&str]) {
    let status = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .status()
        .unwrap_or_else(|e| panic!("these tests need git on PATH (`apt-get install git`): {e}"));
    assert!(status.success(), "git {args:?} failed in {}", dir.display());
}

/// A fresh git repository with `origin` set to `remote` (none if empty).
fn repo_with_origin(remote: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    if !remote.is_empty() {
        git(dir.path(), &["remote", "add", "origin", remote]);
    }
    dir
}

fn base_url_in(book_toml: &Path) -> String {
    let text = std::fs::read_to_string(book_toml).unwrap();
    let value: toml::Value = toml::from_str(&text).unwrap();
    value["site"]["base-url"].as_str().unwrap().to_string()
}

#[test]
fn init_takes_the_base_url_from_a_github_remote() {
    for (remote, want) in [
        (
            "https://github.com/acme/guides.git",
            "https://acme.github.io/guides/",
        ),
        (
            "https://github.com/acme/guides",
            "https://acme.github.io/guides/",
        ),
        (
            "git@github.com:acme/guides.git",
            "https://acme.github.io/guides/",
        ),
        (
            "ssh://git@github.com/Acme/Career-Guides.git",
            "https://acme.github.io/Career-Guides/",
        ),
        (
            "https://github.com/acme/acme.github.io.git",
            "https://acme.github.io/",
        ),
    ] {
        let repo = repo_with_origin(remote);
        init_in(repo.path(), &[]);
        assert_eq!(
            base_url_in(&repo.path().join("book.toml")),
            want,
            "{remote}"
        );
    }
}

#[test]
fn init_into_a_new_folder_inside_a_repository_uses_its_remote() {
    let repo = repo_with_origin("https://github.com/acme/guides.git");
    init_in(repo.path(), &["site"]);
    let root = repo.path().join("site");
    assert_eq!(
        base_url_in(&root.join("book.toml")),
        "https://acme.github.io/guides/"
    );
    let build = Run::from(mendbook().arg("build").current_dir(&root).output().unwrap());
    assert!(build.ok(), "{}", build.all());
    assert!(build.stderr.is_empty(), "{}", build.all());
    let sitemap = std::fs::read_to_string(root.join("public/sitemap.xml")).unwrap();
    assert!(sitemap.contains("https://acme.github.io/guides/guides/first-steps/"));
}

#[test]
fn init_falls_back_to_the_local_address() {
    const LOCAL: &str = "http://127.0.0.1:3000/";
    // A repository with no remote, or one that is not on GitHub.
    for remote in ["", "https://gitlab.com/acme/guides.git"] {
        let repo = repo_with_origin(remote);
        init_in(repo.path(), &[]);
        assert_eq!(
            base_url_in(&repo.path().join("book.toml")),
            LOCAL,
            "{remote:?}"
        );
    }
    // No repository at all, and no git on PATH: init works all the same.
    let dir = tempfile::tempdir().unwrap();
    let empty_path = tempfile::tempdir().unwrap();
    let run = Run::from(
        mendbook()
            .arg("init")
            .current_dir(dir.path())
            .env("PATH", empty_path.path())
            .output()
            .unwrap(),
    );
    assert!(run.ok(), "{}", run.all());
    assert_eq!(base_url_in(&dir.path().join("book.toml")), LOCAL);
}

/// The written workflow, parsed.
fn init_workflow() -> (tempfile::TempDir, String, serde_yaml::Value) {
    let dir = tempfile::tempdir().unwrap();
    init_in(dir.path(), &[]);
    let text = std::fs::read_to_string(dir.path().join(".github/workflows/pages.yml")).unwrap();
    let yaml: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    (dir, text, yaml)
}

fn steps(job: &serde_yaml::Value) -> &Vec<serde_yaml::Value> {
    job["steps"].as_sequence().expect("a job with steps")
}

fn text_of(value: &serde_yaml::Value) -> &str {
    value.as_str().unwrap_or("")
}

/// The parts of a GitHub expression joined by `sep` (`||` or `&&`) outside
/// parentheses and quotes, trimmed, with any `${{ }}` around it removed.
fn split_top(expr: &str, sep: &str) -> Vec<String> {
    let expr = expr.trim();
    let expr = expr
        .strip_prefix("${{")
        .and_then(|e| e.strip_suffix("}}"))
        .unwrap_or(expr);
    let (mut parts, mut depth, mut quoted, mut start) = (Vec::new(), 0i32, false, 0);
    let bytes = expr.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' => quoted = !quoted,
            b'(' if !quoted => depth += 1,
            b')' if !quoted => depth -= 1,
            _ if !quoted && depth == 0 && expr[i..].starts_with(sep) => {
                parts.push(expr[start..i].trim().to_string());
                i += sep.len();
                start = i;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    parts.push(expr[start..].trim().to_string());
    parts
}

#[test]
fn init_pins_the_workflow_to_the_running_version() {
    let (_dir, text, yaml) = init_workflow();
    assert_eq!(
        text_of(&yaml["env"]["MENDBOOK_VERSION"]),
        VERSION,
        "the workflow pins the mendbook that wrote it"
    );
    // With the version put in for its variable, every install is pinned.
    let resolved = text
        .replace("${{ env.MENDBOOK_VERSION }}", VERSION)
        .replace("\"$MENDBOOK_VERSION\"", VERSION);
    assert!(
        resolved.contains(&format!("tool: mendbook@{VERSION}\n")),
        "{text}"
    );
    assert!(
        resolved.contains(&format!(
            "cargo install mendbook --version {VERSION} --locked"
        )),
        "{text}"
    );
    for line in resolved.lines() {
        if line.contains("tool: mendbook") {
            assert!(
                line.ends_with(&format!("tool: mendbook@{VERSION}")),
                "unpinned: {line}"
            );
        }
        if line.contains("cargo install") || line.contains("cargo binstall") {
            assert!(
                line.contains(&format!("--version {VERSION}")),
                "unpinned: {line}"
            );
        }
    }
    // The cache holds one version: its key names it.
    for job in yaml["jobs"].as_mapping().unwrap().values() {
        for step in steps(job) {
            if text_of(&step["uses"]).starts_with("actions/cache") {
                assert!(
                    text_of(&step["with"]["key"]).contains("${{ env.MENDBOOK_VERSION }}"),
                    "{step:?}"
                );
            }
        }
    }
}

#[test]
fn init_workflow_checks_pull_requests_and_deploys_only_the_default_branch() {
    let (_dir, _text, yaml) = init_workflow();
    let on = &yaml["on"];
    assert!(
        on.get("pull_request").is_some(),
        "no pull_request trigger: {on:?}"
    );
    let jobs = yaml["jobs"].as_mapping().unwrap();

    // A job runs `mendbook check`, and nothing keeps it from running on a
    // pull request: no `needs`, and `github.event_name == 'pull_request'`
    // alone makes its condition true.
    let (name, check) = jobs
        .iter()
        .find(|(_, job)| {
            steps(job)
                .iter()
                .any(|s| text_of(&s["run"]).contains("mendbook check"))
        })
        .expect("a job that runs `mendbook check`");
    assert!(
        check.get("needs").is_none(),
        "{name:?} waits for another job"
    );
    if let Some(cond) = check.get("if") {
        assert!(
            split_top(text_of(cond), "||")
                .iter()
                .any(|part| part == "github.event_name == 'pull_request'"),
            "{name:?} may not run on pull requests: {cond:?}"
        );
    }
    for step in steps(check) {
        if text_of(&step["run"]).contains("mendbook check") {
            assert!(step.get("if").is_none(), "{step:?}");
        }
    }

    // The job that uploads the site runs only on the default branch, never
    // for a pull request; the deploy waits for it.
    let (build_name, build) = jobs
        .iter()
        .find(|(_, job)| {
            steps(job)
                .iter()
                .any(|s| text_of(&s["uses"]).starts_with("actions/upload-pages-artifact@"))
        })
        .expect("a job that uploads the site");
    let conjuncts = split_top(text_of(&build["if"]), "&&");
    for want in [
        "github.ref_name == github.event.repository.default_branch",
        "github.event_name != 'pull_request'",
    ] {
        assert!(conjuncts.iter().any(|c| c == want), "{conjuncts:?}");
    }
    let mut deploys = 0;
    for (name, job) in jobs {
        let deploying = steps(job)
            .iter()
            .any(|s| text_of(&s["uses"]).starts_with("actions/deploy-pages@"));
        let perms = &job["permissions"];
        if deploying {
            deploys += 1;
            assert_eq!(text_of(&job["needs"]), text_of(build_name), "{name:?}");
            assert_eq!(text_of(&perms["pages"]), "write");
            assert_eq!(text_of(&perms["id-token"]), "write");
        } else {
            assert!(perms.is_null(), "{name:?} asks for more: {perms:?}");
        }
    }
    assert_eq!(deploys, 1);
    // Least privilege at the top, one run per ref at a time.
    let top: serde_yaml::Value = serde_yaml::from_str("contents: read").unwrap();
    assert_eq!(yaml["permissions"], top);
    assert!(yaml["concurrency"]["group"].is_string());
}

/// Runs the workflow's shell steps of `job` that need no action and no
/// condition (the version check, the check or the build, the clean-up) in
/// the site folder, with the binary under test on PATH, as a runner would.
fn run_shell_steps(site: &Path, job: &serde_yaml::Value, runner_temp: &Path) -> Vec<Run> {
    let bin = assert_cmd::cargo::cargo_bin("mendbook");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut runs = Vec::new();
    for step in steps(job) {
        let Some(script) = step["run"].as_str() else {
            continue;
        };
        if step.get("if").is_some() {
            continue;
        }
        let mut cmd = std::process::Command::new("bash");
        cmd.args(["-e", "-c", script])
            .current_dir(site)
            .env("PATH", &path)
            .env("NO_COLOR", "1")
            .env("MENDBOOK_VERSION", VERSION)
            .env("RUNNER_TEMP", runner_temp);
        if let Some(env) = step["env"].as_mapping() {
            for (key, value) in env {
                let value = match text_of(value) {
                    "${{ steps.pages.outputs.base_url }}" => "https://acme.github.io/guides",
                    other => {
                        assert!(!other.contains("${{"), "unknown expression: {other}");
                        other
                    }
                };
                cmd.env(text_of(key), value);
            }
        }
        assert!(
            !script.contains("${{"),
            "an expression in a script: {script}"
        );
        runs.push(Run::from(cmd.output().unwrap()));
    }
    runs
}

#[test]
fn init_workflow_steps_work_with_this_mendbook() {
    let (dir, _text, yaml) = init_workflow();
    let jobs = &yaml["jobs"];

    // The check job: passes on the fresh site, fails on a broken link.
    let temp = tempfile::tempdir().unwrap();
    for run in run_shell_steps(dir.path(), &jobs["check"], temp.path()) {
        assert!(run.ok(), "{}", run.all());
    }
    let guide = dir.path().join("content/guides/first-steps.md");
    let good = std::fs::read_to_string(&guide).unwrap();
    std::fs::write(&guide, format!("{good}\nSee [nowhere](missing.md).\n")).unwrap();
    let runs = run_shell_steps(dir.path(), &jobs["check"], temp.path());
    let last = runs.last().unwrap();
    assert_eq!(last.code, Some(1), "{}", last.all());
    assert!(last.stderr.contains("missing.md"), "{}", last.all());
    std::fs::write(&guide, good).unwrap();

    // The build job: the site at the Pages address, in the folder it
    // uploads, without mendbook's bookkeeping.
    let build = &jobs["build"];
    for run in run_shell_steps(dir.path(), build, temp.path()) {
        assert!(run.ok(), "{}", run.all());
    }
    let upload = steps(build)
        .iter()
        .find(|s| text_of(&s["uses"]).starts_with("actions/upload-pages-artifact@"))
        .unwrap();
    let uploaded = text_of(&upload["with"]["path"])
        .replace("${{ runner.temp }}", temp.path().to_str().unwrap());
    let uploaded = Path::new(&uploaded);
    assert!(uploaded.join("guides/first-steps/index.html").is_file());
    let sitemap = std::fs::read_to_string(uploaded.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("https://acme.github.io/guides/guides/first-steps/"));
    for hidden in [".mendbook-manifest", ".mendbook-lock"] {
        assert!(
            !uploaded.join(hidden).exists(),
            "{hidden} would be published"
        );
    }
    assert!(
        !dir.path().join("public").exists(),
        "built into the checkout"
    );
}

#[test]
fn init_says_which_base_url_it_chose_and_why() {
    use mendbook::api as scaffold;

    let repo = repo_with_origin("git@github.com:acme/guides.git");
    let outcome = scaffold::init(repo.path()).unwrap();
    let choice = outcome.base_url.expect("a new book.toml");
    assert_eq!(choice.url, "https://acme.github.io/guides/");
    assert_eq!(
        choice.to_string(),
        "base-url https://acme.github.io/guides/ \
         (from the git remote `origin`, github.com/acme/guides: its GitHub Pages address)"
    );
    // book.toml is there now: kept, and no choice to report.
    let again = scaffold::init(repo.path()).unwrap();
    assert!(again.base_url.is_none());
    assert!(again.kept.contains(&Path::new("book.toml").to_path_buf()));

    let bare = repo_with_origin("");
    let why = scaffold::choose_base_url(bare.path()).reason;
    assert!(why.contains("has no remote `origin`"), "{why}");
    let elsewhere = repo_with_origin("https://gitlab.com/acme/guides.git");
    let why = scaffold::choose_base_url(elsewhere.path()).reason;
    assert!(why.contains("not on GitHub"), "{why}");
    // Credentials in a remote URL never reach the output.
    let secret = repo_with_origin("https://acme:s3cret@github.com/acme/guides.git");
    let choice = scaffold::choose_base_url(secret.path());
    assert_eq!(choice.url, "https://acme.github.io/guides/");
    assert!(!choice.reason.contains("s3cret"), "{}", choice.reason);
}

#[test]
fn new_guide_turns_a_title_into_a_file_name() {
    let site = Site::new(&[("content/_index.md", "Home\n")]);
    let run = site.run(&["new", "guide", "prevent/Ask for help"]);
    assert!(run.ok(), "{}", run.all());
    run.stdout_has("created content/prevent/ask-for-help.md");
    let text = site.read("content/prevent/ask-for-help.md");
    assert!(text.starts_with("---\ntitle: \"Ask for help\"\n"), "{text}");
    site.run(&["new", "guide", "prevent/!!!"])
        .fails_with(1)
        .stderr_has("must be a path inside the content folder");
}

#[test]
fn new_tree_writes_a_starter_that_checks_and_builds() {
    let site = Site::new(&[("content/_index.md", "Home\n")]);
    let run = site.run(&["new", "tree", "recover/What should I do now"]);
    assert!(run.ok(), "{}", run.all());
    run.stdout_has("created content/recover/what-should-i-do-now.yaml");
    let text = site.read("content/recover/what-should-i-do-now.yaml");
    assert!(text.contains("title: \"What should I do now\""), "{text}");
    assert!(text.contains("\ntests:\n"), "it comes with tests: {text}");
    site.run(&["check"]).succeeds();
    site.build_ok();
    let start = site.read("public/recover/what-should-i-do-now/index.html");
    assert!(start.contains("What kind of mistake was it?"), "{start}");

    // Its tests run: one that expects the wrong outcome fails the check.
    site.write(
        "content/recover/what-should-i-do-now.yaml",
        &text.replace("expect: fix-it", "expect: talk-first"),
    );
    site.run(&["check"]).fails_with(1);
    site.run(&["new", "tree", "recover/what-should-i-do-now.yaml"])
        .fails_with(1)
        .stderr_has("already exists");
}

#[test]
fn short_flags_for_out_and_port() {
    let site = Site::new(&[("content/_index.md", "Home\n")]);
    site.run(&["build", "-o", "elsewhere"]).succeeds();
    assert!(site.exists("elsewhere/index.html"));
    assert!(!site.exists("public"));
    let port = crate::common::free_port();
    let _running = crate::common::Running::start(
        site.root(),
        &["serve", "-p", &port.to_string()],
        "Serving at",
    );
    assert_eq!(crate::common::get(port, "/").0, 200);
}
