//! Redaction: one function finds the secrets in any text, and everything
//! that shows text (snippets, messages, names, paths) masks what it finds.
//!
//! Detection (`formats::secrets`) and masking share these finders, so what is
//! reported as a secret is also hidden, and a reference such as
//! `${API_KEY}` is neither. Text from a scanned file reaches a renderer only
//! through [`shown`] (one line, masked, control characters made visible) or
//! [`star`] (a whole file, masked to the same length, for snippets).

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;
use sha2::{Digest, Sha256};

use crate::catalog::TokenCatalog;

/// What kind of secret a range holds; decides how it is masked.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// A token of a catalogued format: shown as its prefix and stars.
    Token(crate::catalog::TokenMatch),
    /// A PEM private key, from its BEGIN line through its END line.
    PrivateKey,
    /// The password of `scheme://user:password@host`.
    UrlPassword { scheme: String },
    /// The value of a secret-named URL parameter (`?api_key=…`).
    QueryParam { name: String },
    /// The credential after `Bearer`, `Basic` or `Token` (an HTTP header).
    AuthScheme,
    /// The value under a secret-like key anywhere in the text (`password: …`
    /// in a comment, `"AUTH_HEADER": "…"`).
    KeyValue,
    /// A long random-looking word: only masked in drawn source lines.
    HighEntropy,
}

/// One secret found in a text.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub range: Range<usize>,
    pub kind: Kind,
}

fn regex(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    // Our own literal patterns, tested: failing here is a build defect.
    cell.get_or_init(|| Regex::new(pattern).unwrap_or_else(|e| panic!("redact pattern {pattern}: {e}")))
}

/// A reference to a secret kept elsewhere, or a stand-in: never a secret.
fn not_a_secret(text: &str) -> bool {
    is_placeholder(text) || reference_regex().is_match(text) || text.starts_with('*')
}

/// `scheme://user:password@host`: the password, unless a reference.
pub fn url_passwords(text: &str) -> Vec<Found> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = regex(&RE, r"([a-zA-Z][a-zA-Z0-9+.\-]*)://[^:/@\s'\x22]*:([^@/\s'\x22]+)@");
    // Most text holds no URL at all: skip the search (a scan masks every
    // value it shows, thousands of times).
    if !text.contains("://") || !text.contains('@') {
        return Vec::new();
    }
    re.captures_iter(text)
        .filter_map(|caps| {
            let password = caps.get(2)?;
            (!not_a_secret(password.as_str())).then(|| Found {
                range: password.range(),
                kind: Kind::UrlPassword { scheme: caps[1].to_ascii_lowercase() },
            })
        })
        .collect()
}

/// `?api_key=…`, `&token=…`: secret-named URL parameters, unless references.
pub fn query_params(text: &str) -> Vec<Found> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = regex(&RE, r"[?&;]([A-Za-z0-9_.\-]+)=([^&#\s'\x22]+)");
    if !text.contains("://") {
        return Vec::new();
    }
    re.captures_iter(text)
        .filter_map(|caps| {
            let (name, value) = (caps.get(1)?, caps.get(2)?);
            (is_secret_key(name.as_str()) && !not_a_secret(value.as_str()))
                .then(|| Found { range: value.range(), kind: Kind::QueryParam { name: name.as_str().to_string() } })
        })
        .collect()
}

/// PEM private keys, through the END line (or the end of the text when it
/// has none); the body may span lines or sit on one with `\n` escapes.
fn private_keys(text: &str) -> Vec<Found> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = regex(
        &RE,
        r"(?s)-----BEGIN[ A-Z0-9_\-]{0,100}PRIVATE KEY(?: BLOCK)?-----.*?(?:-----END[ A-Z0-9_\-]{0,100}PRIVATE KEY(?: BLOCK)?-----|\z)",
    );
    if !text.contains("-----BEGIN") {
        return Vec::new();
    }
    re.find_iter(text).map(|m| Found { range: m.range(), kind: Kind::PrivateKey }).collect()
}

