//! `mendbook serve` and `mendbook watch`, run for real: HTTP, live reload,
//! errors while the last good page stays served, deletions, traversal, ports.

use std::time::Duration;

use crate::common::{free_port, get, EventStream, Running, Site};

pub const WAIT: Duration = Duration::from_secs(20);

pub const BOOK: &str =
    "[book]\ntitle = \"Live\"\n[site]\nbase-url = \"https://example.github.io/recovery/\"\n";

fn site() -> Site {
    // The search index is rebuilt in the background and sends its own
    // reload; these tests follow other events, so it is off here and on in
    // the search test.
    let book = format!("{BOOK}[build]\nsearch = false\n");
    site_with(&book)
}

pub fn site_with(book: &str) -> Site {
    Site::new(&[
        ("book.toml", book),
        ("content/_index.md", "Home.\n"),
        (
            "content/guides/a.md",
            "---\ntitle: Guide A\n---\n\nFirst version of A.\n",
        ),
        (
            "content/guides/b.md",
            "---\ntitle: Guide B\n---\n\nSee [A](a.md).\n",
        ),
        (
            "themes/default/static/mendbook/extra.css",
            "body { color: black }\n",
        ),
    ])
}

pub fn serve(site: &Site) -> (Running, u16) {
    let port = free_port();
    let running = Running::start(
        site.root(),
        &["serve", "--port", &port.to_string()],
        "Serving at",
    );
    (running, port)
}

pub fn body(port: u16, path: &str) -> (u16, String) {
    let (status, _, body) = get(port, path);
    (status, String::from_utf8_lossy(&body).into_owned())
}

#[test]
fn serves_pages_under_the_base_path_with_the_reload_script() {
    let site = site();
    let (running, port) = serve(&site);
    assert!(running
        .output()
        .contains(&format!("http://127.0.0.1:{port}/recovery/")));
    let (status, head, body) = get(port, "/recovery/guides/a/");
    let html = String::from_utf8_lossy(&body);
    assert_eq!(status, 200);
    assert!(
        head.to_lowercase()
            .contains("content-type: text/html; charset=utf-8"),
        "{head}"
    );
    assert!(
        head.to_lowercase().contains("cache-control: no-store"),
        "{head}"
    );
    assert!(html.contains("First version of A."));
    assert!(
        html.contains("<script src=\"/__mendbook/live.js\" defer></script></body>"),
        "{html}"
    );
    // The root redirects to the base path; a folder without its slash gets one.
    let (status, head, _) = get(port, "/");
    assert_eq!(status, 302);
    assert!(head.to_lowercase().contains("location: /recovery/"));
    let (status, head, _) = get(port, "/recovery/guides/a");
    assert_eq!(status, 301, "{head}");
    let (status, head, _) = get(port, "/recovery/mendbook/style.css");
    assert_eq!(status, 200);
    assert!(
        head.to_lowercase().contains("content-type: text/css"),
        "{head}"
    );
    assert!(
        !site.exists("public"),
        "serve never writes the build folder"
    );
}

#[test]
fn an_edit_sends_a_reload_and_the_new_page() {
    let site = site();
    let (_running, port) = serve(&site);
    let events = EventStream::connect(port, "/__mendbook/events");
    std::thread::sleep(Duration::from_millis(300));
    site.write(
        "content/guides/a.md",
        "---\ntitle: Guide A\n---\n\nSecond version of A.\n",
    );
    let urls = events.expect("reload", WAIT);
    assert!(urls.contains("/recovery/guides/a/"), "{urls}");
    assert!(body(port, "/recovery/guides/a/")
        .1
        .contains("Second version of A."));
}

