//! What a configured value is, as far as credentials go: a literal token of a
//! known format, a reference to a secret kept elsewhere, a placeholder, or a
//! literal secret of unknown format under a secret-like key. This describes;
//! rules decide what is a problem.

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;
use sha2::{Digest, Sha256};

use crate::catalog::{Lifetime, TokenCatalog};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    Literal,
    EnvReference,
    PromptInput,
    SecretStore,
    Helper,
}

impl Storage {
    pub fn as_str(self) -> &'static str {
        match self {
            Storage::Literal => "literal",
            Storage::EnvReference => "env-reference",
            Storage::PromptInput => "prompt-input",
            Storage::SecretStore => "secret-store",
            Storage::Helper => "helper",
        }
    }
}

/// One credential seen in a value.
#[derive(Debug, Clone, PartialEq)]
pub struct SecretFact {
    pub storage: Storage,
    /// Byte range of the secret (or the reference) inside the value text.
    pub range: Range<usize>,
    /// The referenced variable, or the key the literal sits under.
    pub name: Option<String>,
    pub provider: String,
    pub kind: String,
    /// The token format id from the catalog, `generic`, or `url-password`.
    pub format: String,
    pub lifetime: Lifetime,
    pub human: bool,
    /// What may be shown: a prefix and stars, or a reference as written.
    pub display: String,
    /// A short hash of a literal's value: equal secrets, equal hashes.
    pub hash: Option<String>,
}

/// Where the value sits, which changes how it is read.
#[derive(Debug, Clone, Copy, Default)]
pub struct ValueContext {
    /// The file holds placeholders by convention (`.env.example`): only
    /// token formats count, not guesses from key names.
    pub template: bool,
    /// The value is an HTTP header value.
    pub header: bool,
}

pub fn describe(key: Option<&str>, value: &str, ctx: ValueContext) -> Vec<SecretFact> {
    let catalog = TokenCatalog::get();
    let tokens: Vec<SecretFact> = catalog
        .find_all(value)
        .into_iter()
        .filter(|m| !m.public)
        .map(|m| {
            let format = catalog.format(&m);
            let secret = &value[m.start..m.end];
            SecretFact {
                storage: Storage::Literal,
                range: m.start..m.end,
                name: key.map(str::to_string),
                provider: format.provider.clone(),
                kind: format.kind.clone(),
                format: format.id.clone(),
                lifetime: m.lifetime,
                human: format.human,
                display: catalog.masked(&m),
                hash: Some(hash(secret)),
            }
        })
        .collect();
    if !tokens.is_empty() {
        return tokens;
    }
    let key_secret = key.is_some_and(is_secret_key) || (ctx.header && key.is_some_and(is_auth_header));
    let mut facts = references(value, key_secret);
    if let Some(fact) = url_password(value, key) {
        facts.push(fact);
    }
    facts.extend(query_secrets(value));
    if !facts.is_empty() || ctx.template || !key_secret {
        return facts;
    }
    generic_literal(key, value).into_iter().collect()
}

/// A text with every secret in it masked: known token formats (`ghp_****`),
/// URL passwords, and the values of secret-named query parameters. Applied
/// to strings kept as attributes (URLs, commands, grants), since messages
/// and graph output print those.
pub fn mask_text(text: &str) -> String {
    let catalog = TokenCatalog::get();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for m in catalog.find_all(text) {
        out.push_str(&text[at..m.start]);
        out.push_str(&catalog.masked(&m));
        at = m.end;
    }
    out.push_str(&text[at..]);
    static USERINFO: OnceLock<Regex> = OnceLock::new();
    let userinfo = USERINFO.get_or_init(|| {
        Regex::new(r"([a-zA-Z][a-zA-Z0-9+.\-]*://[^:/@\s]*):[^@/\s]+@")
            .unwrap_or_else(|e| panic!("userinfo regex: {e}"))
    });
    // A reference (`${DB_PASSWORD}`) or a placeholder is not a secret: shown as written.
    let out = userinfo
        .replace_all(&out, |caps: &regex::Captures<'_>| {
            let whole = &caps[0];
            let password = &whole[caps[1].len() + 1..whole.len() - 1];
            if reference_regex().is_match(password) || is_placeholder(password) {
                whole.to_string()
            } else {
                format!("{}:****@", &caps[1])
            }
        })
        .into_owned();
    static QUERY: OnceLock<Regex> = OnceLock::new();
    let query = QUERY.get_or_init(|| {
        Regex::new(r"([?&;]([A-Za-z0-9_.\-]+)=)([^&#\s'\x22]+)").unwrap_or_else(|e| panic!("query regex: {e}"))
    });
    query
        .replace_all(&out, |caps: &regex::Captures<'_>| {
            if is_secret_key(&caps[2]) && !caps[3].starts_with('*') {
                format!("{}****", &caps[1])
            } else {
                caps[0].to_string()
            }
        })
        .into_owned()
}

