//! Live-preview benchmark: from saving a file to the reload event reaching an
//! open page, on generated sites of 1,000 and 10,000 guides.
//!
//! Run with `cargo bench --bench live_reload` (optionally `-- 1000 10000`).
//! It starts the release `mendbook serve` on the shared corpus, listens on
//! the live-reload channel like a browser would, and times three edits,
//! seven times each: one guide's text, a template, and a new guide.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use common::{generate_corpus, release_binary, sizes};

fn events(port: u16) -> Receiver<(String, Instant)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    write!(
        s,
        "GET /__mendbook/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    )
    .unwrap();
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let mut event = String::new();
        for line in BufReader::new(s).lines().map_while(Result::ok) {
            if let Some(e) = line.strip_prefix("event: ") {
                event = e.to_string();
            } else if let Some(data) = line.strip_prefix("data:") {
                // The search index follows in the background and reloads
                // only the search page; that is not the edit's reload.
                if event == "reload" && data.contains("/search/") && !data.contains(',') {
                    continue;
                }
                if tx.send((event.clone(), Instant::now())).is_err() {
                    break;
                }
            }
        }
    });
    rx
}

/// Writes the change and waits for the first reload or css event.
fn time_change(rx: &Receiver<(String, Instant)>, change: impl FnOnce()) -> Duration {
    while rx.try_recv().is_ok() {}
    let start = Instant::now();
    change();
    loop {
        let (event, at) = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("a reload event");
        if event == "reload" || event == "css" {
            return at - start;
        }
        assert_ne!(event, "problems", "the edit broke the build");
    }
}

fn summary(name: &str, mut times: Vec<Duration>) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "  {name:<16} median {:>7.1} ms   min {:>7.1}   max {:>7.1}   ({} runs)",
        ms(times[times.len() / 2]),
        ms(times[0]),
        ms(times[times.len() - 1]),
        times.len()
    );
}

fn main() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sizes = sizes();
    let bin = release_binary();
    let page_template =
        std::fs::read_to_string(manifest.join("themes/default/templates/page.html")).unwrap();

    for n in sizes {
        let dir = tempfile::tempdir().unwrap();
        generate_corpus(n, dir.path());
        let site = dir.path().join("ours");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let started = Instant::now();
        let mut child = Command::new(&bin)
            .args(["serve", "--port", &port.to_string()])
            .current_dir(&site)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        while out.read_line(&mut line).unwrap() > 0 && !line.contains("Serving at") {
            line.clear();
        }
        println!(
            "\n== {n} guides (first build and serve: {:.0} ms)",
            started.elapsed().as_secs_f64() * 1e3
        );
        std::thread::spawn(move || for _ in out.lines() {});
        let rx = events(port);
        std::thread::sleep(Duration::from_millis(500));

        let guide = site.join("content/guides/g00010.md");
        let original = std::fs::read_to_string(&guide).unwrap();
        let mut edits = Vec::new();
        for i in 0..7 {
            edits.push(time_change(&rx, || {
                std::fs::write(&guide, format!("{original}\nEdited paragraph {i}.\n")).unwrap()
            }));
            std::thread::sleep(Duration::from_millis(300));
        }
        summary("one-guide edit", edits);

        let template = site.join("themes/default/templates/page.html");
        std::fs::create_dir_all(template.parent().unwrap()).unwrap();
        let mut templates = Vec::new();
        for i in 0..7 {
            templates.push(time_change(&rx, || {
                std::fs::write(
                    &template,
                    page_template.replacen(
                        "{% block main %}",
                        &format!("{{% block main %}}<!-- edit {i} -->"),
                        1,
                    ),
                )
                .unwrap()
            }));
            std::thread::sleep(Duration::from_millis(300));
        }
        summary("template edit", templates);

        let mut news = Vec::new();
        for i in 0..7 {
            let path = site.join(format!("content/guides/new-{i}.md"));
            news.push(time_change(&rx, || {
                std::fs::write(&path, format!("---\ntitle: New {i}\n---\n\nA new guide.\n"))
                    .unwrap()
            }));
            std::thread::sleep(Duration::from_millis(300));
        }
        summary("new file", news);
        let _ = child.kill();
        let _ = child.wait();
    }
}
