//! Every decision-tree validation rule, one failing fixture each: the message
//! and the line it must be reported at.

use mendbook::api::{Diagnostic, Severity, SourceFile};

/// Parses and validates a tree the way a build does (without the site-level
/// guide link checks, which the integration tests cover).
fn diagnose(yaml: &str) -> Vec<Diagnostic> {
    let file = SourceFile::new("content/t.yaml", yaml);
    mendbook::api::check_tree(&file).0
}

/// Asserts an error containing `message` at `line`.
fn expect(name: &str, yaml: &str, line: usize, message: &str) {
    let found = diagnose(yaml);
    let hit = found.iter().any(|d| {
        d.severity == Severity::Error
            && d.message.contains(message)
            && d.position()
                .is_some_and(|p| p.starts_with(&format!("content/t.yaml:{line}:")))
    });
    let listed: Vec<String> = found.iter().map(|d| d.to_string()).collect();
    assert!(
        hit,
        "{name}: expected an error at line {line} containing {message:?}; got:\n{}",
        listed.join("\n")
    );
}

const TAIL: &str = "  a: { type: outcome, title: A, body: x }\n  b: { type: outcome, title: B, body: y }\ntests:\n  - { answers: [x], expect: a }\n  - { answers: [y], expect: b }\n";

fn with_question(options: &str) -> String {
    format!(
        "title: T\nnodes:\n  q:\n    type: question\n    text: Q?\n    options:\n{options}{TAIL}"
    )
}

