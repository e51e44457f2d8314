//! Where a scan's time goes, stage by stage, on standard error when
//! `BLASTRADIUS_TIMINGS` is set: what `benches/` profiles read. Silent and
//! nearly free otherwise.

use std::sync::{Mutex, OnceLock};
use std::time::Instant;

fn last() -> Option<&'static Mutex<Instant>> {
    static LAST: OnceLock<Option<Mutex<Instant>>> = OnceLock::new();
    LAST.get_or_init(|| std::env::var_os("BLASTRADIUS_TIMINGS").map(|_| Mutex::new(Instant::now()))).as_ref()
}

/// Ends the stage named `stage`: prints the time since the previous mark.
pub(crate) fn mark(stage: &str) {
    if let Some(last) = last() {
        let mut last = last.lock().unwrap_or_else(|e| e.into_inner());
        eprintln!("timing: {stage:<10} {:>8.1} ms", last.elapsed().as_secs_f64() * 1000.0);
        *last = Instant::now();
    }
}