#[test]
fn a_broken_file_shows_errors_while_the_last_good_page_stays() {
    let site = site();
    let (running, port) = serve(&site);
    let events = EventStream::connect(port, "/__mendbook/events");
    std::thread::sleep(Duration::from_millis(300));
    site.write(
        "content/guides/a.md",
        "---\ntitle: [Guide A\n---\n\nBroken.\n",
    );
    let problems = events.expect("problems", WAIT);
    assert!(problems.contains("content/guides/a.md:2:"), "{problems}");
    let (status, html) = body(port, "/recovery/guides/a/");
    assert_eq!(status, 200);
    assert!(
        html.contains("First version of A."),
        "the last good page is served"
    );
    running.wait_for_line("content/guides/a.md:2:", WAIT);
    // A page opened now sees the problem at once.
    let late = EventStream::connect(port, "/__mendbook/events");
    assert!(late
        .expect("problems", WAIT)
        .contains("content/guides/a.md:2:"));
    site.write(
        "content/guides/a.md",
        "---\ntitle: Guide A\n---\n\nFixed A.\n",
    );
    events.expect("clear", WAIT);
    let urls = events.expect("reload", WAIT);
    assert!(
        urls.contains("/recovery/guides/a/") || urls.contains('*'),
        "{urls}"
    );
    assert!(body(port, "/recovery/guides/a/").1.contains("Fixed A."));
}

#[test]
fn a_deleted_guide_goes_away_and_links_to_it_become_errors() {
    let site = site();
    let (_running, port) = serve(&site);
    let events = EventStream::connect(port, "/__mendbook/events");
    std::thread::sleep(Duration::from_millis(300));
    std::fs::remove_file(site.path("content/guides/b.md")).unwrap();
    events.expect("reload", WAIT);
    assert_eq!(get(port, "/recovery/guides/b/").0, 404);
    // Deleting the guide that b linked to would break the link; a's link
    // target is gone from b, so use a fresh page that links to a.
    site.write("content/guides/c.md", "---\ntitle: C\n---\n\n[A](a.md)\n");
    events.expect("reload", WAIT);
    std::fs::remove_file(site.path("content/guides/a.md")).unwrap();
    let problems = events.expect("problems", WAIT);
    assert!(
        problems.contains("content/guides/c.md:5:") && problems.contains("broken link"),
        "{problems}"
    );
}

#[test]
fn a_css_change_swaps_the_stylesheet() {
    let site = site();
    let (_running, port) = serve(&site);
    let events = EventStream::connect(port, "/__mendbook/events");
    std::thread::sleep(Duration::from_millis(300));
    site.write(
        "themes/default/static/mendbook/extra.css",
        "body { color: navy }\n",
    );
    events.expect("css", WAIT);
    assert!(body(port, "/recovery/mendbook/extra.css")
        .1
        .contains("navy"));
}

#[test]
fn traversal_and_odd_paths_never_leave_the_build() {
    let site = site();
    site.write("secret.txt", "top secret");
    let (_running, port) = serve(&site);
    for path in [
        "/recovery/../secret.txt",
        "/recovery/%2e%2e/secret.txt",
        "/recovery/%2E%2E%2Fsecret.txt",
        "/recovery/guides/..%2f..%2fsecret.txt",
        "/recovery/..%5csecret.txt",
        "/recovery/%00",
        "//etc/passwd",
        "/recovery//etc/passwd",
        "/recovery/book.toml",
        "/recovery/mendbook/",
    ] {
        let (status, body) = body(port, path);
        assert!(status == 400 || status == 404, "{path}: {status}");
        assert!(
            !body.contains("top secret") && !body.contains("root:"),
            "{path}"
        );
    }
}

#[test]
fn a_port_in_use_gets_a_clear_message() {
    let site = site();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let run = site.run(&["serve", "--port", &port]);
    run.fails_with(1)
        .stderr_has(&format!("port {port} is already in use"))
        .stderr_has("--port");
}

#[test]
fn ctrl_c_exits_cleanly_and_deletes_nothing() {
    let site = site();
    let (mut running, port) = serve(&site);
    assert_eq!(get(port, "/recovery/").0, 200);
    let before = site.snapshot("content");
    // SAFETY: sending SIGINT to our own child process.
    unsafe { libc::kill(running.child.id() as i32, libc::SIGINT) };
    let status = running.child.wait().unwrap();
    assert!(status.success(), "{status:?}\n{}", running.output());
    assert_eq!(site.snapshot("content"), before);
    assert!(!site.exists("public"));
}

