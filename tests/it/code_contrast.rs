//! Highlighted code meets WCAG AA: every colour the generated syntax
//! stylesheet gives a token, in each scheme (chosen on the page or by the
//! system), has a contrast ratio of at least 4.5 against the background it
//! sits on, and no rule reaches the other scheme.

use crate::common::Site;

const GUIDE: &str = "---\ntitle: Code\n---\n\n```yaml\n# a comment\nkey: value # trailing\n```\n\n```sh\n# a comment\necho \"hi\" # trailing\n```\n\n```rust\n// a comment\nfn main() { let x = \"s\"; }\n```\n";

fn channel(hex: &str) -> f64 {
    let v = f64::from(u8::from_str_radix(hex, 16).expect("hex")) / 255.0;
    if v <= 0.03928 {
        v / 12.92
    } else {
        ((v + 0.055) / 1.055).powf(2.4)
    }
}

fn luminance(colour: &str) -> f64 {
    let c = colour.trim().trim_start_matches('#');
    assert_eq!(c.len(), 6, "an opaque #rrggbb colour: {colour}");
    0.2126 * channel(&c[0..2]) + 0.7152 * channel(&c[2..4]) + 0.0722 * channel(&c[4..6])
}

fn contrast(a: &str, b: &str) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// `property: value` of a declaration block.
fn value<'a>(decls: &'a str, property: &str) -> Option<&'a str> {
    decls.split([';', '\n']).find_map(|d| {
        let (k, v) = d.split_once(':')?;
        (k.trim() == property).then(|| v.trim())
    })
}

#[test]
fn every_token_colour_meets_aa_contrast_in_both_schemes() {
    let site = Site::new(&[
        ("book.toml", "[book]\ntitle = \"Code\"\n"),
        ("content/_index.md", "Home.\n"),
        ("content/code.md", GUIDE),
    ]);
    site.build_ok();
    let html = site.read("public/code/index.html");
    // Comments in YAML and shell are classed, so the rules below reach them.
    for lang in ["yaml", "sh"] {
        let at = html.find(&format!("data-lang=\"{lang}\"")).expect(lang);
        assert!(
            html[at..].contains("hl-comment"),
            "{lang} comments are highlighted: {html}"
        );
    }

    let css = site.read("public/mendbook/syntax.css");
    // (selectors, declarations) of every rule.
    let rules: Vec<(&str, &str)> = css
        .split('}')
        .filter_map(|r| r.rsplit_once('{'))
        .map(|(sel, decls)| (sel.rsplit("*/").next().unwrap_or(sel).trim(), decls))
        .map(|(sel, decls)| (sel.rsplit('\n').next().unwrap_or(sel).trim(), decls))
        .filter(|(sel, _)| sel.contains(".hl-"))
        .collect();
    let schemes = [
        ("light (chosen)", ":root[data-theme=\"light\"]"),
        ("light (system)", ":root:not([data-theme=\"dark\"])"),
        ("dark (chosen)", ":root[data-theme=\"dark\"]"),
        ("dark (system)", ":root:not([data-theme=\"light\"])"),
    ];
    // A rule outside every scheme's scope would reach the other scheme too,
    // and could outweigh its rules there (a light, language-specific colour
    // on the dark background).
    let unscoped: Vec<&str> = rules
        .iter()
        .flat_map(|(sel, _)| sel.split(','))
        .map(str::trim)
        .filter(|sel| {
            !schemes
                .iter()
                .any(|(_, scope)| sel.starts_with(&format!("{scope} ")))
        })
        .collect();
    assert!(
        unscoped.is_empty(),
        "rules that apply in both schemes: {unscoped:?}"
    );
    let mut low = Vec::new();
    for (scheme, scope) in schemes {
        let mine: Vec<&(&str, &str)> = rules
            .iter()
            .filter(|(sel, _)| sel.starts_with(&format!("{scope} ")))
            .collect();
        let code_bg = mine
            .iter()
            .find(|(sel, _)| sel.ends_with(".hl-code"))
            .and_then(|(_, d)| value(d, "background-color"))
            .unwrap_or_else(|| panic!("the {scheme} code background: {css}"));
        let code_fg = mine
            .iter()
            .find(|(sel, _)| sel.ends_with(".hl-code"))
            .and_then(|(_, d)| value(d, "color"))
            .expect("the code colour");
        assert!(
            mine.len() > 20,
            "{scheme}: the theme's token rules: {mine:?}"
        );
        for (sel, decls) in &mine {
            let bg = value(decls, "background-color").unwrap_or(code_bg);
            let fg = value(decls, "color").unwrap_or(code_fg);
            let ratio = contrast(fg, bg);
            if ratio < 4.5 {
                low.push(format!("{scheme}: {sel} {fg} on {bg} is {ratio:.2}"));
            }
        }
    }
    assert!(
        low.is_empty(),
        "token colours under 4.5:1:\n{}",
        low.join("\n")
    );
}
