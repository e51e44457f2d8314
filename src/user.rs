//! `scan --user`: the user-level configs of every supported client on this
//! machine, scanned as one graph (one developer's machine is one agent
//! system). Locations for Linux, macOS and Windows, relative to `HOME` (and
//! `APPDATA` on Windows); paths are shown with `~`.

use std::path::{Path, PathBuf};

/// The home directory: `HOME`, else `USERPROFILE` (Windows).
pub(crate) fn home() -> Option<PathBuf> {
    std::env::var_os("HOME").or_else(|| std::env::var_os("USERPROFILE")).map(PathBuf::from)
}

/// Every location, with whether a file is there: (client, shown path, full path, found).
pub(crate) fn locations(home: &Path) -> Vec<(&'static str, String, PathBuf, bool)> {
    // Each format declares its own user-level locations (formats::registry).
    crate::formats::registry::user_locations()
        .into_iter()
        .map(|(client, relative)| {
            let full = home.join(relative);
            let found = full.is_file();
            (client, format!("~/{relative}"), full, found)
        })
        .collect()
}