/// An opaque credential after an HTTP auth scheme, anywhere in a text
/// (`curl -H 'Authorization: Bearer …'` inside a shell string).
fn auth_schemes(text: &str) -> Vec<Found> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = regex(&RE, r"(?i)\b(?:bearer|basic|token)\s+([A-Za-z0-9._~+/=\-]{8,})");
    if !may_name_a_secret(text) {
        return Vec::new();
    }
    re.captures_iter(text)
        .filter_map(|caps| {
            let value = caps.get(1)?;
            let v = value.as_str();
            // Prose ("Bearer authentication") is words; credentials mix case or digits.
            let mixed = v.chars().any(|c| c.is_ascii_digit())
                || (v.chars().any(|c| c.is_ascii_uppercase()) && v.chars().any(|c| c.is_ascii_lowercase()))
                || v.len() >= 24;
            (mixed && !not_a_secret(v)).then(|| Found { range: value.range(), kind: Kind::AuthScheme })
        })
        .collect()
}

/// Whether `text` holds a word that every secret-like key (see
/// [`is_secret_key`] and [`secret_like_key`]) and every auth scheme
/// contains, in any case. Most texts a report shows (names, paths) hold
/// none, and are then spared the key and scheme regexes.
fn may_name_a_secret(text: &str) -> bool {
    static WORDS: OnceLock<aho_corasick::AhoCorasick> = OnceLock::new();
    let words = WORDS.get_or_init(|| {
        let words = [
            "key",
            "token",
            "secret",
            "passw",
            "pwd",
            "credential",
            "bearer",
            "auth",
            "pat",
            "service",
            "header",
            "basic",
        ];
        // Plain words: building cannot fail.
        aho_corasick::AhoCorasick::builder().ascii_case_insensitive(true).build(words).expect("plain words")
    });
    words.is_match(text)
}

/// A key that names a secret, as a drawn line may hold it: the detection
/// keys, plus headers and auth settings whose values carry credentials.
fn secret_like_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase().replace('-', "_");
    is_secret_key(&k) || k.ends_with("_header") || k.ends_with("_auth") || k == "private_key_id"
}

/// `key: value`, `"key": "value"`, `key=value` with a secret-like key,
/// anywhere in the text: comments and unparsed files included.
fn key_values(text: &str) -> Vec<Found> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = regex(
        &RE,
        r#"["']?([A-Za-z_][A-Za-z0-9_.\-]*)["']?[ \t]*[:=][ \t]*(?:"((?:[^"\\\n]|\\.)*)"|'([^'\n]*)'|([^\s,;{}\[\]#"']+))"#,
    );
    if !text.contains([':', '=']) || !may_name_a_secret(text) {
        return Vec::new();
    }
    re.captures_iter(text)
        .filter_map(|caps| {
            let key = caps.get(1)?;
            let value = caps.get(2).or_else(|| caps.get(3)).or_else(|| caps.get(4))?;
            if !secret_like_key(key.as_str()) {
                return None;
            }
            let (secret, offset) = strip_auth_scheme(value.as_str().trim());
            let lead = value.as_str().len() - value.as_str().trim_start().len();
            let k = key.as_str().to_ascii_lowercase();
            let password_key = k.contains("passw") || k.contains("pwd");
            if not_a_secret(secret) || !looks_like_secret(secret, password_key) {
                return None;
            }
            let start = value.start() + lead + offset;
            Some(Found { range: start..start + secret.len(), kind: Kind::KeyValue })
        })
        .collect()
}

/// Long random-looking words: mixed case and digits, high entropy. Hex
/// digests and UUIDs (one case) stay readable.
fn high_entropy(text: &str) -> Vec<Found> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = regex(&RE, r"[A-Za-z0-9+/=_\-]{24,}");
    re.find_iter(text)
        .filter(|m| {
            let v = m.as_str();
            v.chars().any(|c| c.is_ascii_digit())
                && v.chars().any(|c| c.is_ascii_uppercase())
                && v.chars().any(|c| c.is_ascii_lowercase())
                && !v.contains("//")
                && shannon_entropy(v) >= 4.0
        })
        .map(|m| Found { range: m.range(), kind: Kind::HighEntropy })
        .collect()
}

