//! A line on standard error while a long scan runs: after a second, how many
//! files are read and what the scan is doing, redrawn in place and erased
//! before the report. Only on a terminal, never with `--quiet` or in CI
//! (`CI` set), where a redrawn line is noise in a log.

use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

static READ: AtomicUsize = AtomicUsize::new(0);
static TOTAL: AtomicUsize = AtomicUsize::new(0);
static STAGE: Mutex<&str> = Mutex::new("walking the tree");

/// How long a scan runs before the line appears.
const QUIET_FOR: Duration = Duration::from_secs(1);
const REDRAW: Duration = Duration::from_millis(200);

/// The scan found `total` files to read; none is read yet (a process may
/// scan more than once: `--user`, the tests).
pub(crate) fn found(total: usize) {
    READ.store(0, Ordering::Relaxed);
    TOTAL.store(total, Ordering::Relaxed);
    stage("reading files");
}

/// One more file read.
pub(crate) fn read_one() {
    READ.fetch_add(1, Ordering::Relaxed);
}

/// What the scan does now.
pub(crate) fn stage(what: &'static str) {
    *STAGE.lock().unwrap_or_else(|e| e.into_inner()) = what;
}

/// The line as drawn (without the erase sequence).
fn line(read: usize, total: usize, stage: &str) -> String {
    match total {
        0 => format!("blastradius: {stage}…"),
        _ => format!("blastradius: {read} of {total} files read; {stage}…"),
    }
}

/// The line while it is shown; dropping it erases the line.
pub(crate) struct Progress {
    done: Arc<AtomicBool>,
    drawer: Option<JoinHandle<()>>,
}

/// Starts the line if standard error is a terminal and the run is neither
/// quiet nor in CI.
pub(crate) fn start(quiet: bool) -> Progress {
    start_if(wanted(quiet))
}

fn wanted(quiet: bool) -> bool {
    use std::io::IsTerminal;
    !quiet
        && std::io::stderr().is_terminal()
        && std::env::var_os("CI").is_none()
        && std::env::var("TERM").map_or(true, |t| t != "dumb")
}

fn start_if(wanted: bool) -> Progress {
    let done = Arc::new(AtomicBool::new(false));
    let drawer = wanted.then(|| {
        let done = Arc::clone(&done);
        std::thread::spawn(move || draw(&done))
    });
    Progress { done, drawer }
}

fn draw(done: &AtomicBool) {
    let started = Instant::now();
    let mut drawn = false;
    while !done.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(50));
        if started.elapsed() < QUIET_FOR {
            continue;
        }
        let stage = *STAGE.lock().unwrap_or_else(|e| e.into_inner());
        let text = line(READ.load(Ordering::Relaxed), TOTAL.load(Ordering::Relaxed), stage);
        // `\r` and erase-line: redrawn in place, one line however long it ran.
        let _ = write!(std::io::stderr(), "\r\x1b[2K{text}");
        drawn = true;
        std::thread::sleep(REDRAW);
    }
    if drawn {
        let _ = write!(std::io::stderr(), "\r\x1b[2K");
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.done.store(true, Ordering::Relaxed);
        if let Some(drawer) = self.drawer.take() {
            let _ = drawer.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_says_how_far_and_what() {
        assert_eq!(line(120, 30_000, "reading files"), "blastradius: 120 of 30000 files read; reading files…");
        assert_eq!(line(0, 0, "walking the tree"), "blastradius: walking the tree…");
    }

    #[test]
    fn quiet_runs_draw_nothing() {
        assert!(!wanted(true));
        assert!(start(true).drawer.is_none());
    }

    #[test]
    fn a_quick_run_returns_at_once() {
        // Dropped before the first second: the drawer never wrote a byte.
        let started = Instant::now();
        drop(start_if(true));
        assert!(started.elapsed() < QUIET_FOR);
    }
}