/// A short, one-way fingerprint of a secret.
pub fn hash(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

fn reference_regex() -> &'static Regex {
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

/// Every reference in the value that names a secret (by its own name, or by
/// the key it sits under).
fn references(value: &str, key_secret: bool) -> Vec<SecretFact> {
    let mut facts = Vec::new();
    for caps in reference_regex().captures_iter(value) {
        let Some(whole) = caps.get(0) else { continue };
        let (index, name) = match (1..=7).find_map(|i| caps.get(i).map(|m| (i, m.as_str()))) {
            Some(found) => found,
            None => continue,
        };
        if !(key_secret || is_secret_key(name)) {
            continue;
        }
        let storage = match index {
            1 => Storage::SecretStore,
            2 | 6 => Storage::PromptInput,
            _ => Storage::EnvReference,
        };
        facts.push(SecretFact {
            storage,
            range: whole.start()..whole.end(),
            name: Some(name.to_string()),
            provider: "unknown".into(),
            kind: "reference".into(),
            format: "reference".into(),
            lifetime: Lifetime::Unknown,
            human: false,
            display: whole.as_str().to_string(),
            hash: None,
        });
    }
    facts
}

/// `scheme://user:password@host`: a password in a connection string or URL.
fn url_password(value: &str, key: Option<&str>) -> Option<SecretFact> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"([a-zA-Z][a-zA-Z0-9+.\-]*)://([^:/@\s]*):([^@/\s]+)@[^\s/]")
            .unwrap_or_else(|e| panic!("url regex: {e}"))
    });
    let caps = re.captures(value)?;
    let password = caps.get(3)?;
    let text = password.as_str();
    if is_placeholder(text) || reference_regex().is_match(text) || text.starts_with('*') {
        return None;
    }
    let scheme = caps.get(1).map(|m| m.as_str().to_ascii_lowercase()).unwrap_or_default();
    Some(SecretFact {
        storage: Storage::Literal,
        range: password.start()..password.end(),
        name: key.map(str::to_string),
        provider: scheme.clone(),
        kind: format!("password in a {scheme} connection string"),
        format: "url-password".into(),
        lifetime: Lifetime::Unknown,
        human: false,
        display: format!("{scheme}://…:****@…"),
        hash: Some(hash(text)),
    })
}

/// `?api_key=…`, `&token=…`: a secret in a URL parameter, which servers
/// log and proxies keep.
fn query_secrets(value: &str) -> Vec<SecretFact> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"[?&;]([A-Za-z0-9_.\-]+)=([^&#\s'\x22]+)").unwrap_or_else(|e| panic!("query regex: {e}"))
    });
    if !value.contains("://") {
        return Vec::new();
    }
    re.captures_iter(value)
        .filter_map(|caps| {
            let (name, secret) = (caps.get(1)?, caps.get(2)?);
            let text = secret.as_str();
            if !is_secret_key(name.as_str())
                || is_placeholder(text)
                || reference_regex().is_match(text)
                || text.len() < 8
            {
                return None;
            }
            Some(SecretFact {
                storage: Storage::Literal,
                range: secret.start()..secret.end(),
                name: Some(name.as_str().to_string()),
                provider: "unknown".into(),
                kind: format!("secret in the `{}` URL parameter", name.as_str()),
                format: "generic".into(),
                lifetime: Lifetime::Unknown,
                human: false,
                display: "****".into(),
                hash: Some(hash(text)),
            })
        })
        .collect()
}

fn generic_literal(key: Option<&str>, value: &str) -> Option<SecretFact> {
    let key = key?;
    let trimmed = value.trim();
    let (secret, offset) = strip_auth_scheme(trimmed);
    let start = value.len() - value.trim_start().len() + offset;
    let password_key = {
        let k = key.to_ascii_lowercase();
        k.contains("passw") || k.contains("pwd")
    };
    if !looks_like_secret(secret, password_key) {
        return None;
    }
    Some(SecretFact {
        storage: Storage::Literal,
        range: start..start + secret.len(),
        name: Some(key.to_string()),
        provider: "unknown".into(),
        kind: if password_key { "password".into() } else { format!("secret under `{key}`") },
        format: "generic".into(),
        lifetime: Lifetime::Unknown,
        human: false,
        display: "****".into(),
        hash: Some(hash(secret)),
    })
}

