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

/// One of our own YAML files (a rule or a catalog), as build.rs converted it
/// to JSON: the same data, parsed in a fraction of the time. It was read as
/// YAML at build time and is checked by the tests: failing here is a build
/// defect, named by `origin`.
pub fn embedded<T: DeserializeOwned>(json: &str, origin: &str) -> T {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{origin} (embedded as JSON): {e}"))
}

/// The JSON text of the embedded catalog `rules/catalog/<name>.yaml`.
macro_rules! catalog_json {
    ($name:literal) => {
        include_str!(concat!(env!("OUT_DIR"), "/json/catalog/", $name, ".json"))
    };
}
pub(crate) use catalog_json;
