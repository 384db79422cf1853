//! The translated theme: the shipped tables agree with English, templates
//! and scripts use only keys that exist, the site's `language` picks the
//! table, `[translations]` overrides it, and mistakes point at book.toml.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::common::Site;

const LANGUAGES: [&str; 5] = ["en", "fr", "de", "es", "nl"];

fn theme_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default"))
}

/// A table's strings by dotted key; a plural entry's forms as `key#form`,
/// `date.months` as one string.
fn table(language: &str) -> BTreeMap<String, String> {
    let path = theme_dir().join(format!("translations/{language}.toml"));
    let text = std::fs::read_to_string(&path).unwrap();
    let value: toml::Table = toml::from_str(&text).unwrap();
    let mut out = BTreeMap::new();
    flatten("", &value, &mut out);
    out
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut BTreeMap<String, String>) {
    for (k, v) in table {
        let key = format!("{prefix}{k}");
        match v {
            toml::Value::Table(t) if t.contains_key("one") || t.contains_key("other") => {
                for (form, text) in t {
                    out.insert(format!("{key}#{form}"), text.as_str().unwrap().into());
                }
            }
            toml::Value::Table(t) => flatten(&format!("{key}."), t, out),
            toml::Value::Array(items) => {
                let items: Vec<&str> = items.iter().map(|i| i.as_str().unwrap()).collect();
                assert_eq!(items.len(), 12, "{key} has twelve months");
                out.insert(key, items.join(", "));
            }
            v => {
                out.insert(key, v.as_str().expect("text").to_string());
            }
        }
    }
}

/// The dotted keys of a table (plural forms folded into their key).
fn keys(table: &BTreeMap<String, String>) -> BTreeSet<String> {
    table
        .keys()
        .map(|k| k.split('#').next().unwrap().to_string())
        .collect()
}

fn placeholders(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (i, _) in text.match_indices('{') {
        let rest = &text[i + 1..];
        if let Some(end) = rest.find('}') {
            let name = &rest[..end];
            if !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                found.insert(name.to_string());
            }
        }
    }
    found
}

