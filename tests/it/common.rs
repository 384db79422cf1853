//! Helpers shared by the integration tests: fixture sites in temporary
//! folders, the real binary, and a plain static file server with a crawler.

#![allow(dead_code)]

use std::collections::{BTreeSet, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use assert_cmd::Command;

/// A site in a temporary folder.
pub struct Site {
    pub dir: tempfile::TempDir,
}

impl Site {
    /// A site with a book.toml (title only unless `book_toml` is given) and files.
    pub fn new(files: &[(&str, &str)]) -> Site {
        let dir = tempfile::tempdir().expect("temp dir");
        let site = Site { dir };
        if !files.iter().any(|(p, _)| *p == "book.toml") {
            site.write("book.toml", "[book]\ntitle = \"Test site\"\n");
        }
        for (path, text) in files {
            site.write(path, text);
        }
        site
    }

    /// [`Site::new`] for generated files.
    pub fn from_owned(files: &[(String, String)]) -> Site {
        let borrowed: Vec<(&str, &str)> = files
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        Site::new(&borrowed)
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) {
        self.write_bytes(rel, text.as_bytes());
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("reading {rel}: {e}"))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.path(rel).exists()
    }

    /// Runs mendbook with `args` in the site's folder.
    pub fn run(&self, args: &[&str]) -> Run {
        let output = mendbook()
            .args(args)
            .current_dir(self.root())
            .env("NO_COLOR", "1")
            .output()
            .expect("run mendbook");
        Run::from(output)
    }

    pub fn build(&self) -> Run {
        self.run(&["build"])
    }

    /// Builds and panics with the output if the build failed.
    pub fn build_ok(&self) -> Run {
        let run = self.build();
        assert!(run.ok(), "build failed:\n{}", run.all());
        run
    }

    /// Every file under `dir` with its bytes, for before/after comparisons.
    pub fn snapshot(&self, dir: &str) -> Vec<(String, Vec<u8>)> {
        let root = self.path(dir);
        let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(&root)
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e.path().strip_prefix(&root).unwrap().display().to_string();
                (rel, std::fs::read(e.path()).unwrap())
            })
            .collect();
        files.sort();
        files
    }
}

pub fn mendbook() -> Command {
    Command::cargo_bin("mendbook").expect("the mendbook binary")
}

/// What a run of the binary printed and how it exited.
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code(),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Run {
    pub fn ok(&self) -> bool {
        self.code == Some(0)
    }

    /// Asserts the run succeeded.
    pub fn succeeds(&self) -> &Self {
        assert!(self.ok(), "{}", self.all());
        self
    }

    pub fn all(&self) -> String {
        format!("--- stdout\n{}\n--- stderr\n{}", self.stdout, self.stderr)
    }

    /// Asserts the run failed with `code` and printed no panic.
    pub fn fails_with(&self, code: i32) -> &Self {
        assert_eq!(self.code, Some(code), "{}", self.all());
        assert!(!self.stderr.contains("panicked"), "{}", self.all());
        assert!(!self.stderr.contains("RUST_BACKTRACE"), "{}", self.all());
        self
    }

    pub fn stdout_has(&self, text: &str) -> &Self {
        assert!(
            self.stdout.contains(text),
            "expected {text:?} in stdout:\n{}",
            self.all()
        );
        self
    }

    pub fn stderr_has(&self, text: &str) -> &Self {
        assert!(
            self.stderr.contains(text),
            "expected {text:?} in stderr:\n{}",
            self.all()
        );
        self
    }
}

/// A plain static file server, like GitHub Pages: serves `dir` under `prefix`,
/// `index.html` for folders, a redirect for a folder without its slash, 404
/// otherwise. Stops when dropped.
pub struct StaticServer {
    pub port: u16,
    stop: Arc<AtomicBool>,
}

