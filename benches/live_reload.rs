//! Live-preview benchmark: from saving a file to the reload event reaching an
//! open page, on generated sites of 1,000 and 10,000 guides.
//!
//! Run with `cargo bench --bench live_reload` (optionally `-- 1000 10000`).
//! It starts the release `mendbook serve` on the shared corpus, listens on
//! the live-reload channel like a browser would, and times three edits,
//! seven times each: one guide's text, a template, and a new guide. For the
//! guide edits it also times edit → word findable: until the search page's
//! own reload (sent once the new index is served), then checks over HTTP
//! that the index really has the new word.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use common::{generate_corpus, release_binary, sizes};

/// A live-reload event: its name, whether it reloads only the search page
/// (the index following an edit in the background), and when it came.
type Event = (String, bool, Instant);

fn events(port: u16) -> Receiver<Event> {
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
                let search = event == "reload" && data.contains("/search/") && !data.contains(',');
                if tx.send((event.clone(), search, Instant::now())).is_err() {
                    break;
                }
            }
        }
    });
    rx
}

/// Writes the change and waits for the first reload or css event (not the
/// search page's); returns that time and, when `findable` is given, the time
/// of the first search-page reload after which it holds (an earlier edit's
/// index may still be on its way when this one is written).
fn time_change(
    rx: &Receiver<Event>,
    findable: Option<&dyn Fn() -> bool>,
    change: impl FnOnce(),
) -> (Duration, Option<Duration>) {
    while rx.try_recv().is_ok() {}
    let start = Instant::now();
    change();
    let (mut page, mut found) = (None, None);
    while page.is_none() || (findable.is_some() && found.is_none()) {
        let (event, only_search, at) = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("a reload event");
        assert_ne!(event, "problems", "the edit broke the build");
        if only_search {
            if findable.is_some_and(|f| f()) {
                found = Some(at - start);
            }
        } else if page.is_none() && (event == "reload" || event == "css") {
            page = Some(at - start);
        }
    }
    (page.unwrap(), found)
}

fn get(port: u16, path: &str) -> Option<Vec<u8>> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").ok()?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).ok()?;
    let split = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
    (buf.get(8..13) == Some(b" 200 ")).then(|| buf[split + 4..].to_vec())
}

/// Whether the served index can find `word`: every shard the search page
/// loads, its meta, then its chunks (pagefind's files are gzipped CBOR, in
/// which words are plain strings).
fn findable(port: u16, word: &str) -> bool {
    let unzip = |bytes: Vec<u8>| {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_end(&mut out)
            .expect("gzipped");
        String::from_utf8_lossy(&out).into_owned()
    };
    let page = String::from_utf8(get(port, "/search/").expect("the search page")).unwrap();
    let attribute = |name: &str| {
        page.split(&format!("{name}=\""))
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_default()
            .to_string()
    };
    let bundle = attribute("data-bundle").replace("pagefind.js", "");
    let merge = attribute("data-merge");
    let dirs = std::iter::once(bundle.as_str()).chain(merge.split_whitespace());
    dirs.map(|d| format!("/{}", d.trim_start_matches("../")))
        .any(|dir| {
            let entry = String::from_utf8(get(port, &format!("{dir}pagefind-entry.json")).unwrap())
                .unwrap();
            let hash = entry
                .split("\"hash\":\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            let meta = unzip(get(port, &format!("{dir}pagefind.{hash}.pf_meta")).unwrap());
            meta.match_indices("en_").any(|(at, _)| {
                let name: String = meta[at..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                get(port, &format!("{dir}index/{name}.pf_index"))
                    .is_some_and(|chunk| unzip(chunk).contains(word))
            })
        })
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
        // The first index is built in the background: its reload is not
        // an edit's.
        while out.read_line(&mut line).unwrap() > 0 && !line.contains("search index:") {
            line.clear();
        }
        println!(
            "   (first search index served: {:.0} ms)",
            started.elapsed().as_secs_f64() * 1e3
        );
        std::thread::spawn(move || for _ in out.lines() {});
        let rx = events(port);
        std::thread::sleep(Duration::from_millis(500));

        let guide = site.join("content/guides/g00010.md");
        let original = std::fs::read_to_string(&guide).unwrap();
        let (mut edits, mut found) = (Vec::new(), Vec::new());
        for i in 0..7 {
            // Letters only (pagefind splits words at digits), and none that the
            // stemmer shortens, so the index holds the word as written.
            let word = format!(
                "zanzibar{}",
                ["alpha", "bravo", "delta", "golf", "hotel", "kilo", "lima"][i]
            );
            let (page, search) = time_change(&rx, Some(&|| findable(port, &word)), || {
                std::fs::write(&guide, format!("{original}\nEdited paragraph {word}.\n")).unwrap()
            });
            edits.push(page);
            found.push(search.unwrap());
            std::thread::sleep(Duration::from_millis(300));
        }
        summary("one-guide edit", edits);
        summary("→ word findable", found);

        let template = site.join("themes/default/templates/page.html");
        std::fs::create_dir_all(template.parent().unwrap()).unwrap();
        let mut templates = Vec::new();
        for i in 0..7 {
            templates.push(
                time_change(&rx, None, || {
                    std::fs::write(
                        &template,
                        page_template.replacen(
                            "{% block main %}",
                            &format!("{{% block main %}}<!-- edit {i} -->"),
                            1,
                        ),
                    )
                    .unwrap()
                })
                .0,
            );
            std::thread::sleep(Duration::from_millis(300));
        }
        summary("template edit", templates);

        let mut news = Vec::new();
        for i in 0..7 {
            let path = site.join(format!("content/guides/new-{i}.md"));
            news.push(
                time_change(&rx, None, || {
                    std::fs::write(&path, format!("---\ntitle: New {i}\n---\n\nA new guide.\n"))
                        .unwrap()
                })
                .0,
            );
            std::thread::sleep(Duration::from_millis(300));
        }
        summary("new file", news);
        let _ = child.kill();
        let _ = child.wait();
    }
}
