//! `mendbook serve` under load, and where it listens. The load test runs for
//! 30 s, with a flood of 5,000 live-reload connections held open on top,
//! so it is ignored by default; run it with
//! `cargo test --release --test it serve_load -- --ignored --nocapture`.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::{free_port, Running, Site};

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap()
}

/// One request; the status, or why there was none.
fn fetch(port: u16, path: &str) -> Result<u16, String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok();
    write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").map_err(|e| e.to_string())?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).map_err(|e| e.to_string())?;
    let head = String::from_utf8_lossy(&buf[..buf.len().min(64)]).into_owned();
    head.split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| format!("no status line: {head:?}"))
}

fn site() -> Site {
    let mut files = vec![
        (
            "book.toml".to_string(),
            "[book]\ntitle = \"Load\"\n[site]\nbase-url = \"https://example.github.io/recovery/\"\n"
                .to_string(),
        ),
        ("content/_index.md".to_string(), "Home.\n".to_string()),
    ];
    for i in 0..50 {
        files.push((
            format!("content/guides/g{i:02}.md"),
            format!("---\ntitle: Guide {i}\n---\n\nText of guide {i}.\n"),
        ));
    }
    Site::from_owned(&files)
}

#[test]
#[ignore = "30 s of load; see the module docs for the command"]
fn two_hundred_clients_for_thirty_seconds_while_files_change() {
    let site = site();
    let port = free_port();
    let running = Running::start(
        site.root(),
        &["serve", "--port", &port.to_string()],
        "Serving at",
    );
    let pid = running.child.id();
    let paths: Vec<String> = std::iter::once("/recovery/".to_string())
        .chain(std::iter::once("/recovery/guides/".to_string()))
        .chain((0..50).map(|i| format!("/recovery/guides/g{i:02}/")))
        .collect();
    for p in &paths {
        assert_eq!(fetch(port, p), Ok(200), "{p} before the load");
    }
    std::thread::sleep(Duration::from_secs(1));
    let rss_before = rss_kib(pid);
    // The author's own page, listening for reloads through it all.
    let events = crate::common::EventStream::connect(port, "/__mendbook/events");
    // A flood of live-reload connections, held open throughout.
    const FLOOD: usize = 5_000;
    assert!(crate::common::allow_open_files(FLOOD as u64 + 2_000) >= FLOOD as u64 + 1_000);
    let flood_start = Instant::now();
    let flood = crate::common::flood_event_streams(port, FLOOD);
    println!(
        "flood: {} of {FLOOD} live-reload connections opened in {:.1} s",
        flood.len(),
        flood_start.elapsed().as_secs_f64()
    );

    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicUsize::new(0));
    let failures = Arc::new(Mutex::new(Vec::new()));
    let start = Instant::now();
    let clients: Vec<_> = (0..200)
        .map(|c| {
            let (stop, done, failures, paths) =
                (stop.clone(), done.clone(), failures.clone(), paths.clone());
            std::thread::spawn(move || {
                let mut i = c;
                while !stop.load(Ordering::Relaxed) {
                    let path = &paths[i % paths.len()];
                    match fetch(port, path) {
                        Ok(200) => {}
                        other => failures.lock().unwrap().push(format!("{path}: {other:?}")),
                    }
                    done.fetch_add(1, Ordering::Relaxed);
                    i += 7;
                }
            })
        })
        .collect();
    // An author saving a guide every 100 ms throughout.
    let mut edits = 0;
    while start.elapsed() < Duration::from_secs(30) {
        let i = edits % 50;
        site.write(
            &format!("content/guides/g{i:02}.md"),
            &format!("---\ntitle: Guide {i}\n---\n\nText of guide {i}, edit {edits}.\n"),
        );
        edits += 1;
        std::thread::sleep(Duration::from_millis(100));
    }
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().unwrap();
    }
    // Rebuilds kept reaching the author's page.
    let mut reloads = 0;
    while let Ok((event, _)) = events.rx.try_recv() {
        reloads += usize::from(event == "reload");
    }
    drop(flood);
    let elapsed = start.elapsed();
    std::thread::sleep(Duration::from_secs(1));
    let rss_after = rss_kib(pid);
    let requests = done.load(Ordering::Relaxed);
    let failures = failures.lock().unwrap();
    println!(
        "{requests} requests in {:.1} s ({:.0}/s) by 200 clients, {edits} edits, \
         {reloads} reloads seen; {} failed; serve RSS {:.1} MiB before, {:.1} MiB after",
        elapsed.as_secs_f64(),
        requests as f64 / elapsed.as_secs_f64(),
        failures.len(),
        rss_before as f64 / 1024.0,
        rss_after as f64 / 1024.0
    );
    assert!(
        failures.is_empty(),
        "{} failed, e.g. {:?}",
        failures.len(),
        &failures[..failures.len().min(5)]
    );
    assert!(requests > 10_000, "only {requests} requests");
    assert!(
        reloads > edits / 4,
        "only {reloads} reloads for {edits} edits"
    );
    assert!(
        rss_after < rss_before * 2 + 20 * 1024,
        "memory grew from {rss_before} KiB to {rss_after} KiB"
    );
}

#[test]
fn serve_listens_on_loopback_only_by_default() {
    let site = site();
    let port = free_port();
    let _running = Running::start(
        site.root(),
        &["serve", "--port", &port.to_string()],
        "Serving at",
    );
    // The kernel's table of listening sockets: local address, hex, as
    // ADDR:PORT; 0100007F is 127.0.0.1, state 0A is LISTEN.
    let table = std::fs::read_to_string("/proc/net/tcp").unwrap()
        + &std::fs::read_to_string("/proc/net/tcp6").unwrap_or_default();
    let ours: Vec<&str> = table
        .lines()
        .filter(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            f.len() > 3 && f[3] == "0A" && f[1].ends_with(&format!(":{port:04X}"))
        })
        .collect();
    assert!(!ours.is_empty(), "nothing listens on {port}");
    for l in ours {
        let local = l.split_whitespace().nth(1).unwrap();
        assert!(
            local.starts_with("0100007F:")
                || local.starts_with("00000000000000000000000001000000:"),
            "listening beyond loopback: {l}"
        );
    }
}