impl StaticServer {
    pub fn start(dir: &Path, prefix: &str) -> StaticServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let (dir, prefix, stop2) = (dir.to_path_buf(), prefix.to_string(), stop.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(s) = stream {
                    let _ = serve_one(s, &dir, &prefix);
                }
            }
        });
        StaticServer { port, stop }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{}", self.port, path)
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn serve_one(mut s: TcpStream, dir: &Path, prefix: &str) -> std::io::Result<()> {
    let mut reader = BufReader::new(s.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? <= 2 {
            break;
        }
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let path = path.split(['?', '#']).next().unwrap_or("").to_string();
    let decoded = percent_decode(&path);
    let respond =
        |s: &mut TcpStream, status: &str, extra: &str, body: &[u8]| -> std::io::Result<()> {
            write!(
                s,
                "HTTP/1.0 {status}\r\nContent-Length: {}\r\n{extra}Connection: close\r\n\r\n",
                body.len()
            )?;
            s.write_all(body)
        };
    let Some(rel) = decoded.strip_prefix(prefix) else {
        return respond(&mut s, "404 Not Found", "", b"not under the prefix");
    };
    if rel.split('/').any(|seg| seg == "..") {
        return respond(&mut s, "400 Bad Request", "", b"");
    }
    let file = dir.join(rel);
    if file.is_dir() {
        if !decoded.ends_with('/') {
            return respond(
                &mut s,
                "301 Moved Permanently",
                &format!("Location: {path}/\r\n"),
                b"",
            );
        }
        match std::fs::read(file.join("index.html")) {
            Ok(body) => respond(&mut s, "200 OK", "", &body),
            Err(_) => respond(&mut s, "404 Not Found", "", b""),
        }
    } else {
        match std::fs::read(&file) {
            Ok(body) => respond(&mut s, "200 OK", "", &body),
            Err(_) => respond(&mut s, "404 Not Found", "", b""),
        }
    }
}

pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) =
                u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("zz"), 16)
            {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// GETs a URL path on 127.0.0.1:port; returns (status, headers, body).
pub fn get(port: u16, path: &str) -> (u16, String, Vec<u8>) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let split = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(buf.len());
    let head = String::from_utf8_lossy(&buf[..split]).into_owned();
    let body = buf.get(split + 4..).unwrap_or(&[]).to_vec();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, head, body)
}

/// Every `href` and `src` in an HTML page.
pub fn links_in(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            let after = &rest[i + attr.len()..];
            if let Some(end) = after.find('"') {
                out.push(after[..end].replace("&amp;", "&"));
            }
            rest = after;
        }
    }
    out
}

/// Resolves `link` against the URL path `base` (both without host).
pub fn resolve(base: &str, link: &str) -> String {
    let link = link.split('#').next().unwrap_or("");
    if link.is_empty() {
        return base.to_string();
    }
    if link.starts_with('/') {
        return normalise(link);
    }
    let dir = &base[..base.rfind('/').map(|i| i + 1).unwrap_or(0)];
    normalise(&format!("{dir}{link}"))
}

