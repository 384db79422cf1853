//! Every YAML call mendbook makes, in one place.
//!
//! serde_yaml is unmaintained; keeping it behind these few functions means a
//! fork can be swapped in by editing this file alone.

use serde::de::DeserializeOwned;

/// A YAML problem: what went wrong and the byte offset in the parsed text.
#[derive(Debug, Clone)]
pub(crate) struct YamlError {
    pub(crate) message: String,
    pub(crate) offset: Option<usize>,
}

impl YamlError {
    fn from_serde(e: serde_yaml::Error) -> Self {
        let offset = e.location().map(|l| l.index());
        let text = e.to_string();
        // serde_yaml writes " at line L column C" into its messages, counted
        // from the start of the YAML (not the file); the diagnostic shows
        // the real position itself.
        YamlError {
            message: without_positions(&text),
            offset,
        }
    }
}

/// `text` without any " at line L column C".
fn without_positions(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(" at line ") {
        out.push_str(&rest[..i]);
        let after = &rest[i + " at line ".len()..];
        let digits = |s: &str| s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let n = digits(after);
        match after[n..].strip_prefix(" column ") {
            Some(col) if n > 0 && digits(col) > 0 => rest = &col[digits(col)..],
            _ => {
                out.push_str(" at line ");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Deserializes `text` into `T`, and returns the keys `T` does not know
/// (as dotted paths like `extra` or `tags.0`) instead of failing on the first.
pub(crate) fn from_str_collecting_unknown<T: DeserializeOwned>(
    text: &str,
) -> Result<(T, Vec<String>), YamlError> {
    let mut unknown = Vec::new();
    let de = serde_yaml::Deserializer::from_str(text);
    let value = serde_ignored::deserialize(de, |path| unknown.push(path.to_string()))
        .map_err(YamlError::from_serde)?;
    Ok((value, unknown))
}

/// Deserializes `text` into `T`, failing on the first problem.
#[cfg(test)]
pub(crate) fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    serde_yaml::from_str(text).map_err(YamlError::from_serde)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    struct Fm {
        title: String,
    }

    #[test]
    fn unknown_keys_are_collected() {
        let (fm, unknown): (Fm, _) =
            from_str_collecting_unknown("title: a\ntitel: b\nauthor: c\n").unwrap();
        assert_eq!(fm.title, "a");
        assert_eq!(unknown, vec!["titel", "author"]);
    }

    #[test]
    fn errors_have_offsets() {
        let err = from_str::<Fm>("title: [a\n").unwrap_err();
        assert!(err.offset.is_some());
        assert!(!err.message.contains(" at line "));
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
        let mut prev = 'a';
        for name in 'b'..='k' {
            text.push_str(&format!(
                "{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
            prev = name;
        }
        text.push_str("title: x\n");
        assert!(from_str::<serde_json::Value>(&text).is_err());
    }
}

/// A YAML value with the byte span it came from, for trees, whose every
/// problem must point at its line.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub(crate) value: Value,
    /// Byte offset where the value (or its first token) starts.
    pub(crate) start: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    /// A scalar, as written (numbers and booleans stay text).
    Str(String),
    Seq(Vec<Node>),
    /// Keys in the order written; duplicates are kept so callers can report them.
    Map(Vec<(Node, Node)>),
}

impl Node {
    pub(crate) fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// What kind of value this is, for "expected a list, found a text".
    pub(crate) fn kind(&self) -> &'static str {
        match self.value {
            Value::Null => "nothing",
            Value::Str(_) => "a text",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

/// Builds [`Node`]s from the parser's events.
struct Builder<'t> {
    text: &'t str,
    /// Open collections: the node being built and, for maps, a pending key.
    stack: Vec<(Node, Option<Node>)>,
    root: Option<Node>,
    error: Option<YamlError>,
    line_starts: Vec<usize>,
}

impl Builder<'_> {
    fn offset(&self, mark: yaml_rust2::scanner::Marker) -> usize {
        // Markers count lines from 1 and columns from 0 in characters.
        let line_start = self
            .line_starts
            .get(mark.line().saturating_sub(1))
            .copied()
            .unwrap_or(self.text.len());
        let line = &self.text[line_start..];
        line_start
            + line
                .char_indices()
                .nth(mark.col())
                .map(|(i, _)| i)
                .unwrap_or(line.len())
    }

    fn push_value(&mut self, node: Node) {
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some((parent, pending)) => match &mut parent.value {
                Value::Seq(items) => items.push(node),
                Value::Map(entries) => match pending.take() {
                    None => *pending = Some(node),
                    Some(key) => entries.push((key, node)),
                },
                _ => {}
            },
        }
    }
}

impl yaml_rust2::parser::MarkedEventReceiver for Builder<'_> {
    fn on_event(&mut self, ev: yaml_rust2::Event, mark: yaml_rust2::scanner::Marker) {
        use yaml_rust2::scanner::TScalarStyle;
        use yaml_rust2::Event;
        if self.error.is_some() {
            return;
        }
        let start = self.offset(mark);
        match ev {
            Event::Scalar(s, style, _, _) => {
                let null = style == TScalarStyle::Plain
                    && matches!(s.as_str(), "" | "~" | "null" | "Null" | "NULL");
                let value = if null { Value::Null } else { Value::Str(s) };
                self.push_value(Node { value, start });
            }
            Event::SequenceStart(..) => self.stack.push((
                Node {
                    value: Value::Seq(Vec::new()),
                    start,
                },
                None,
            )),
            Event::MappingStart(..) => self.stack.push((
                Node {
                    value: Value::Map(Vec::new()),
                    start,
                },
                None,
            )),
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((node, _)) = self.stack.pop() {
                    self.push_value(node);
                }
            }
            Event::Alias(_) => {
                self.error = Some(YamlError {
                    message: "aliases (`*name`) are not supported here; write the value out".into(),
                    offset: Some(start),
                });
            }
            _ => {}
        }
    }
}

/// Parses YAML keeping every value's position. Aliases are refused, so no
/// alias bomb can expand; nesting deeper than `max_depth` is refused too.
///
/// The parser is driven one event at a time rather than through its
/// recursive `load`, which overflows the stack on deeply nested input
/// (`- - - - … x`) before any depth check could run.
pub(crate) fn parse_marked(text: &str, max_depth: usize) -> Result<Node, YamlError> {
    use yaml_rust2::parser::MarkedEventReceiver;
    use yaml_rust2::Event;

    let mut line_starts = vec![0];
    line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
    let mut builder = Builder {
        text,
        stack: Vec::new(),
        root: None,
        error: None,
        line_starts,
    };
    let mut depth = 0usize;
    let mut parser = yaml_rust2::parser::Parser::new_from_str(text);
    loop {
        let (event, mark) = match parser.next_token() {
            Ok(ev) => ev,
            Err(e) => {
                let offset = builder.offset(*e.marker());
                return Err(YamlError {
                    message: e.info().to_string(),
                    offset: Some(offset),
                });
            }
        };
        match event {
            Event::StreamEnd => break,
            // Only the first document counts, as serde_yaml reads it.
            Event::DocumentEnd if builder.root.is_some() => break,
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                depth += 1;
                if depth > max_depth {
                    return Err(YamlError {
                        message: format!("nested more than {max_depth} levels deep"),
                        offset: Some(builder.offset(mark)),
                    });
                }
            }
            Event::SequenceEnd | Event::MappingEnd => depth = depth.saturating_sub(1),
            _ => {}
        }
        builder.on_event(event, mark);
        if let Some(e) = builder.error.take() {
            return Err(e);
        }
    }
    Ok(builder.root.unwrap_or(Node {
        value: Value::Null,
        start: 0,
    }))
}

