//! The layer rule, checked: a module imports only from its own layer or the
//! layers below (base → model → stages → engine → app), modules do not
//! import each other in a circle, and no source file grows past 600 lines.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const LAYERS: [&str; 5] = ["base", "model", "stages", "engine", "app"];
const MAX_LINES: usize = 600;

fn sources() -> Vec<PathBuf> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    walkdir::WalkDir::new(&src)
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| e.path().to_path_buf())
        .collect()
}

/// `base::diagnostics` for src/base/diagnostics.rs, `stages::load` for
/// src/stages/load/tree.rs: a layer and its first-level module.
fn module_of(path: &Path) -> Option<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let rel = path.strip_prefix(&src).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| {
            c.as_os_str()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_string()
        })
        .collect();
    let layer = parts.first()?.clone();
    if !LAYERS.contains(&layer.as_str()) {
        return None;
    }
    let module = parts.get(1).cloned().unwrap_or_else(|| "mod".into());
    Some((layer, module))
}

/// Every `crate::layer::module` a file names, outside its tests.
fn imports(text: &str) -> BTreeSet<(String, String)> {
    let code = match text.find("#[cfg(test)]") {
        Some(i) => &text[..i],
        None => text,
    };
    let mut found = BTreeSet::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        let mut parts = rest.split("::");
        let layer: String = parts
            .next()
            .unwrap_or("")
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let module: String = parts
            .next()
            .unwrap_or("")
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if LAYERS.contains(&layer.as_str()) {
            found.insert((layer, module));
        }
    }
    found
}

fn rank(layer: &str) -> usize {
    LAYERS.iter().position(|l| *l == layer).unwrap()
}

#[test]
fn no_module_imports_from_a_layer_above_it() {
    let mut upward = Vec::new();
    for path in sources() {
        let Some((layer, _)) = module_of(&path) else {
            continue;
        };
        let text = std::fs::read_to_string(&path).unwrap();
        for (to_layer, to_module) in imports(&text) {
            if rank(&to_layer) > rank(&layer) {
                upward.push(format!(
                    "{} imports crate::{to_layer}::{to_module}",
                    path.display()
                ));
            }
        }
    }
    assert!(upward.is_empty(), "upward imports:\n{}", upward.join("\n"));
}

#[test]
fn modules_do_not_import_each_other_in_a_circle() {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for path in sources() {
        let Some((layer, module)) = module_of(&path) else {
            continue;
        };
        let from = format!("{layer}::{module}");
        let text = std::fs::read_to_string(&path).unwrap();
        for (l, m) in imports(&text) {
            let to = format!("{l}::{m}");
            if to != from && !m.is_empty() {
                graph.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    // Depth-first search for a back edge.
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(node.to_string(), 1);
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            match state.get(next.as_str()).copied().unwrap_or(0) {
                1 => {
                    let from = path.iter().position(|n| n == next).unwrap();
                    let mut cycle = path[from..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                0 => {
                    if let Some(c) = visit(next, graph, state, path) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        path.pop();
        state.insert(node.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for node in graph.keys() {
        if state.get(node.as_str()).copied().unwrap_or(0) == 0 {
            if let Some(cycle) = visit(node, &graph, &mut state, &mut Vec::new()) {
                panic!(
                    "modules import each other in a circle: {}",
                    cycle.join(" → ")
                );
            }
        }
    }
}

#[test]
fn no_source_file_is_over_six_hundred_lines() {
    let long: Vec<String> = sources()
        .into_iter()
        .filter_map(|p| {
            let n = std::fs::read_to_string(&p).unwrap().lines().count();
            (n > MAX_LINES).then(|| format!("{}: {n} lines", p.display()))
        })
        .collect();
    assert!(
        long.is_empty(),
        "files over {MAX_LINES} lines:\n{}",
        long.join("\n")
    );
}

#[test]
fn the_rule_catches_an_upward_import() {
    // The checker itself must see one, or the tests above prove nothing.
    let text = "use crate::app::cli::main;\nfn f() { crate::engine::build(); }\n";
    let found = imports(text);
    assert!(found.contains(&("app".to_string(), "cli".to_string())));
    assert!(found.contains(&("engine".to_string(), "build".to_string())));
    assert!(rank("app") > rank("base"));
}
