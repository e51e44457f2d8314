//! The one place that reads YAML into Rust types for the project's own files
//! (rules, catalog, later the config file). `serde_yaml` is archived upstream:
//! a maintained fork can replace it here without touching the rest.
//! Scanned files never come through here; they need spans (see `source`).

use serde::de::DeserializeOwned;

/// A YAML error with the position serde_yaml reports, 1-based.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}{message}", position(*.line, *.column))]
pub struct YamlError {
    pub message: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

fn position(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(line), Some(column)) => format!("{line}:{column}: "),
        _ => String::new(),
    }
}

pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    serde_yaml::from_str(text).map_err(|err| {
        let location = err.location();
        let mut message = err.to_string();
        // The position is reported once, in front, by `Display`.
        if let Some(l) = &location {
            let suffix = format!(" at line {} column {}", l.line(), l.column());
            if let Some(stripped) = message.strip_suffix(&suffix) {
                message = stripped.to_string();
            }
        }
        YamlError { message, line: location.as_ref().map(|l| l.line()), column: location.as_ref().map(|l| l.column()) }
    })
}