#[cfg(test)]
mod marked_tests {
    use super::*;

    #[test]
    fn positions_and_duplicates_are_kept() {
        let text = "a: 1\nb:\n  - x\n  - { id: y, label: z }\na: 2\n";
        let node = parse_marked(text, 64).unwrap();
        let Value::Map(entries) = node.value else {
            panic!()
        };
        assert_eq!(entries.len(), 3, "the duplicate `a` is kept");
        assert_eq!(entries[2].0.start, text.rfind("a:").unwrap());
        let Value::Seq(items) = &entries[1].1.value else {
            panic!()
        };
        assert_eq!(items[0].as_str(), Some("x"));
        assert_eq!(items[0].start, text.find("x").unwrap());
        let Value::Map(flow) = &items[1].value else {
            panic!()
        };
        assert_eq!(flow[1].1.start, text.find("z }").unwrap());
    }

    #[test]
    fn aliases_and_deep_nesting_are_refused() {
        assert!(parse_marked("a: &x [1]\nb: *x\n", 64).is_err());
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        let err = parse_marked(&deep, 64).unwrap_err();
        assert!(err.message.contains("nested"));
    }

    #[test]
    fn syntax_errors_have_a_position() {
        let err = parse_marked("a: [1, 2\nb: 3\n", 64).unwrap_err();
        assert!(err.offset.is_some());
    }
}