#[test]
fn every_shipped_table_has_exactly_the_english_keys_and_placeholders() {
    let english = table("en");
    let mut problems = Vec::new();
    for language in &LANGUAGES[1..] {
        let other = table(language);
        for key in english.keys().filter(|k| !other.contains_key(*k)) {
            problems.push(format!("{language}.toml lacks {key}"));
        }
        for key in other.keys().filter(|k| !english.contains_key(*k)) {
            problems.push(format!("{language}.toml has {key}, which en.toml does not"));
        }
        for (key, text) in &other {
            let Some(en) = english.get(key) else { continue };
            if text.trim().is_empty() {
                problems.push(format!("{language}.toml: {key} is empty"));
            }
            if placeholders(en) != placeholders(text) {
                problems.push(format!(
                    "{language}.toml: {key} has {:?}, en.toml {:?}",
                    placeholders(text),
                    placeholders(en)
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

/// Every `t.a.b` a template names, every string search.js asks for, and
/// every key Rust code looks up, as dotted keys.
fn keys_used() -> Vec<(String, String)> {
    let mut used = Vec::new();
    for entry in std::fs::read_dir(theme_dir().join("templates")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        for (i, _) in text.match_indices("t.") {
            let before = text[..i].chars().next_back().unwrap_or(' ');
            if before.is_alphanumeric() || before == '_' || before == '.' {
                continue;
            }
            let key: String = text[i + 2..]
                .chars()
                .take_while(|c| {
                    c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_' || *c == '.'
                })
                .collect();
            used.push((name.clone(), key.trim_end_matches('.').to_string()));
        }
    }
    let js = std::fs::read_to_string(theme_dir().join("static/mendbook/search.js")).unwrap();
    for part in js
        .split("say(\"")
        .skip(1)
        .chain(js.split("strings.").skip(1))
    {
        let key: String = part
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || *c == '_')
            .collect();
        used.push(("search.js".into(), format!("search.{key}")));
    }
    // Text made in Rust: `tr.text("map.or")`, `tr.fill("map.title", …)`.
    let src = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src"));
    for entry in walkdir::WalkDir::new(src).into_iter().flatten() {
        if entry.path().extension().is_none_or(|x| x != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let name = entry.path().display().to_string();
        for call in [".text(", ".fill(", " t("] {
            for part in text.split(call).skip(1) {
                let Some(literal) = part.trim_start().strip_prefix('"') else {
                    continue;
                };
                let key = literal.split('"').next().unwrap();
                if key.contains('.') && !key.contains(' ') {
                    used.push((name.clone(), key.to_string()));
                }
            }
        }
    }
    used
}

#[test]
fn templates_and_scripts_use_only_keys_that_exist() {
    let keys = keys(&table("en"));
    let used = keys_used();
    assert!(used.len() > 60, "the templates use the tables: {used:?}");
    let missing: Vec<&(String, String)> = used
        .iter()
        .filter(|(_, k)| !keys.contains(k) && !k.ends_with("search") && k != "search.")
        .filter(|(_, k)| {
            !keys.iter().any(|have| have.starts_with(&format!("{k}."))) || k.is_empty()
        })
        .collect();
    assert!(missing.is_empty(), "keys that do not exist: {missing:?}");
}

#[test]
fn the_readme_lists_every_translation_key() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme.find("### Translations").expect("the section");
    let section = &readme[start..start + readme[start..].find("\n### Template").unwrap()];
    let listed: BTreeSet<String> = section
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .map(str::to_string)
        .collect();
    assert_eq!(listed, keys(&table("en")));
}

const TREE: &str = r#"title: Can you recover?
description: Two questions, then a plan.
nodes:
  kind:
    type: question
    text: What kind of mistake was it?
    options:
      - { id: honest, label: "An honest mistake", next: size }
      - { id: rules, label: "I broke a rule", next: size }
  size:
    type: question
    text: How big was it?
    options:
      - { id: small, label: Small, next: apologize }
      - { id: big, label: Big, next: rebuild }
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
    guides:
      - ../guides/apologize.md
  rebuild:
    type: outcome
    title: Rebuild trust
    body: Take it slowly.
"#;

fn site(book: &str) -> Site {
    Site::new(&[
        ("book.toml", book),
        ("content/_index.md", "Home.\n"),
        ("content/guides/_index.md", "---\ntitle: Guides\n---\n"),
        ("content/guides/recover.yaml", TREE),
        (
            "content/guides/apologize.md",
            "---\ntitle: Apologize well\ndate: 2026-03-01\ntags: [apology]\naliases: [/old/sorry/]\n---\n\n## What to say\n\n> [!NOTE]\n> Mean it.\n\n- [x] said sorry\n\n```tree\nrecover.yaml\n```\n",
        ),
        ("content/guides/move-on.md", "---\ntitle: Move on\ntags: [apology]\n---\n\nText.\n"),
    ])
}

const FRENCH: &str = "[book]\ntitle = \"Guides\"\nlanguage = \"fr-CA\"\n";

fn page(site: &Site, url: &str) -> String {
    site.read(&format!("public/{url}"))
}

/// `needles` all appear in `html`, and `english` none.
fn shows(html: &str, needles: &[&str], english: &[&str], what: &str) {
    for n in needles {
        assert!(html.contains(n), "{what} shows {n:?}:\n{html}");
    }
    for e in english {
        assert!(!html.contains(e), "{what} still shows {e:?}:\n{html}");
    }
}

#[test]
fn a_french_site_shows_french_on_every_kind_of_page() {
    let site = site(FRENCH);
    site.build_ok();
    let guide = page(&site, "guides/apologize/index.html");
    shows(
        &guide,
        &[
            "<html lang=\"fr-CA\">",
            "1 min de lecture",
            "Publié le 1er mars 2026",
            "Sur cette page",
            ">Remarque</p>",
            "aria-label=\"Lien vers cette section\u{a0}: What to say\"",
            "aria-label=\"Fait\"",
            "Arbre de décision</p>",
            "Aller au contenu principal",
            "Créé avec mendbook.",
            "aria-label=\"Mots-clés\"",
            "kind:Guide",
        ],
        &[
            "min read",
            "On this page",
            ">Note<",
            "Skip to main",
            "Built with",
        ],
        "the guide",
    );
    let section = page(&site, "guides/index.html");
    shows(
        &section,
        &["Pour commencer", ">Accueil<"],
        &["Start here", ">Home<"],
        "the section",
    );
    let first = page(&site, "guides/recover/index.html");
    shows(
        &first,
        &[
            "Question 1 sur 2",
            "Reprendre où vous en étiez",
            "Voir le parcours complet",
            "kind:Arbre de décision",
        ],
        &["Question 1 of", "Continue where", "See the whole flow"],
        "the tree's first step",
    );
    let second = page(&site, "guides/recover/honest/index.html");
    shows(
        &second,
        &[
            "Vos réponses jusqu’ici",
            ">Retour<",
            ">Recommencer<",
            "<span aria-hidden=\"true\">Modifier</span><span class=\"visually-hidden\">Modifier votre réponse à «\u{202f}What kind of mistake was it?\u{202f}»</span>",
        ],
        &["Your answers", ">Back<", "Start again", "your answer to"],
        "a question step",
    );
    let info = page(&site, "guides/recover/honest/small/index.html");
    shows(&info, &[">Continuer<"], &[">Continue<"], "an info step");
    let outcome = page(&site, "guides/recover/honest/small/apologize/index.html");
    shows(
        &outcome,
        &[
            "Votre plan",
            "Que faire",
            "À lire ensuite",
            "Vos réponses<",
            "Imprimer ce plan",
            "kind:Issue de «\u{202f}Can you recover?\u{202f}»",
        ],
        &[
            "Your plan",
            "What to do",
            "Read next",
            "Print this plan",
            "Outcome of",
        ],
        "an outcome",
    );
    let map = page(&site, "guides/recover/map/index.html");
    shows(
        &map,
        &[
            "Le parcours complet",
            "Schéma de «\u{202f}Can you recover?\u{202f}» · Guides</title>",
            ">Issue</text>",
            ">Continuer</tspan>",
            "<span class=\"badge-kind\">Question</span>",
            ">Commencer</a>",
        ],
        &["The whole flow", "Map of", ">Outcome<", ">Continue<"],
        "the map",
    );
    let search = page(&site, "search/index.html");
    shows(
        &search,
        &[
            "<h1>Recherche</h1>",
            "&quot;loading&quot;:&quot;Chargement de la recherche…&quot;",
            "La recherche nécessite JavaScript",
            ">page d’accueil</a>",
        ],
        &["Search needs JavaScript", "Search guides, decision trees"],
        "the search page",
    );
    let not_found = page(&site, "404.html");
    shows(
        &not_found,
        &[
            "Page introuvable",
            ">Aller à la page d’accueil</a>, ou choisissez une rubrique\u{a0}:",
        ],
        &["Page not found", "Go to the home page"],
        "the 404 page",
    );
    let tags = page(&site, "tags/index.html");
    shows(
        &tags,
        &["<h1>Mots-clés</h1>", "2 guides"],
        &["<h1>Tags</h1>"],
        "the tags page",
    );
    let tag = page(&site, "tags/apology/index.html");
    shows(
        &tag,
        &["Mot-clé «\u{202f}apology\u{202f}»"],
        &["Tagged"],
        "a tag's page",
    );
    let moved = page(&site, "old/sorry/index.html");
    shows(
        &moved,
        &["<title>Redirection vers Apologize well</title>", "Cette page a été déplacée vers <a href=\"../../guides/apologize/\">Apologize well</a>."],
        &["Redirecting", "has moved"],
        "a redirect",
    );
}

#[test]
fn book_toml_overrides_single_strings_and_plural_forms() {
    let site = site(
        "[book]\ntitle = \"Guides\"\n\n[translations]\ntree.back = \"Previous question\"\nsearch.results.one = \"{n} match\"\n\n[translations.page]\non_this_page = \"Contents\"\n",
    );
    site.build_ok();
    shows(
        &page(&site, "guides/recover/honest/index.html"),
        &[">Previous question<"],
        &[">Back<"],
        "a question step",
    );
    shows(
        &page(&site, "guides/apologize/index.html"),
        &[">Contents<"],
        &["On this page"],
        "the guide",
    );
    shows(
        &page(&site, "search/index.html"),
        &[
            "&quot;one&quot;:&quot;{n} match&quot;",
            "&quot;other&quot;:&quot;{n} results&quot;",
        ],
        &[],
        "the search page",
    );
}

#[test]
fn an_unknown_override_key_is_an_error_at_its_line() {
    let site = site("[book]\ntitle = \"Guides\"\n\n[translations]\ntree.bakc = \"Previous\"\nnav.home = \"Start\"\npage.by = \"Written by\"\n");
    site.build()
        .fails_with(1)
        .stderr_has("book.toml:5:6")
        .stderr_has("`tree.bakc` is not a translation key")
        .stderr_has("did you mean `tree.back`?")
        .stderr_has("book.toml:7:6")
        .stderr_has("the translation `page.by` has the placeholders none, the theme's English text has {authors}");
}

#[test]
fn a_language_without_a_table_falls_back_to_english_with_one_warning() {
    let site = site("[book]\ntitle = \"Guides\"\nlanguage = \"it\"\n");
    let run = site.build_ok();
    run.stderr_has("book.toml:3:1")
        .stderr_has("no translation for the language `it`");
    assert_eq!(
        run.all().matches("no translation for").count(),
        1,
        "{}",
        run.all()
    );
    let guide = page(&site, "guides/apologize/index.html");
    shows(
        &guide,
        &[
            "<html lang=\"it\">",
            "On this page",
            "Published 1 March 2026",
        ],
        &[],
        "the guide",
    );
}

#[test]
fn a_theme_may_bring_a_table_for_another_language() {
    let site = site("[book]\ntitle = \"Guides\"\nlanguage = \"it\"\n");
    site.write(
        "themes/default/translations/it.toml",
        "[tree]\nback = \"Indietro\"\n",
    );
    let run = site.build_ok();
    assert!(!run.all().contains("no translation"), "{}", run.all());
    // What the table leaves out stays English.
    shows(
        &page(&site, "guides/recover/honest/index.html"),
        &[">Indietro<", "Your answers so far"],
        &[">Back<"],
        "a question step",
    );
}

#[test]
fn a_broken_table_in_a_theme_is_an_error_at_its_line() {
    let site = site("[book]\ntitle = \"Guides\"\nlanguage = \"it\"\n");
    site.write(
        "themes/default/translations/it.toml",
        "[tree]\nback = \"Indietro\n",
    );
    site.build()
        .fails_with(1)
        .stderr_has("themes/default/translations/it.toml:2:");
}