#[test]
fn a_valid_tree_has_no_problems() {
    let yaml = with_question(
        "      - { id: x, label: X, next: a }\n      - { id: y, label: Y, next: b }\n",
    );
    let found = diagnose(&yaml);
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn yaml_syntax() {
    expect(
        "syntax",
        "title: T\nnodes:\n  q: [unclosed\n",
        4,
        "invalid YAML",
    );
}

#[test]
fn unknown_top_level_key_with_suggestion() {
    let yaml = with_question(
        "      - { id: x, label: X, next: a }\n      - { id: y, label: Y, next: b }\n",
    )
    .replace("title: T\n", "title: T\ndescripton: D\n");
    expect(
        "unknown key",
        &yaml,
        2,
        "unknown key `descripton` in the tree",
    );
    let d = diagnose(&yaml);
    assert_eq!(d[0].help.as_deref(), Some("did you mean `description`?"));
}

#[test]
fn unquoted_comma_in_a_flow_label() {
    let yaml = with_question("      - { id: x, label: Boss, or policy, next: a }\n      - { id: y, label: Y, next: b }\n");
    expect("comma", &yaml, 7, "unquoted comma");
}

#[test]
fn missing_title_and_nodes() {
    expect(
        "no title",
        "description: D\nnodes:\n  a: { type: outcome, title: A, body: x }\n",
        1,
        "has no `title`",
    );
    expect("no nodes", "title: T\n", 1, "has no `nodes`");
}

#[test]
fn invalid_node_and_option_ids() {
    let yaml = with_question(
        "      - { id: x, label: X, next: a }\n      - { id: Y_1, label: Y, next: b }\n",
    );
    expect("option id", &yaml, 8, "`Y_1` is not a valid option id");
    let yaml = "title: T\nnodes:\n  Start:\n    type: outcome\n    title: A\n    body: x\n";
    expect("node id", yaml, 3, "`Start` is not a valid node id");
}

#[test]
fn duplicate_node_ids_are_caught() {
    let yaml = format!("title: T\nnodes:\n  q:\n    type: question\n    text: Q?\n    options:\n      - {{ id: x, label: X, next: a }}\n      - {{ id: y, label: Y, next: b }}\n  a: {{ type: outcome, title: A, body: x }}\n{TAIL}");
    expect(
        "duplicate node",
        &yaml,
        10,
        "the node id `a` is used twice (first on line 9)",
    );
}

#[test]
fn duplicate_option_ids_and_labels() {
    let yaml = with_question(
        "      - { id: x, label: X, next: a }\n      - { id: x, label: Y, next: b }\n",
    );
    expect("dup option id", &yaml, 8, "two options with the id `x`");
    let yaml = with_question(
        "      - { id: x, label: Same, next: a }\n      - { id: y, label: Same, next: b }\n",
    );
    expect("dup label", &yaml, 8, "two options labelled “Same”");
}

#[test]
fn start_must_name_a_question_or_info() {
    let base = with_question(
        "      - { id: x, label: X, next: a }\n      - { id: y, label: Y, next: b }\n",
    );
    expect(
        "start unknown",
        &base.replace("title: T\n", "title: T\nstart: qq\n"),
        2,
        "`start` names `qq`",
    );
    expect(
        "start outcome",
        &base.replace("title: T\n", "title: T\nstart: a\n"),
        2,
        "`start` names the outcome `a`",
    );
}

#[test]
fn next_and_go_must_name_nodes_with_a_suggestion() {
    let yaml = with_question(
        "      - { id: x, label: X, next: aa }\n      - { id: y, label: Y, next: b }\n",
    );
    expect(
        "next unknown",
        &yaml,
        7,
        "option `x` leads to `aa`, which is not a node of this tree",
    );
    let yaml = "title: T\nnodes:\n  q:\n    type: question\n    text: Q?\n    options:\n      - { id: x, label: X }\n      - { id: y, label: Y }\n    next:\n      - go: outcme\n  outcome: { type: outcome, title: O, body: x }\n";
    expect("go unknown", yaml, 10, "this rule goes to `outcme`");
    let d = diagnose(yaml);
    assert!(
        d.iter()
            .any(|d| d.help.as_deref() == Some("did you mean `outcome`?")),
        "{d:?}"
    );
}

#[test]
fn question_shapes() {
    let yaml = with_question("      - { id: x, label: X, next: a }\n");
    expect(
        "one option",
        &yaml,
        6,
        "has 1 option; a question needs 2 to 9",
    );
    let many: String = (0..10)
        .map(|i| format!("      - {{ id: o{i}, label: L{i}, next: a }}\n"))
        .collect();
    expect("ten options", &with_question(&many), 6, "has 10 options");
    let yaml = "title: T\nnodes:\n  q:\n    type: question\n    options:\n      - { id: x, label: X, next: a }\n      - { id: y, label: Y, next: a }\n  a: { type: outcome, title: A, body: x }\n";
    expect("no text", yaml, 3, "question `q` has no `text`");
}

#[test]
fn info_needs_next_and_outcomes_end_the_flow() {
    let yaml = "title: T\nnodes:\n  i:\n    type: info\n    title: I\n    body: x\n";
    expect("info next", yaml, 3, "info node `i` has no `next`");
    let yaml = "title: T\nnodes:\n  q: { type: info, title: I, next: a }\n  a:\n    type: outcome\n    title: A\n    body: x\n    next: q\n";
    expect(
        "outcome next",
        yaml,
        8,
        "`next` does not belong on outcome node `a`",
    );
    let yaml = "title: T\nnodes:\n  q: { type: info, title: I, next: a }\n  a:\n    type: outcome\n    title: A\n    body: x\n    options: []\n";
    expect(
        "outcome options",
        yaml,
        8,
        "`options` does not belong on outcome node `a`",
    );
    let yaml = "title: T\nnodes:\n  q: { type: info, title: I, next: a }\n  a:\n    type: outcome\n    title: A\n";
    expect("empty outcome", yaml, 4, "outcome `a` is empty");
}

#[test]
fn node_types() {
    let yaml = "title: T\nnodes:\n  q:\n    type: questoin\n    text: Q\n";
    expect("unknown type", yaml, 4, "unknown node type `questoin`");
    let yaml = "title: T\nnodes:\n  q:\n    text: Q\n";
    expect("missing type", yaml, 3, "node `q` has no `type`");
}

#[test]
fn options_and_rules_do_not_mix() {
    let yaml = "title: T\nnodes:\n  q:\n    type: question\n    text: Q?\n    options:\n      - { id: x, label: X, next: a }\n      - { id: y, label: Y }\n    next:\n      - go: a\n  a: { type: outcome, title: A, body: x }\n";
    expect("mixing", yaml, 7, "mixes `next` on its options with rules");
    let yaml = with_question("      - { id: x, label: X, next: a }\n      - { id: y, label: Y }\n");
    expect(
        "option without next",
        &yaml,
        8,
        "option `y` of question `q` leads nowhere",
    );
}

const RULES_HEAD: &str = "title: T\nnodes:\n  q:\n    type: question\n    text: Q?\n    options:\n      - { id: x, label: X }\n      - { id: y, label: Y }\n    next:\n";
const RULES_TAIL: &str =
    "  a: { type: outcome, title: A, body: x }\n  b: { type: outcome, title: B, body: y }\n";

#[test]
fn rules_need_a_default_last() {
    let yaml = format!("{RULES_HEAD}      - if: {{ q: x }}\n        go: a\n      - if: {{ q: y }}\n        go: b\n{RULES_TAIL}");
    expect("no default", &yaml, 12, "have no default");
    let yaml =
        format!("{RULES_HEAD}      - go: a\n      - if: {{ q: y }}\n        go: b\n{RULES_TAIL}");
    expect(
        "after default",
        &yaml,
        10,
        "a rule without `if` must come last",
    );
}

#[test]
fn conditions_name_questions_and_their_options() {
    let yaml =
        format!("{RULES_HEAD}      - if: {{ a: x }}\n        go: a\n      - go: b\n{RULES_TAIL}");
    expect(
        "if non-question",
        &yaml,
        10,
        "this condition names `a`, which is an outcome node, not a question",
    );
    let yaml =
        format!("{RULES_HEAD}      - if: {{ q: z }}\n        go: a\n      - go: b\n{RULES_TAIL}");
    expect(
        "if unknown option",
        &yaml,
        10,
        "question `q` has no option `z`",
    );
}

#[test]
fn a_condition_on_a_question_not_yet_asked_is_caught() {
    // `r` is asked only after `q`, so q's rule can never see it answered.
    let yaml = "title: T\nnodes:\n  q:\n    type: question\n    text: Q?\n    options:\n      - { id: x, label: X }\n      - { id: y, label: Y }\n    next:\n      - if: { r: m }\n        go: a\n      - go: r\n  r:\n    type: question\n    text: R?\n    options:\n      - { id: m, label: M, next: a }\n      - { id: n, label: N, next: a }\n  a: { type: outcome, title: A, body: x }\n";
    expect(
        "unanswerable",
        yaml,
        10,
        "no path reaches `q` after answering it",
    );
}

#[test]
fn an_outcome_that_conditions_make_unreachable() {
    // Both rules need x; `b` sits behind an impossible pair of answers.
    let yaml = "title: T\nnodes:\n  q:\n    type: question\n    text: Q?\n    options:\n      - { id: x, label: X, next: r }\n      - { id: y, label: Y, next: r }\n  r:\n    type: question\n    text: R?\n    options:\n      - { id: m, label: M }\n      - { id: n, label: N }\n    next:\n      - if: { q: x }\n        go: a\n      - if: { q: x, r: n }\n        go: b\n      - go: a\n  a: { type: outcome, title: A, body: x }\n  b: { type: outcome, title: B, body: x }\n";
    expect(
        "unreachable outcome",
        yaml,
        22,
        "no answers lead to the outcome `b`",
    );
}

#[test]
fn cycles_print_the_loop() {
    let yaml = "title: T\nnodes:\n  q:\n    type: question\n    text: Q?\n    options:\n      - { id: x, label: X, next: i }\n      - { id: y, label: Y, next: a }\n  i: { type: info, title: I, next: q }\n  a: { type: outcome, title: A, body: x }\n";
    expect("cycle", yaml, 9, "the flow loops: q → i → q");
}

#[test]
fn unreachable_nodes() {
    let yaml = format!(
        "{}  lost: {{ type: outcome, title: L, body: z }}\n",
        with_question(
            "      - { id: x, label: X, next: a }\n      - { id: y, label: Y, next: b }\n"
        )
        .replace(
            "tests:\n  - { answers: [x], expect: a }\n  - { answers: [y], expect: b }\n",
            ""
        )
    );
    expect(
        "unreachable",
        &yaml,
        11,
        "node `lost` cannot be reached from the start",
    );
}

#[test]
fn too_many_paths() {
    let mut yaml = String::from("title: T\nmax-paths: 4\nnodes:\n");
    for q in 0..3 {
        let next = if q == 2 {
            "end".to_string()
        } else {
            format!("q{}", q + 1)
        };
        yaml.push_str(&format!("  q{q}:\n    type: question\n    text: Q{q}?\n    options:\n      - {{ id: a, label: A, next: {next} }}\n      - {{ id: b, label: B, next: {next} }}\n"));
    }
    yaml.push_str("  end: { type: outcome, title: E, body: x }\n");
    expect("max paths", &yaml, 1, "more than 4 paths");
}

#[test]
fn tests_entries_are_run() {
    let base = with_question(
        "      - { id: x, label: X, next: a }\n      - { id: y, label: Y, next: b }\n",
    );
    let wrong = base.replace(
        "  - { answers: [y], expect: b }\n",
        "  - { answers: [y], expect: a }\n",
    );
    expect(
        "wrong expect",
        &wrong,
        13,
        "these answers end at `b`, not `a`",
    );
    let invalid = base.replace(
        "  - { answers: [y], expect: b }\n",
        "  - { answers: [z], expect: b }\n",
    );
    expect(
        "invalid answer",
        &invalid,
        13,
        "`z` is not an option of the question `q`",
    );
    let short = base.replace(
        "  - { answers: [y], expect: b }\n",
        "  - { answers: [], expect: b }\n",
    );
    expect("stops early", &short, 13, "stop at the question `q`");
}

#[test]
fn map_is_reserved_on_the_first_question() {
    let yaml = with_question(
        "      - { id: map, label: X, next: a }\n      - { id: y, label: Y, next: b }\n",
    );
    expect(
        "map id",
        &yaml,
        7,
        "cannot have an option with the id `map`",
    );
}

#[test]
fn aliases_are_refused() {
    expect(
        "alias",
        "title: &t T\ndescription: *t\nnodes: {}\n",
        2,
        "aliases",
    );
}

#[test]
fn warnings_for_untested_outcomes_and_long_labels() {
    let long = "L".repeat(130);
    let yaml = with_question(&format!(
        "      - {{ id: x, label: {long}, next: a }}\n      - {{ id: y, label: Y, next: b }}\n"
    ))
    .replace("  - { answers: [y], expect: b }\n", "");
    let found = diagnose(&yaml);
    assert!(!found.iter().any(Diagnostic::is_error), "{found:?}");
    assert!(
        found.iter().any(|d| d.message.contains("130 characters")
            && d.position().unwrap().starts_with("content/t.yaml:7:")),
        "{found:?}"
    );
    assert!(
        found.iter().any(|d| d
            .message
            .contains("no entry in `tests` reaches the outcome `b`")
            && d.position().unwrap().starts_with("content/t.yaml:10:")),
        "{found:?}"
    );
}

#[test]
fn all_problems_are_reported_at_once() {
    let yaml = "title: T\nnodes:\n  q:\n    type: question\n    text: Q?\n    options:\n      - { id: x, label: X, next: nowhere }\n      - { id: y, label: Y, next: elsewhere }\n";
    let found = diagnose(yaml);
    assert_eq!(
        found.iter().filter(|d| d.is_error()).count(),
        2,
        "{found:?}"
    );
}