#[test]
fn ctrl_c_the_moment_serve_says_it_is_serving_still_exits_cleanly() {
    let site = site();
    for _ in 0..3 {
        let (mut running, _) = serve(&site);
        // SAFETY: sending SIGINT to our own child process.
        unsafe { libc::kill(running.child.id() as i32, libc::SIGINT) };
        let status = running.child.wait().unwrap();
        assert!(status.success(), "{status:?}\n{}", running.output());
    }
    assert!(!site.exists("public"));
}

#[test]
fn drafts_show_in_serve_unless_hidden() {
    let site = site();
    site.write(
        "content/guides/wip.md",
        "---\ntitle: WIP\ndraft: true\n---\nSoon.\n",
    );
    let (_running, port) = serve(&site);
    let (status, html) = body(port, "/recovery/guides/wip/");
    assert_eq!(status, 200);
    assert!(html.contains("Draft"));
    drop(_running);
    let port = free_port();
    let _hidden = Running::start(
        site.root(),
        &["serve", "--no-drafts", "--port", &port.to_string()],
        "Serving at",
    );
    assert_eq!(get(port, "/recovery/guides/wip/").0, 404);
}

#[test]
fn watch_rebuilds_the_build_folder() {
    let site = site();
    site.write("public/.git/HEAD", "keep me");
    let running = Running::start(site.root(), &["watch"], "watching for changes");
    assert!(site
        .read("public/guides/a/index.html")
        .contains("First version of A."));
    site.write(
        "content/guides/a.md",
        "---\ntitle: Guide A\n---\n\nWatched version of A.\n",
    );
    let line = running.wait_for_line("content/guides/a.md changed", WAIT);
    assert!(line.contains("1 file updated in"), "{line}");
    assert!(site
        .read("public/guides/a/index.html")
        .contains("Watched version of A."));
    assert!(
        !site.read("public/guides/a/index.html").contains("live.js"),
        "no reload script on disk"
    );
    std::fs::remove_file(site.path("content/guides/b.md")).unwrap();
    running.wait_for_line("content/guides/b.md changed", WAIT);
    assert!(!site.exists("public/guides/b/index.html"));
    site.write("content/guides/a.md", "---\ntitle: [broken\n---\n");
    running.wait_for_line("content/guides/a.md:2:", WAIT);
    // watch serves nothing, so it never says so.
    running.wait_for_line("errors; the build folder keeps the last good build", WAIT);
    assert!(!running.output().contains("served"), "{}", running.output());
    assert!(
        site.read("public/guides/a/index.html")
            .contains("Watched version of A."),
        "a failed rebuild writes nothing"
    );
    assert_eq!(site.read("public/.git/HEAD"), "keep me");
}

#[test]
fn editor_saves_by_rename_are_seen_and_their_leftovers_ignored() {
    let site = site();
    let (running, port) = serve(&site);
    let events = EventStream::connect(port, "/__mendbook/events");
    std::thread::sleep(Duration::from_millis(300));
    // Swap and backup files alone trigger nothing.
    site.write("content/guides/.a.md.swp", "swap");
    site.write("content/guides/a.md~", "backup");
    site.write("content/guides/4913", "vim probe");
    std::thread::sleep(Duration::from_millis(600));
    assert!(
        !running.output().contains("changed"),
        "{}",
        running.output()
    );
    // Atomic save: write a temporary file, rename it over the guide.
    site.write(
        "content/guides/.a.md.tmp123",
        "---\ntitle: Guide A\n---\n\nRenamed into place.\n",
    );
    std::fs::rename(
        site.path("content/guides/.a.md.tmp123"),
        site.path("content/guides/a.md"),
    )
    .unwrap();
    let urls = events.expect("reload", WAIT);
    assert!(urls.contains("/recovery/guides/a/"), "{urls}");
    assert!(body(port, "/recovery/guides/a/")
        .1
        .contains("Renamed into place."));
}

