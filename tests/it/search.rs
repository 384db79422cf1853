//! The search index built by the real binary: which pages it covers, what it
//! records of each, that it follows edits without leaving stale files, and
//! that `search = false` leaves it out. (Searching in a browser is in
//! tests/browser.)

use std::io::Read;

use crate::common::Site;

const TREE: &str = r#"title: Can you recover?
description: Two questions, then a plan.
nodes:
  kind:
    type: question
    text: What kind of mistake was it?
    options:
      - { id: honest, label: "An honest mistake", next: relationships }
      - { id: broke-rules, label: "I broke a rule", next: relationships }
  relationships:
    type: question
    text: How strong are your relationships at work?
    options:
      - { id: strong, label: Strong }
      - { id: shaky, label: Shaky }
    next:
      - if: { kind: honest, relationships: strong }
        go: apologize
      - go: rebuild
  apologize:
    type: info
    title: First, apologize
    body: Say sorry without blame.
    next: plan
  plan:
    type: outcome
    title: Apologize, explain, then move on
    steps:
      - Apologize sincerely.
  rebuild:
    type: outcome
    title: Rebuild trust slowly
    body: Take it one promise at a time.
"#;

fn site(book: &str) -> Site {
    Site::new(&[
        ("book.toml", book),
        ("content/_index.md", "Home.\n"),
        (
            "content/recover/_index.md",
            "---\ntitle: Recovering\n---\nSection text.\n",
        ),
        ("content/recover/flow.yaml", TREE),
        (
            "content/recover/apologize.md",
            "---\ntitle: Apologize well\ntags: [apology, trust]\n---\n\nSay it once, plainly, with no excuses.\n",
        ),
        (
            "content/recover/move-on.md",
            "---\ntitle: Move on\n---\n\nLet the mistake go.\n",
        ),
    ])
}

const BOOK: &str = "[book]\ntitle = \"Search\"\n";

/// Every record of the index: pagefind's fragments, unzipped.
fn fragments(site: &Site) -> Vec<serde_json::Value> {
    let dir = site.path("public/pagefind/fragment");
    let mut all = Vec::new();
    for entry in std::fs::read_dir(dir).expect("the bundle has fragments") {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let mut text = String::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_string(&mut text)
            .unwrap();
        let json = text
            .strip_prefix("pagefind_dcd")
            .expect("pagefind's marker");
        all.push(serde_json::from_str(json).unwrap());
    }
    all.sort_by_key(|f: &serde_json::Value| f["url"].as_str().unwrap_or("").to_string());
    all
}

fn urls(fragments: &[serde_json::Value]) -> Vec<&str> {
    fragments
        .iter()
        .map(|f| f["url"].as_str().unwrap())
        .collect()
}

#[test]
fn guides_tree_starts_and_each_outcome_once_are_indexed() {
    let site = site(BOOK);
    site.build_ok();
    let found = fragments(&site);
    assert_eq!(
        urls(&found),
        [
            "/recover/apologize/",
            "/recover/flow/",
            "/recover/flow/honest/shaky/",
            "/recover/flow/honest/strong/apologize/",
            "/recover/move-on/",
        ],
        "guides, the tree's first step and each outcome at its first path; \
         not sections, the home page, later questions or info steps"
    );
    let entry: serde_json::Value =
        serde_json::from_str(&site.read("public/pagefind/pagefind-entry.json")).unwrap();
    assert_eq!(entry["languages"]["en"]["page_count"], 5);
    assert!(site.exists("public/pagefind/pagefind.js"));
}