fn strip_auth_scheme(value: &str) -> (&str, usize) {
    for scheme in ["Bearer ", "bearer ", "Basic ", "basic ", "Token ", "token ", "Bot "] {
        if let Some(rest) = value.strip_prefix(scheme) {
            let rest_trim = rest.trim_start();
            return (rest_trim, value.len() - rest_trim.len());
        }
    }
    (value, 0)
}

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
    const YES: &[&str] = &[
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
    YES.iter().any(|s| k.contains(s)) || k.ends_with("_key") || k == "key" || k == "auth" || k == "pat"
}

fn is_auth_header(key: &str) -> bool {
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

fn looks_like_secret(value: &str, password_key: bool) -> bool {
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

    fn one(key: Option<&str>, value: &str) -> Vec<SecretFact> {
        describe(key, value, ValueContext::default())
    }

    #[test]
    fn known_token_is_a_literal_with_its_range() {
        let token = format!("ghp_{}", "A1b2".repeat(9));
        let value = format!("Bearer {token}");
        let facts = one(Some("Authorization"), &value);
        assert_eq!(facts.len(), 1);
        assert_eq!(facts[0].storage, Storage::Literal);
        assert_eq!(&value[facts[0].range.clone()], token);
        assert_eq!(facts[0].display, "ghp_****");
        assert_eq!(facts[0].lifetime, Lifetime::LongLived);
    }

    #[test]
    fn references_are_not_literals() {
        for value in
            ["${GITHUB_TOKEN}", "${env:GITHUB_TOKEN}", "$GITHUB_TOKEN", "Bearer ${input:gh-pat}", "${{ secrets.KEY }}"]
        {
            let facts = one(Some("GITHUB_TOKEN"), value);
            assert_eq!(facts.len(), 1, "{value}");
            assert_ne!(facts[0].storage, Storage::Literal, "{value}");
        }
        assert_eq!(one(Some("TOKEN"), "${input:gh-pat}")[0].storage, Storage::PromptInput);
    }

    #[test]
    fn placeholders_are_nothing() {
        for value in ["<YOUR_TOKEN>", "your-api-key-here", "xxxxxxxxxxxx", "changeme", "sk-...", ""] {
            assert!(one(Some("API_KEY"), value).is_empty(), "{value}");
        }
    }

    #[test]
    fn generic_secret_under_a_secret_key() {
        let facts = one(Some("BINANCE_SECRET_KEY"), "EHOtZJHMFPo3cdj8uaODsLhmF5Yt5RBQ");
        assert_eq!(facts.len(), 1);
        assert_eq!(facts[0].format, "generic");
        assert!(one(Some("MAX_TOKENS"), "4096").is_empty());
        assert!(one(Some("ANTHROPIC_AUTH_TOKEN"), "not-needed-lite-proxy").is_empty());
        assert!(one(Some("LOG_LEVEL"), "EHOtZJHMFPo3cdj8uaODsLhmF5Yt5RBQ").is_empty());
        assert!(one(Some("GOOGLE_APPLICATION_CREDENTIALS"), "/secrets/sa.json").is_empty());
    }

    #[test]
    fn password_in_connection_string() {
        let value = "postgresql://app:s3cr3tPass@db.internal:5432/app";
        let facts = one(Some("DATABASE_URL"), value);
        assert_eq!(facts.len(), 1);
        assert_eq!(&value[facts[0].range.clone()], "s3cr3tPass");
        assert_eq!(facts[0].format, "url-password");
        assert!(one(Some("DATABASE_URL"), "postgresql://app:${DB_PASSWORD}@db/app").len() == 1);
        assert_eq!(
            one(Some("DATABASE_URL"), "postgresql://app:${DB_PASSWORD}@db/app")[0].storage,
            Storage::EnvReference
        );
    }

    #[test]
    fn masked_text_hides_every_kind_of_secret() {
        let token = format!("ghp_{}", "A1b2".repeat(9));
        let text =
            format!("curl -H 'Authorization: Bearer {token}' https://u:hunter22@x.example/p?api_key=Zq8vL2mxR4&page=2");
        let masked = mask_text(&text);
        assert!(!masked.contains(&token) && !masked.contains("hunter22") && !masked.contains("Zq8vL2mxR4"), "{masked}");
        assert!(masked.contains("ghp_****") && masked.contains("page=2"), "{masked}");
        let reference = "postgresql://app:${DB_PASSWORD}@db/app";
        assert_eq!(mask_text(reference), reference);
    }

    #[test]
    fn templates_only_count_known_formats() {
        let ctx = ValueContext { template: true, header: false };
        assert!(describe(Some("API_KEY"), "EHOtZJHMFPo3cdj8uaODsLhmF5Yt5RBQ", ctx).is_empty());
    }
}