fn normalise(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let segs: Vec<&str> = path.split('/').collect();
    for (i, seg) in segs.iter().enumerate() {
        match *seg {
            "." => {
                if i == segs.len() - 1 {
                    parts.push("");
                }
            }
            ".." => {
                parts.pop();
                if i == segs.len() - 1 {
                    parts.push("");
                }
            }
            "" if i != 0 && i != segs.len() - 1 => {}
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    if joined.starts_with('/') {
        joined
    } else {
        format!("/{joined}")
    }
}

/// The result of crawling a site from a start page.
#[derive(Debug, Default)]
pub struct Crawl {
    /// URL paths fetched successfully.
    pub ok: BTreeSet<String>,
    /// (page, link, status) for every internal link that did not answer 200.
    pub broken: Vec<(String, String, u16)>,
}

/// Follows every internal link and asset from `start` (a URL path) and
/// reports the ones that do not answer 200 (redirects are followed).
pub fn crawl(port: u16, start: &str) -> Crawl {
    let mut crawl = Crawl::default();
    let mut queue: VecDeque<(String, String)> =
        VecDeque::from([("(start)".to_string(), start.to_string())]);
    let mut seen = BTreeSet::new();
    while let Some((from, path)) = queue.pop_front() {
        if !seen.insert(path.clone()) {
            continue;
        }
        let (mut status, mut head, mut body) = get(port, &path);
        let mut final_path = path.clone();
        let mut hops = 0;
        while (status == 301 || status == 302) && hops < 5 {
            let loc = head
                .lines()
                .find_map(|l| l.strip_prefix("Location: "))
                .unwrap_or("/")
                .trim()
                .to_string();
            final_path = resolve(&final_path, &loc);
            (status, head, body) = get(port, &final_path);
            hops += 1;
        }
        if status != 200 {
            crawl.broken.push((from, path, status));
            continue;
        }
        crawl.ok.insert(path.clone());
        if final_path.ends_with('/') || final_path.ends_with(".html") {
            let html = String::from_utf8_lossy(&body);
            for link in links_in(&html) {
                if link.starts_with("http:")
                    || link.starts_with("https:")
                    || link.starts_with("mailto:")
                    || link.starts_with('#')
                {
                    continue;
                }
                let target = resolve(&final_path, &link);
                queue.push_back((final_path.clone(), target));
            }
        }
    }
    crawl
}

/// A free port on loopback (bound and released; good enough for tests).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A long-running mendbook (`serve` or `watch`), killed when dropped.
pub struct Running {
    pub child: std::process::Child,
    pub lines: std::sync::mpsc::Receiver<String>,
    pub log: Arc<std::sync::Mutex<Vec<String>>>,
}

impl Running {
    /// Starts mendbook with `args` in `dir` and waits until it prints a line
    /// containing `ready`.
    pub fn start(dir: &Path, args: &[&str], ready: &str) -> Running {
        use std::process::{Command as Std, Stdio};
        let bin = assert_cmd::cargo::cargo_bin("mendbook");
        let mut child = Std::new(bin)
            .args(args)
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start mendbook");
        let (tx, rx) = std::sync::mpsc::channel();
        let log = Arc::new(std::sync::Mutex::new(Vec::new()));
        for out in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
            Box::new(child.stderr.take().unwrap()) as Box<dyn Read + Send>,
        ] {
            let (tx, log) = (tx.clone(), log.clone());
            std::thread::spawn(move || {
                for line in BufReader::new(out).lines().map_while(Result::ok) {
                    log.lock().unwrap().push(line.clone());
                    let _ = tx.send(line);
                }
            });
        }
        let running = Running {
            child,
            lines: rx,
            log,
        };
        running.wait_for_line(ready, std::time::Duration::from_secs(60));
        running
    }

    /// Waits for an output line containing `text`; panics with the log on timeout.
    pub fn wait_for_line(&self, text: &str, timeout: std::time::Duration) -> String {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.contains(text) => return line,
                Ok(_) => continue,
                Err(_) => panic!(
                    "no line containing {text:?}; output so far:\n{}",
                    self.log.lock().unwrap().join("\n")
                ),
            }
        }
    }

    pub fn output(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A Server-Sent Events connection: (event, data) pairs as they arrive.
pub struct EventStream {
    pub rx: std::sync::mpsc::Receiver<(String, String)>,
}

impl EventStream {
    pub fn connect(port: u16, path: &str) -> EventStream {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let reader = BufReader::new(s);
            let mut event = String::new();
            for line in reader.lines().map_while(Result::ok) {
                // Chunked encoding puts size lines between events; skip them.
                if let Some(e) = line.strip_prefix("event: ") {
                    event = e.to_string();
                } else if let Some(d) = line.strip_prefix("data: ") {
                    if tx.send((event.clone(), d.to_string())).is_err() {
                        break;
                    }
                }
            }
        });
        EventStream { rx }
    }

    /// The next event named `name` within `timeout` (others are skipped).
    pub fn expect(&self, name: &str, timeout: std::time::Duration) -> String {
        let deadline = std::time::Instant::now() + timeout;
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.rx.recv_timeout(left) {
                Ok((e, d)) if e == name => return d,
                Ok(other) => seen.push(other),
                Err(_) => panic!("no `{name}` event within {timeout:?}; saw {seen:?}"),
            }
        }
    }
}

/// Lets this test process open `want` files, as far as the system allows.
pub fn allow_open_files(want: u64) -> u64 {
    unsafe {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit);
        limit.rlim_cur = want.min(limit.rlim_max);
        libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit);
        limit.rlim_cur
    }
}

/// Opens `n` connections asking for the live-reload stream and keeps them
/// open, as a flood would; returns those that connected.
pub fn flood_event_streams(port: u16, n: usize) -> Vec<TcpStream> {
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..8)
            .map(|_| {
                scope.spawn(move || {
                    let mut held = Vec::new();
                    for _ in 0..n / 8 {
                        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
                        let Ok(mut s) =
                            TcpStream::connect_timeout(&addr, std::time::Duration::from_secs(5))
                        else {
                            continue;
                        };
                        let _ = write!(
                            s,
                            "GET /__mendbook/events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n"
                        );
                        held.push(s);
                    }
                    held
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    })
}
