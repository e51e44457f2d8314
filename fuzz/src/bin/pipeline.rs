//! The whole pipeline: bytes written as one agent config (its kind chosen
//! by the first byte), scanned, and rendered in every output format.

fn main() {
    let rules = blastradius_fuzz::rules();
    let dir = std::env::temp_dir().join(format!("blastradius-fuzz-{}", std::process::id()));
    afl::fuzz!(|data: &[u8]| {
        blastradius_fuzz::pipeline(&dir, data, &rules);
    });
}