#[test]
fn records_carry_title_kind_section_and_tags_and_only_the_content() {
    let site = site(BOOK);
    site.build_ok();
    let found = fragments(&site);
    let get = |url: &str| found.iter().find(|f| f["url"] == url).unwrap();

    let guide = get("/recover/apologize/");
    assert_eq!(guide["meta"]["title"], "Apologize well");
    assert_eq!(guide["meta"]["kind"], "Guide");
    assert_eq!(guide["filters"]["section"][0], "Recovering");
    assert_eq!(
        guide["filters"]["tag"],
        serde_json::json!(["apology", "trust"])
    );
    let text = guide["content"].as_str().unwrap();
    assert!(text.contains("Say it once, plainly"), "{text}");
    assert!(
        !text.contains("Move on") && !text.contains("Skip to main content"),
        "navigation is not indexed: {text}"
    );

    let tree = get("/recover/flow/");
    assert_eq!(tree["meta"]["title"], "Can you recover?");
    assert_eq!(tree["meta"]["kind"], "Decision tree");
    assert_eq!(tree["filters"]["section"][0], "Recovering");

    let outcome = get("/recover/flow/honest/shaky/");
    assert_eq!(outcome["meta"]["title"], "Rebuild trust slowly");
    assert_eq!(outcome["meta"]["kind"], "Outcome of “Can you recover?”");
    let text = outcome["content"].as_str().unwrap();
    assert!(text.contains("one promise at a time"), "{text}");
    assert!(
        !text.contains("Change") && !text.contains("Start again"),
        "the answers summary and flow links are not indexed: {text}"
    );
}

#[test]
fn the_search_page_and_header_form_point_into_the_site() {
    let site = site(BOOK);
    site.build_ok();
    let page = site.read("public/search/index.html");
    assert!(
        page.contains("data-bundle=\"../pagefind/pagefind.js\""),
        "{page}"
    );
    assert!(page.contains("mendbook/search.js"), "{page}");
    let guide = site.read("public/recover/apologize/index.html");
    assert!(
        guide.contains("<form class=\"site-search\" role=\"search\" action=\"../../search/\""),
        "{guide}"
    );
}

#[test]
fn an_edit_replaces_the_index_without_leaving_stale_files() {
    let site = site(BOOK);
    site.build_ok();
    site.write(
        "content/recover/move-on.md",
        "---\ntitle: Move on\n---\n\nLet the mistake go, and get back to good work.\n",
    );
    site.build_ok();
    let found = fragments(&site);
    assert_eq!(found.len(), 5, "one fragment per page, none left over");
    let move_on = found
        .iter()
        .find(|f| f["url"] == "/recover/move-on/")
        .unwrap();
    assert!(move_on["content"]
        .as_str()
        .unwrap()
        .contains("back to good work"));
}

#[test]
fn search_can_be_turned_off() {
    let site = site("[book]\ntitle = \"Search\"\n[build]\nsearch = false\n");
    site.build_ok();
    assert!(!site.exists("public/pagefind"));
    assert!(!site.exists("public/search"));
    let guide = site.read("public/recover/apologize/index.html");
    assert!(!guide.contains("site-search"), "no search box: {guide}");
}

#[test]
fn a_page_cannot_take_the_search_page_address() {
    let site = site(BOOK);
    site.write("content/search.md", "---\ntitle: Search tips\n---\nText.\n");
    site.build()
        .fails_with(1)
        .stderr_has("content/search.md")
        .stderr_has("mendbook's search page");
}

/// The site, its search index split into shards of two pages (five pages
/// are searched, so three shards).
fn sharded() -> Site {
    site("[book]\ntitle = \"Search\"\n[build]\nsearch-shard-size = 2\n")
}

/// The folders of the shards that hold pages, as the search page lists
/// them: the one with the scripts, then those it merges.
fn shard_dirs(site: &Site) -> Vec<String> {
    let page = site.read("public/search/index.html");
    let attribute = |name: &str| {
        page.split(&format!("{name}=\""))
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_else(|| panic!("the search page has {name}: {page}"))
            .to_string()
    };
    let site_path = |d: &str| format!("public/{}", d.trim_start_matches("../"));
    let primary = attribute("data-bundle")
        .trim_end_matches("pagefind.js")
        .to_string();
    std::iter::once(site_path(&primary))
        .chain(attribute("data-merge").split_whitespace().map(site_path))
        .collect()
}

