//! What a configured value is, as far as credentials go: a literal token of a
//! known format, a reference to a secret kept elsewhere, a placeholder, or a
//! literal secret of unknown format under a secret-like key. This describes;
//! rules decide what is a problem.

use std::ops::Range;

use crate::catalog::{Lifetime, TokenCatalog};
use crate::redact::{self, is_auth_header, is_secret_key, looks_like_secret, reference_regex, strip_auth_scheme};

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
pub(crate) struct ValueContext {
    /// The file holds placeholders by convention (`.env.example`): only
    /// token formats count, not guesses from key names.
    pub template: bool,
    /// The value is an HTTP header value.
    pub header: bool,
}

pub(crate) fn describe(key: Option<&str>, value: &str, ctx: ValueContext) -> Vec<SecretFact> {
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
                hash: Some(redact::token_digest(secret)),
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
    let found = redact::url_passwords(value).into_iter().next()?;
    let redact::Kind::UrlPassword { scheme } = found.kind else { return None };
    // A password only counts before a host (`user:pw@` then a host character).
    value[found.range.end..].chars().nth(1).filter(|c| !c.is_whitespace() && *c != '/')?;
    Some(SecretFact {
        storage: Storage::Literal,
        hash: Some(redact::hash(&value[found.range.clone()])),
        range: found.range,
        name: key.map(str::to_string),
        provider: scheme.clone(),
        kind: format!("password in a {scheme} connection string"),
        format: "url-password".into(),
        lifetime: Lifetime::Unknown,
        human: false,
        display: format!("{scheme}://…:****@…"),
    })
}

/// `?api_key=…`, `&token=…`: a secret in a URL parameter, which servers
/// log and proxies keep.
fn query_secrets(value: &str) -> Vec<SecretFact> {
    redact::query_params(value)
        .into_iter()
        .filter(|found| found.range.len() >= 8)
        .filter_map(|found| {
            let redact::Kind::QueryParam { name } = found.kind else { return None };
            Some(SecretFact {
                storage: Storage::Literal,
                hash: Some(redact::hash(&value[found.range.clone()])),
                range: found.range,
                kind: format!("secret in the `{name}` URL parameter"),
                name: Some(name),
                provider: "unknown".into(),
                format: "generic".into(),
                lifetime: Lifetime::Unknown,
                human: false,
                display: "****".into(),
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
        hash: Some(redact::hash(secret)),
    })
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
    fn templates_only_count_known_formats() {
        let ctx = ValueContext { template: true, header: false };
        assert!(describe(Some("API_KEY"), "EHOtZJHMFPo3cdj8uaODsLhmF5Yt5RBQ", ctx).is_empty());
    }
}