/// Every secret in `text`, sorted, overlaps resolved in favour of the
/// earlier and then the longer range. `entropy` adds long random-looking
/// words, for source lines drawn around a finding.
pub fn find(text: &str, entropy: bool) -> Vec<Found> {
    let catalog = TokenCatalog::get();
    let mut found: Vec<Found> =
        catalog.find_all(text).into_iter().map(|m| Found { range: m.start..m.end, kind: Kind::Token(m) }).collect();
    found.extend(private_keys(text));
    found.extend(url_passwords(text));
    found.extend(query_params(text));
    found.extend(auth_schemes(text));
    found.extend(key_values(text));
    if entropy {
        found.extend(high_entropy(text));
    }
    found.sort_by(|a, b| a.range.start.cmp(&b.range.start).then(b.range.end.cmp(&a.range.end)));
    let mut kept: Vec<Found> = Vec::with_capacity(found.len());
    for f in found {
        match kept.last_mut() {
            Some(last) if f.range.start < last.range.end => {
                // Overlapping finds (a token inside a PEM body) merge into the outer one.
                last.range.end = last.range.end.max(f.range.end);
            }
            _ => kept.push(f),
        }
    }
    kept
}

/// `text` with every secret replaced by its masked form (`ghp_****`,
/// `****`): for values kept as attributes and for one-line output.
pub fn mask(text: &str) -> String {
    let found = find(text, false);
    if found.is_empty() {
        return text.to_string();
    }
    let catalog = TokenCatalog::get();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for f in found {
        out.push_str(&text[at..f.range.start]);
        match &f.kind {
            Kind::Token(m) if m.end == f.range.end => out.push_str(&catalog.masked(m)),
            _ => out.push_str("****"),
        }
        at = f.range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// `text`, same length in bytes, with every secret (long random-looking
/// words too) starred out and control characters made `?`: a whole file made
/// safe to draw snippets from, its spans still valid. Line breaks stay.
pub fn star(text: &str, extra: &[Range<usize>]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for b in bytes.iter_mut() {
        if (*b < 0x20 && !matches!(*b, b'\n' | b'\r' | b'\t')) || *b == 0x7f {
            *b = b'?';
        }
    }
    let ranges = find(text, true).into_iter().map(|f| f.range).chain(extra.iter().cloned());
    for range in ranges {
        let end = range.end.min(bytes.len());
        for b in bytes.iter_mut().take(end).skip(range.start) {
            if !b.is_ascii_whitespace() {
                // Every byte of a multi-byte character becomes a `*`: valid UTF-8, same length.
                *b = b'*';
            }
        }
    }
    // Ranges fall on character boundaries, so this is lossless; lossy only as a guard.
    let starred = String::from_utf8_lossy(&bytes).into_owned();
    neutralise_invisible(&starred)
}

/// Text that could change how a line reads without being seen (C1 controls,
/// bidirectional overrides, zero-width and tag characters) replaced, one
/// replacement per character of the same byte length where possible.
fn neutralise_invisible(text: &str) -> String {
    if !text.chars().any(invisible) {
        return text.to_string();
    }
    text.chars().map(|c| if invisible(c) { "?".repeat(c.len_utf8()) } else { c.to_string() }).collect()
}

fn invisible(c: char) -> bool {
    matches!(c, '\u{80}'..='\u{9f}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}' | '\u{e0000}'..='\u{e007f}')
}

/// Text any output may show: built only by [`shown`]'s masking and
/// escaping, so a field of this type cannot carry a secret or a control
/// character to a renderer, whoever adds it.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Shown(std::sync::Arc<str>);

impl Shown {
    pub fn new(text: &str) -> Shown {
        Shown(shown(text).into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Shown {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Shown {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Shown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One line of text from a scanned file as any output may show it: secrets
/// masked, and control, bidirectional and invisible characters written as
/// visible escapes (`\n`, `\u{1b}`), so a name can neither forge a line of
/// output nor drive a terminal.
pub fn shown(text: &str) -> String {
    // A report shows the same paths and names thousands of times: short
    // texts are neutralised once per thread.
    const SHORT: usize = 256;
    // Enough for the names of a 10,000-agent graph (a few MiB at most).
    const KEPT: usize = 16384;
    thread_local! {
        static MEMO: std::cell::RefCell<std::collections::HashMap<String, String>> = Default::default();
    }
    if text.len() > SHORT {
        return neutralised(text);
    }
    MEMO.with(|memo| {
        if let Some(done) = memo.borrow().get(text) {
            return done.clone();
        }
        let done = neutralised(text);
        let mut memo = memo.borrow_mut();
        if memo.len() >= KEPT {
            memo.clear();
        }
        memo.insert(text.to_string(), done.clone());
        done
    })
}

fn neutralised(text: &str) -> String {
    let masked = mask(text);
    if !masked.chars().any(|c| c.is_control() || invisible(c)) {
        return masked;
    }
    let mut out = String::with_capacity(masked.len() + 8);
    for c in masked.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || invisible(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// A stable digest of a token of a catalogued format, for fingerprints that
/// must change when the token is replaced. Only for issued tokens, whose
/// random body no one can guess: a digest of a password would let anyone
/// who reads a report test guesses against it offline.
pub fn token_digest(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// A short fingerprint of a secret, keyed with a random key drawn once per
/// process: equal secrets get equal hashes within one scan (credential
/// reuse), yet a hash that reaches a file or a log confirms no guess of the
/// secret, since the key is never kept.
pub fn hash(secret: &str) -> String {
    static KEY: OnceLock<[u8; 16]> = OnceLock::new();
    let key = KEY.get_or_init(|| {
        use std::hash::{BuildHasher, Hasher};
        let mut key = [0u8; 16];
        for chunk in key.chunks_mut(8) {
            let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
            hasher.write_u64(std::process::id().into());
            chunk.copy_from_slice(&hasher.finish().to_le_bytes());
        }
        key
    });
    let mut hasher = Sha256::new();
    hasher.update(key);
    hasher.update(secret.as_bytes());
    hasher.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn reference_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(concat!(
            r"\$\{\{\s*secrets\.([A-Za-z0-9_\-.]+)\s*\}\}", // Continue, GitHub: secret store
            r"|\$\{input:([A-Za-z0-9_\-.]+)\}",             // VS Code prompt
            r"|\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}",         // Cursor, VS Code
            r"|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?\}", // ${VAR}, ${VAR:-default}
            r"|\$([A-Za-z_][A-Za-z0-9_]*)",                 // $VAR
            r"|\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}",     // LibreChat per-user variables
            r"|%([A-Za-z_][A-Za-z0-9_]*)%",                 // Windows
        ))
        .unwrap_or_else(|e| panic!("reference regex: {e}"))
    })
}

pub(crate) fn strip_auth_scheme(value: &str) -> (&str, usize) {
    for scheme in ["Bearer ", "bearer ", "Basic ", "basic ", "Token ", "token ", "Bot "] {
        if let Some(rest) = value.strip_prefix(scheme) {
            let rest_trim = rest.trim_start();
            return (rest_trim, value.len() - rest_trim.len());
        }
    }
    (value, 0)
}

/// A key holding one of these (lower case, `-` as `_`) names a secret.
const SECRET_KEY_WORDS: &[&str] = &[
    "token",
    "secret",
    "passw",
    "pwd",
    "apikey",
    "api_key",
    "accesskey",
    "access_key",
    "privatekey",
    "private_key",
    "credential",
    "bearer",
    "authorization",
    "auth_key",
    "authkey",
    "signing_key",
    "encryption_key",
    "session_key",
    "master_key",
    "service_role",
];

/// A secret-like key: TOKEN, SECRET, PASSWORD, API_KEY and the like, but not
/// the names of things about secrets (TOKEN_URL, MAX_TOKENS, KEY_PATH).
pub fn is_secret_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase().replace('-', "_");
    const NOT: &[&str] = &[
        "_url",
        "_uri",
        "_path",
        "_file",
        "_dir",
        "_id",
        "_name",
        "_host",
        "_endpoint",
        "_region",
        "_type",
        "_mode",
        "_provider",
        "_model",
        "_limit",
        "_count",
        "_ttl",
        "_expiry",
        "_expires",
        "_header",
        "_env",
        "_var",
        "_length",
        "_format",
        "_helper",
        "_command",
        "_cmd",
        "_location",
        "_version",
        "_enabled",
        "_timeout",
    ];
    if NOT.iter().any(|s| k.ends_with(s)) || k.contains("tokens") || k.contains("keyboard") || k.contains("keychain") {
        return false;
    }
    SECRET_KEY_WORDS.iter().any(|s| k.contains(s)) || k.ends_with("_key") || k == "key" || k == "auth" || k == "pat"
}

pub(crate) fn is_auth_header(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k == "authorization"
        || k == "proxy-authorization"
        || k.contains("api-key")
        || k.contains("apikey")
        || k.contains("token")
        || k.contains("secret")
        || k.starts_with("x-auth")
}

/// Obvious stand-ins: `<YOUR_TOKEN>`, `your-api-key-here`, `xxx…`, `changeme`.
pub fn is_placeholder(value: &str) -> bool {
    let v = value.trim().to_ascii_lowercase();
    if v.is_empty() {
        return true;
    }
    let wrapped = |open: char, close: char| v.starts_with(open) && v.ends_with(close);
    if wrapped('<', '>') || wrapped('[', ']') || wrapped('{', '}') || wrapped('(', ')') {
        return true;
    }
    const CONTAINS: &[&str] = &[
        "your",
        "xxx",
        "***",
        "...",
        "…",
        "placeholder",
        "example",
        "changeme",
        "change_me",
        "change-me",
        "replace",
        "dummy",
        "insert",
        "_here",
        "-here",
        " here",
        "todo",
        "redacted",
        "sample",
        "<",
        ">",
        "fill_in",
        "fill-in",
        "put_",
        "enter_",
        "enter-",
        "goes_here",
        "not_set",
        "notset",
        "not-set",
        "my_",
        "my-",
        "mysecret",
        "mytoken",
    ];
    if CONTAINS.iter().any(|s| v.contains(s)) {
        return true;
    }
    const EXACT: &[&str] = &[
        "test",
        "secret",
        "password",
        "token",
        "apikey",
        "api_key",
        "api-key",
        "none",
        "null",
        "nil",
        "undefined",
        "empty",
        "required",
        "optional",
        "default",
        "string",
        "true",
        "false",
        "pass",
        "admin",
        "root",
        "user",
        "username",
        "key",
        "value",
        "tbd",
        "n/a",
        "na",
        "-",
        "unset",
        "env",
        "user_provided",
        "user-provided",
    ];
    if EXACT.contains(&v.as_str()) {
        return true;
    }
    let mut chars = v.chars();
    let first = chars.next();
    chars.all(|c| Some(c) == first)
}

pub(crate) fn looks_like_secret(value: &str, password_key: bool) -> bool {
    if is_placeholder(value) || value.chars().any(char::is_whitespace) {
        return false;
    }
    let lower = value.to_ascii_lowercase();
    if lower.starts_with("http://")
        || lower.starts_with("https://")
        || value.starts_with('/')
        || value.starts_with("./")
        || value.starts_with("~/")
        || value.starts_with("../")
    {
        return false;
    }
    if [".json", ".pem", ".key", ".txt", ".env", ".yaml", ".yml", ".p12", ".crt"].iter().any(|ext| lower.ends_with(ext))
    {
        return false;
    }
    if value.chars().all(|c| c.is_ascii_digit() || c == '.' || c == '-') {
        return false;
    }
    if password_key {
        return value.chars().count() >= 6;
    }
    // Words joined by dashes (`not-needed-lite-proxy`) name a thing; they are
    // not a key. Issued secrets mix digits or case.
    let wordy = value.chars().all(|c| c.is_ascii_lowercase() || matches!(c, '-' | '_' | '.'));
    if wordy && value.contains(['-', '_', '.']) {
        return false;
    }
    value.len() >= 12 && shannon_entropy(value) >= 3.0
}

/// Bits per character.
pub fn shannon_entropy(value: &str) -> f64 {
    let mut counts = std::collections::HashMap::new();
    let mut total = 0usize;
    for c in value.chars() {
        *counts.entry(c).or_insert(0usize) += 1;
        total += 1;
    }
    if total == 0 {
        return 0.0;
    }
    counts
        .values()
        .map(|&n| {
            let p = n as f64 / total as f64;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ghp() -> String {
        format!("ghp_{}", "A1b2C3d4E5f6G7h8I9j0A1b2C3d4E5f6G7h8".get(..36).unwrap_or_default())
    }

    #[test]
    fn every_secret_key_and_auth_scheme_passes_the_prefilter() {
        let keys = SECRET_KEY_WORDS.iter().map(|w| format!("X_{}", w.to_ascii_uppercase().replace('_', "-")));
        let others = ["key", "Auth", "PAT", "db_key", "x_header", "x_auth", "private_key_id"];
        for key in keys.chain(others.iter().map(|s| s.to_string())) {
            assert!(secret_like_key(&key), "{key} is not a secret key");
            assert!(may_name_a_secret(&format!("{key}: x")), "{key}");
        }
        for scheme in ["Bearer", "BASIC", "token"] {
            assert!(may_name_a_secret(&format!("{scheme} abc")), "{scheme}");
        }
        assert!(!may_name_a_secret("researcher → writer: fs.read, net.fetch"));
    }

    #[test]
    fn masks_every_kind_of_secret() {
        let token = ghp();
        let text =
            format!("curl -H 'Authorization: Bearer {token}' https://u:hunter22@x.example/p?api_key=Zq8vL2mxR4&page=2");
        let masked = mask(&text);
        assert!(!masked.contains(&token) && !masked.contains("hunter22") && !masked.contains("Zq8vL2mxR4"), "{masked}");
        assert!(masked.contains("ghp_****") && masked.contains("page=2"), "{masked}");
    }

    #[test]
    fn references_and_placeholders_stay_as_written() {
        for text in [
            "postgresql://app:${DB_PASSWORD}@db/app",
            "https://x.example/sse?api_key=${API_KEY}",
            "Authorization: Bearer ${GITHUB_TOKEN}",
            "password: <your-password>",
            "token: ${{ secrets.GH_TOKEN }}",
        ] {
            assert_eq!(mask(text), text);
        }
        assert_eq!(mask("https://bot:s3cretPw9@db.example/x"), "https://bot:****@db.example/x");
    }

    #[test]
    fn bearer_tokens_and_secret_keys_anywhere() {
        let bearer = "bash -c \"curl -H 'Authorization: Bearer Zx81kLmq0PpYt7Ws' https://api\"";
        assert!(!mask(bearer).contains("Zx81kLmq0PpYt7Ws"), "{}", mask(bearer));
        let header = r#""AUTH_HEADER": "Bearer Zx81kLmq0PpYt7Ws""#;
        assert!(!mask(header).contains("Zx81kLmq0PpYt7Ws"));
        let comment = "# password: hunter2hunter\nname: x\n";
        assert_eq!(mask(comment), "# password: ****\nname: x\n");
        // Prose and ordinary settings are not secrets.
        for text in ["Bearer authentication is used", "max_tokens: 4096", "token_url: https://x.example/t"] {
            assert_eq!(mask(text), text);
        }
    }

    #[test]
    fn private_keys_masked_through_the_end_line() {
        let pem = "key: |\n  -----BEGIN PRIVATE KEY-----\n  MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n  -----END PRIVATE KEY-----\nnext: 1\n";
        let starred = star(pem, &[]);
        assert!(!starred.contains("MIIEv") && !starred.contains("END PRIVATE"), "{starred}");
        assert!(starred.ends_with("next: 1\n") && starred.len() == pem.len());
        let json = r#"{"private_key_id": "4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a", "private_key": "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----\n"}"#;
        let masked = mask(json);
        assert!(!masked.contains("MIIEow") && !masked.contains("4f3a2b1c0d9e"), "{masked}");
    }

    #[test]
    fn star_keeps_length_and_lines_and_hides_random_words() {
        let text = "a: Zk3pQ9xLm2Vt8Rw4Yb7Nc1Hd6\nsha: 3f786850e387550fdab836ed7e6dc881de23001b\n\u{1b}[2J";
        let starred = star(text, &[]);
        assert_eq!(starred.len(), text.len());
        assert!(!starred.contains("Zk3pQ9") && starred.contains("3f786850e387"), "{starred}");
        assert!(!starred.contains('\u{1b}'));
    }

    #[test]
    fn shown_text_is_masked_and_escaped_whatever_builds_it() {
        let text = Shown::new(&format!("name\u{1b}[2J {}", ghp()));
        assert_eq!(text.as_str(), "name\\u{1b}[2J ghp_****");
        assert_eq!(serde_json::to_string(&text).unwrap_or_default(), "\"name\\\\u{1b}[2J ghp_****\"");
    }

    #[test]
    fn shown_makes_controls_visible() {
        let name = "x\u{1b}]52;c;Zm9v\u{7}\n::error file=a::forged";
        assert_eq!(shown(name), "x\\u{1b}]52;c;Zm9v\\u{7}\\n::error file=a::forged");
        assert_eq!(shown(&format!("srv-{}", ghp())), "srv-ghp_****");
    }

    #[test]
    fn hashes_are_keyed() {
        assert_eq!(hash("hunter2"), hash("hunter2"));
        let unkeyed: String = Sha256::digest(b"hunter2").iter().take(8).map(|b| format!("{b:02x}")).collect();
        assert_ne!(hash("hunter2"), unkeyed);
    }
}
