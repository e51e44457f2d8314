//! What several test files share: finding `../shared`.

use std::path::PathBuf;

/// `../shared/<relative>` when present. Absent, the test skips and says so,
/// unless BLASTRADIUS_REQUIRE_SHARED is set (`.ci/run` sets it): there a
/// missing corpus or schema must fail, not pass silently.
pub fn shared(relative: &str) -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared").join(relative);
    if path.exists() {
        return Some(path);
    }
    assert!(
        std::env::var_os("BLASTRADIUS_REQUIRE_SHARED").is_none(),
        "{} is missing, and BLASTRADIUS_REQUIRE_SHARED says it must be there",
        path.display()
    );
    eprintln!("skipped: {} is absent (it lives beside the project)", path.display());
    None
}
