//! Where a scan's time goes, stage by stage, on standard error when
//! `BLASTRADIUS_TIMINGS` is set: what `benches/` profiles read. Silent and
//! nearly free otherwise.

use std::sync::{Mutex, OnceLock};
use std::time::Instant;

fn last() -> Option<&'static Mutex<Instant>> {
    static LAST: OnceLock<Option<Mutex<Instant>>> = OnceLock::new();
    LAST.get_or_init(|| std::env::var_os("BLASTRADIUS_TIMINGS").map(|_| Mutex::new(Instant::now()))).as_ref()
}

/// Ends the stage named `stage`: prints the time since the previous mark,
/// and, where the system tells, the peak resident memory so far and now.
pub(crate) fn mark(stage: &str) {
    if let Some(last) = last() {
        let mut last = last.lock().unwrap_or_else(|e| e.into_inner());
        let memory = memory().map(|(peak, now)| format!("   peak {peak:>4} MiB, now {now:>4} MiB")).unwrap_or_default();
        eprintln!("timing: {stage:<10} {:>8.1} ms{memory}", last.elapsed().as_secs_f64() * 1000.0);
        *last = Instant::now();
    }
}

/// Peak and current resident memory in MiB, from `/proc/self/status`
/// (Linux's `VmHWM` and `VmRSS`).
fn memory() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        let kib: u64 = line[name.len()..].trim().trim_end_matches("kB").trim().parse().ok()?;
        Some(kib / 1024)
    };
    Some((field("VmHWM:")?, field("VmRSS:")?))
}