#[test]
fn a_themes_folder_created_while_serving_is_watched() {
    let site = Site::new(&[
        (
            "book.toml",
            "[book]\ntitle = \"Live\"\n[build]\nsearch = false\n",
        ),
        ("content/a.md", "# A\n\nText.\n"),
    ]);
    let (_running, port) = serve(&site);
    let events = EventStream::connect(port, "/__mendbook/events");
    std::thread::sleep(Duration::from_millis(300));
    site.write(
        "themes/default/templates/page.html",
        "{% extends \"base.html\" %}{% block main %}<p>First override</p>{% endblock main %}",
    );
    events.expect("reload", WAIT);
    assert!(body(port, "/a/").1.contains("First override"));
    std::thread::sleep(Duration::from_millis(300));
    site.write(
        "themes/default/templates/page.html",
        "{% extends \"base.html\" %}{% block main %}<p>Second override</p>{% endblock main %}",
    );
    events.expect("reload", WAIT);
    assert!(body(port, "/a/").1.contains("Second override"));
}

#[test]
fn polling_sees_changes_too() {
    let site = site();
    let port = free_port();
    let _running = Running::start(
        site.root(),
        &["serve", "--poll", "--port", &port.to_string()],
        "Serving at",
    );
    let events = EventStream::connect(port, "/__mendbook/events");
    std::thread::sleep(Duration::from_millis(500));
    site.write(
        "content/guides/a.md",
        "---\ntitle: Guide A\n---\n\nPolled version of A.\n",
    );
    let urls = events.expect("reload", WAIT);
    assert!(urls.contains("/recovery/guides/a/"), "{urls}");
    assert!(body(port, "/recovery/guides/a/")
        .1
        .contains("Polled version of A."));
}

#[test]
fn a_longer_guide_updates_the_pages_that_list_it_after_itself() {
    let site = site();
    let (_running, port) = serve(&site);
    assert!(body(port, "/recovery/guides/").1.contains("1 min read"));
    let events = EventStream::connect(port, "/__mendbook/events");
    std::thread::sleep(Duration::from_millis(300));
    let long = "word ".repeat(450);
    site.write(
        "content/guides/a.md",
        &format!("---\ntitle: Guide A\n---\n\n{long}\n"),
    );
    let first = events.expect("reload", WAIT);
    assert!(
        first.contains("/recovery/guides/a/") && !first.contains("/recovery/guides/\""),
        "the guide goes first: {first}"
    );
    let second = events.expect("reload", WAIT);
    assert!(
        second.contains("\"/recovery/guides/\""),
        "then its section: {second}"
    );
    assert!(body(port, "/recovery/guides/").1.contains("3 min read"));
}

#[test]
fn inputs_that_used_to_crash_serve_are_problems_and_it_keeps_rebuilding() {
    let site = site();
    let (running, port) = serve(&site);
    let events = EventStream::connect(port, "/__mendbook/events");
    std::thread::sleep(Duration::from_millis(300));
    // A tree nested 5,000 deep overflowed the stack and killed serve.
    site.write(
        "content/guides/t.yaml",
        &format!("{}x\n", "- ".repeat(5_000)),
    );
    let problems = events.expect("problems", WAIT);
    assert!(problems.contains("content/guides/t.yaml:1:"), "{problems}");
    std::fs::remove_file(site.path("content/guides/t.yaml")).unwrap();
    events.expect("clear", WAIT);
    // An error past column 65,535 panicked in the printer and silently
    // stopped every later rebuild.
    site.write(
        "content/guides/a.md",
        &format!(
            "---\ntitle: Guide A\n---\n\n{} [x](nowhere.md)\n",
            "a".repeat(70_000)
        ),
    );
    let problems = events.expect("problems", WAIT);
    assert!(
        problems.contains("content/guides/a.md:5:70006"),
        "{problems}"
    );
    running.wait_for_line("content/guides/a.md:5:70006", WAIT);
    site.write(
        "content/guides/a.md",
        "---\ntitle: Guide A\n---\n\nStill alive.\n",
    );
    events.expect("clear", WAIT);
    events.expect("reload", WAIT);
    assert!(body(port, "/recovery/guides/a/").1.contains("Still alive."));
}

