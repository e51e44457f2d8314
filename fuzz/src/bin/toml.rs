//! The toml reader: any bytes parse or fail with a located error, never a
//! panic, and every span lies inside the text.

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let Ok(text) = std::str::from_utf8(data) else { return };
        if let Ok(parsed) = blastradius::source::parse_file(text, blastradius::source::Syntax::Toml) {
            for span in &parsed.literals {
                assert!(span.start <= span.end && span.end <= text.len(), "span {span:?} outside the text");
            }
        }
    });
}