/// Every file of the bundle: path, and what says whether it was written
/// again (inode and modification time).
fn bundle_files(site: &Site) -> Vec<(String, u64, std::time::SystemTime)> {
    use std::os::unix::fs::MetadataExt;
    let mut files: Vec<_> = walkdir::WalkDir::new(site.path("public/pagefind"))
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let m = e.metadata().unwrap();
            (
                e.path().display().to_string(),
                m.ino(),
                m.modified().unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// The words shard `dir` (a folder under the site) can find.
fn words_in(site: &Site, dir: &str) -> String {
    assert!(
        site.exists(&format!("{dir}pagefind-entry.json")),
        "{dir} has an index"
    );
    indexed_words(|file| std::fs::read(site.path(&format!("{dir}{file}"))).ok())
}

#[test]
fn a_big_site_is_indexed_in_shards_that_the_search_page_merges() {
    let site = sharded();
    site.build_ok();
    let dirs = shard_dirs(&site);
    assert!(dirs.len() >= 2, "several shards to merge: {dirs:?}");
    let mut counts = Vec::new();
    for dir in &dirs {
        let entry: serde_json::Value =
            serde_json::from_str(&site.read(&format!("{dir}pagefind-entry.json"))).unwrap();
        counts.push(entry["languages"]["en"]["page_count"].as_u64().unwrap());
    }
    assert_eq!(
        counts.iter().sum::<u64>(),
        5,
        "each page in one shard: {counts:?}"
    );
    // Here the first shard happens to be empty: the scripts go with the
    // first that has pages, and the search page loads that one.
    assert_ne!(dirs[0], "public/pagefind/", "the case this test is for");
    assert!(site.exists(&format!("{}pagefind.js", dirs[0])));
    for dir in &dirs[1..] {
        assert!(
            !site.exists(&format!("{dir}pagefind.js")),
            "the scripts come once, with the first shard"
        );
    }
    let words: String = dirs.iter().map(|d| words_in(&site, d)).collect();
    for word in ["plain", "promis", "mistak"] {
        assert!(words.contains(word), "`{word}` is findable");
    }
}

#[test]
fn a_rebuild_with_nothing_changed_writes_no_bundle_file() {
    let site = sharded();
    site.build_ok();
    let before = bundle_files(&site);
    assert!(before.len() > 10, "{before:?}");
    site.run(&["build", "-v"])
        .succeeds()
        .stderr_has("search index: 0 of 3 shards indexed")
        .stdout_has("(0 files written");
    assert_eq!(
        bundle_files(&site),
        before,
        "not one bundle file written again"
    );
}

#[test]
fn an_edit_reindexes_only_the_shard_holding_the_page() {
    let site = sharded();
    site.build_ok();
    let before = bundle_files(&site);
    site.write(
        "content/recover/move-on.md",
        "---\ntitle: Move on\n---\n\nLet the mistake go, like a holiday in Zanzibar.\n",
    );
    site.run(&["build", "-v"])
        .succeeds()
        .stderr_has("search index: 1 of 3 shards indexed");
    let after = bundle_files(&site);
    let holding: Vec<String> = shard_dirs(&site)
        .into_iter()
        .filter(|d| words_in(&site, d).contains("zanzibar"))
        .collect();
    assert_eq!(
        holding.len(),
        1,
        "the new word is in one shard: {holding:?}"
    );
    let shard = holding[0].trim_start_matches("public/");
    let in_shard = |path: &str| {
        let rel = &path[path.find("pagefind/").unwrap()..];
        rel.starts_with(shard) && (shard.contains("shard-") || !rel.contains("shard-"))
    };
    let untouched = |files: &[(String, u64, std::time::SystemTime)]| {
        files
            .iter()
            .filter(|f| !in_shard(&f.0))
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(
        untouched(&after),
        untouched(&before),
        "other shards are kept as they were"
    );
    assert_ne!(after, before);
}

#[test]
fn a_shard_file_removed_by_hand_is_made_again() {
    let site = sharded();
    site.build_ok();
    let entry = format!("{}pagefind-entry.json", shard_dirs(&site)[1]);
    std::fs::remove_file(site.path(&entry)).unwrap();
    site.run(&["build", "-v"])
        .succeeds()
        .stderr_has("search index: 1 of 3 shards indexed");
    assert!(site.exists(&entry));
}

#[test]
fn the_shard_size_must_be_a_whole_number() {
    let site = site("[book]\ntitle = \"Search\"\n[build]\nsearch-shard-size = 0\n");
    site.build()
        .fails_with(1)
        .stderr_has("book.toml:4:1")
        .stderr_has("`search-shard-size` must be a whole number from 1 to 1000000, not 0");
}

/// The words a pagefind bundle can find, as pagefind's reader would load
/// them: the entry names the language's meta file, the meta names the
/// index chunks, and the chunks hold the (stemmed) words. `fetch` gets a
/// file of the bundle by its path inside it (from disk, or over HTTP).
pub fn indexed_words(fetch: impl Fn(&str) -> Option<Vec<u8>>) -> String {
    let unzip = |bytes: Vec<u8>| -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_end(&mut out)
            .expect("pagefind files are gzipped");
        out
    };
    let entry: serde_json::Value =
        serde_json::from_slice(&fetch("pagefind-entry.json").expect("the bundle has an entry"))
            .expect("the entry is JSON");
    let mut words = String::new();
    for language in entry["languages"].as_object().expect("languages") {
        let hash = language.1["hash"].as_str().expect("a meta hash");
        let meta = unzip(fetch(&format!("pagefind.{hash}.pf_meta")).expect("the meta file"));
        // The meta is CBOR; chunk names are its strings `<lang>_<hex>`.
        let text = String::from_utf8_lossy(&meta).into_owned();
        let prefix = format!("{}_", language.0);
        let mut rest = text.as_str();
        while let Some(at) = rest.find(&prefix) {
            let name: String = rest[at..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            rest = &rest[at + name.len()..];
            if let Some(chunk) = fetch(&format!("index/{name}.pf_index")) {
                words.push_str(&String::from_utf8_lossy(&unzip(chunk)));
                words.push('\n');
            }
        }
    }
    words
}

/// The index chunks of the primary bundle.
fn chunk_count(site: &Site) -> usize {
    std::fs::read_dir(site.path("public/pagefind/index"))
        .unwrap()
        .count()
}

#[test]
fn chunks_are_small_since_a_query_fetches_one_from_every_shard() {
    // One page of 6,000 different words: about 12,000 of pagefind's units.
    let words: Vec<String> = (0..6000).map(|i| format!("zq{i}x")).collect();
    let site = Site::new(&[
        ("book.toml", "[book]\ntitle = \"Chunks\"\n"),
        ("content/_index.md", "Home.\n"),
        (
            "content/many.md",
            &format!("---\ntitle: Many words\n---\n\n{}\n", words.join(" ")),
        ),
    ]);
    site.build_ok();
    let small = chunk_count(&site);
    assert!(
        small >= 3,
        "mendbook's chunk size splits the words: {small} chunks"
    );

    // A chunk size the user sets wins, and changing it re-indexes.
    let run = crate::common::Run::from(
        crate::common::mendbook()
            .args(["build", "-v"])
            .current_dir(site.root())
            .env("PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE", "100000")
            .output()
            .unwrap(),
    );
    assert!(run.ok(), "{}", run.all());
    run.stderr_has("search index: 1 of 1 shards indexed");
    assert_eq!(chunk_count(&site), 1, "pagefind got the user's chunk size");
}
