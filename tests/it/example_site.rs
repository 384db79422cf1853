//! The repository's own site builds cleanly and has no broken link when
//! served under /recovery/, as on GitHub Pages.

use crate::common::{crawl, mendbook, Run, StaticServer};

#[test]
fn the_example_site_builds_without_warnings_and_links_resolve_under_a_prefix() {
    let repo = env!("CARGO_MANIFEST_DIR");
    let out = tempfile::tempdir().unwrap();
    let run = Run::from(
        mendbook()
            .args(["build", "--root", repo, "--out"])
            .arg(out.path())
            .env("NO_COLOR", "1")
            .output()
            .unwrap(),
    );
    assert!(run.ok(), "{}", run.all());
    assert!(run.stderr.is_empty(), "warnings: {}", run.all());

    let server = StaticServer::start(out.path(), "/recovery/");
    let result = crawl(server.port, "/recovery/");
    assert!(
        result.broken.is_empty(),
        "broken links: {:#?}",
        result.broken
    );
    let guides = result
        .ok
        .iter()
        .filter(|p| {
            p.matches('/').count() == 4
                && !p.starts_with("/recovery/tags/")
                && !p.starts_with("/recovery/mendbook/")
        })
        .count();
    assert!(
        guides >= 5,
        "at least five guides are reachable: {:#?}",
        result.ok
    );
    let home = std::fs::read_to_string(out.path().join("index.html")).unwrap();
    assert!(
        home.contains("Spark Hire"),
        "the home page credits the source article"
    );
    let apologize =
        std::fs::read_to_string(out.path().join("recover/apologize/index.html")).unwrap();
    assert!(
        apologize.contains(
            "href=\"https://github.com/mendbook/mendbook/edit/main/content/recover/apologize.md\""
        ),
        "guides link to their source on GitHub"
    );
    assert!(out.path().join("feed.xml").is_file());

    // The default theme's own CSS and JavaScript (not the search bundle)
    // stay light for readers on a phone: under 30 KB gzipped in all.
    let mut gzipped = 0;
    for entry in std::fs::read_dir(out.path().join("mendbook")).unwrap() {
        let path = entry.unwrap().path();
        if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("css" | "js")
        ) {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
            std::io::Write::write_all(&mut gz, &std::fs::read(&path).unwrap()).unwrap();
            gzipped += gz.finish().unwrap().len();
        }
    }
    assert!(gzipped > 1000, "the theme's files were measured");
    assert!(
        gzipped < 30 * 1024,
        "theme CSS and JS is {gzipped} bytes gzipped"
    );
}