#[test]
fn a_content_folder_replaced_wholesale_is_still_watched() {
    let site = site();
    let (_running, port) = serve(&site);
    let events = EventStream::connect(port, "/__mendbook/events");
    std::thread::sleep(Duration::from_millis(300));
    // `rm -rf content; cp -r backup content`, as a checkout might do.
    let backup = tempfile::tempdir().unwrap();
    for (rel, text) in [
        ("_index.md", "Home.\n"),
        ("guides/a.md", "---\ntitle: Guide A\n---\n\nRestored A.\n"),
        (
            "guides/b.md",
            "---\ntitle: Guide B\n---\n\nSee [A](a.md).\n",
        ),
    ] {
        let p = backup.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    std::fs::remove_dir_all(site.path("content")).unwrap();
    let copy = std::process::Command::new("cp")
        .arg("-r")
        .arg(backup.path())
        .arg(site.path("content"))
        .status()
        .unwrap();
    assert!(copy.success());
    let deadline = std::time::Instant::now() + WAIT;
    while !body(port, "/recovery/guides/a/").1.contains("Restored A.") {
        assert!(
            std::time::Instant::now() < deadline,
            "the restored folder was never read"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // Edits inside the new folder are seen.
    while events.rx.try_recv().is_ok() {}
    site.write(
        "content/guides/a.md",
        "---\ntitle: Guide A\n---\n\nEdited after the restore.\n",
    );
    events.expect("reload", WAIT);
    assert!(body(port, "/recovery/guides/a/")
        .1
        .contains("Edited after the restore."));
}

#[test]
fn a_flood_of_event_streams_neither_stops_pages_nor_rebuilds() {
    const FLOOD: usize = 5_000;
    let allowed = crate::common::allow_open_files(FLOOD as u64 + 1_000);
    assert!(
        allowed >= FLOOD as u64 + 200,
        "this machine allows only {allowed} open files"
    );
    let site = site();
    let (_running, port) = serve(&site);
    // The author's own open page, connected before the flood.
    let events = EventStream::connect(port, "/__mendbook/events");
    std::thread::sleep(Duration::from_millis(300));

    let flood = crate::common::flood_event_streams(port, FLOOD);
    assert!(
        flood.len() >= FLOOD * 9 / 10,
        "only {} connected",
        flood.len()
    );

    // Pages are still answered while the flood holds its connections.
    let (status, html) = body(port, "/recovery/guides/a/");
    assert_eq!(status, 200);
    assert!(html.contains("First version of A."));
    // And rebuilds still happen and reach the author's page.
    site.write(
        "content/guides/a.md",
        "---\ntitle: Guide A\n---\n\nEdited during the flood.\n",
    );
    let urls = events.expect("reload", WAIT);
    assert!(urls.contains("/recovery/guides/a/"), "{urls}");
    assert!(body(port, "/recovery/guides/a/")
        .1
        .contains("Edited during the flood."));
    drop(flood);
}

#[test]
fn binding_beyond_this_machine_says_where_and_warns() {
    let site = site();
    let port = free_port();
    let running = Running::start(
        site.root(),
        &["serve", "--bind", "0.0.0.0", "--port", &port.to_string()],
        "Serving at",
    );
    // The warning goes to stderr, and may come before or after the line
    // `start` waited for: look in the whole log.
    let deadline = std::time::Instant::now() + WAIT;
    while !running.output().contains("drafts included") {
        assert!(std::time::Instant::now() < deadline, "{}", running.output());
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = running.output();
    assert!(
        out.contains(&format!("Serving at http://0.0.0.0:{port}/recovery/")),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "on this machine http://127.0.0.1:{port}/recovery/"
        )),
        "{out}"
    );
    assert_eq!(body(port, "/recovery/guides/a/").0, 200);
}
