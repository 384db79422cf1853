//! Every YAML call mendbook makes, in one place.
//!
//! serde_yaml is unmaintained; keeping it behind these few functions means a
//! fork can be swapped in by editing this file alone.

use serde::de::DeserializeOwned;

/// A YAML problem: what went wrong and the byte offset in the parsed text.
#[derive(Debug, Clone)]
pub struct YamlError {
    pub message: String,
    pub offset: Option<usize>,
}

impl YamlError {
    fn from_serde(e: serde_yaml::Error) -> Self {
        let offset = e.location().map(|l| l.index());
        let text = e.to_string();
        // serde_yaml appends " at line L column C"; the diagnostic shows that itself.
        let message = match text.rfind(" at line ") {
            Some(i) if text[i..].contains(" column ") => text[..i].to_string(),
            _ => text,
        };
        YamlError { message, offset }
    }
}

/// Deserializes `text` into `T`, and returns the keys `T` does not know
/// (as dotted paths like `extra` or `tags.0`) instead of failing on the first.
pub fn from_str_collecting_unknown<T: DeserializeOwned>(
    text: &str,
) -> Result<(T, Vec<String>), YamlError> {
    let mut unknown = Vec::new();
    let de = serde_yaml::Deserializer::from_str(text);
    let value = serde_ignored::deserialize(de, |path| unknown.push(path.to_string()))
        .map_err(YamlError::from_serde)?;
    Ok((value, unknown))
}

/// Deserializes `text` into `T`, failing on the first problem.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
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
