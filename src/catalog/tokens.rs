//! Token formats: recognise a literal credential, its provider and lifetime.

use std::sync::OnceLock;

use aho_corasick::AhoCorasick;
use base64::Engine as _;
use regex::Regex;
use serde::Deserialize;

const TOKENS_JSON: &str = crate::yaml::catalog_json!("tokens");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Lifetime {
    LongLived,
    ShortLived,
    Unknown,
}

impl Lifetime {
    pub fn as_str(self) -> &'static str {
        match self {
            Lifetime::LongLived => "long-lived",
            Lifetime::ShortLived => "short-lived",
            Lifetime::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenFormat {
    pub id: String,
    pub provider: String,
    pub kind: String,
    pub pattern: String,
    pub prefix: String,
    /// Text one of which every match contains (by default the prefix).
    #[serde(default)]
    pub literals: Vec<String>,
    pub lifetime: Lifetime,
    #[serde(default)]
    pub human: bool,
    /// Fakes of the format's shape, each found as this format (tested).
    #[serde(default)]
    pub examples: Vec<String>,
    /// Near misses, none found as this format (tested).
    #[serde(default)]
    pub not: Vec<String>,
}

/// A token found in a text: its byte range there and what it is.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenMatch {
    pub start: usize,
    pub end: usize,
    pub format: usize,
    /// The lifetime, refined for JWTs by their claims.
    pub lifetime: Lifetime,
    /// Set when the token is meant to be public (a Supabase `anon` JWT).
    pub public: bool,
}

pub struct TokenCatalog {
    pub formats: Vec<TokenFormat>,
    /// Every format's literals at once, and the format each belongs to.
    literals: AhoCorasick,
    literal_format: Vec<usize>,
    /// Each format's pattern, compiled the first time one of its literals is
    /// seen: a scan of a few files compiles a few patterns, not all of them.
    regexes: Vec<OnceLock<Option<Regex>>>,
}

impl TokenCatalog {
    /// The catalog embedded from `rules/catalog/tokens.yaml`, compiled once.
    pub fn get() -> &'static TokenCatalog {
        static CATALOG: OnceLock<TokenCatalog> = OnceLock::new();
        CATALOG.get_or_init(|| {
            // The embedded file is ours and tested; failing here is a build defect.
            TokenCatalog::from_formats(crate::yaml::embedded(TOKENS_JSON, "rules/catalog/tokens.yaml"))
                .unwrap_or_else(|err| panic!("rules/catalog/tokens.yaml: {err}"))
        })
    }

    pub fn from_yaml(text: &str) -> Result<TokenCatalog, String> {
        Self::from_formats(crate::yaml::from_str(text).map_err(|e| e.to_string())?)
    }

    fn from_formats(mut formats: Vec<TokenFormat>) -> Result<TokenCatalog, String> {
        let mut literals = Vec::new();
        let mut literal_format = Vec::new();
        for (index, format) in formats.iter_mut().enumerate() {
            if format.literals.is_empty() {
                format.literals.push(format.prefix.clone());
            }
            if format.literals.iter().any(String::is_empty) {
                return Err(format!("{}: a token format needs a prefix or literals to look for", format.id));
            }
            for literal in &format.literals {
                literals.push(literal.clone());
                literal_format.push(index);
            }
        }
        let literals = AhoCorasick::new(&literals).map_err(|e| e.to_string())?;
        let regexes = formats.iter().map(|_| OnceLock::new()).collect();
        Ok(TokenCatalog { formats, literals, literal_format, regexes })
    }

    fn regex(&self, index: usize) -> Option<&Regex> {
        // The embedded catalog's patterns are compiled by its tests; one that
        // did not compile would find nothing rather than stop the scan.
        self.regexes[index].get_or_init(|| Regex::new(&self.formats[index].pattern).ok()).as_ref()
    }

    pub fn format(&self, m: &TokenMatch) -> &TokenFormat {
        &self.formats[m.format]
    }

    /// Every token in `text`, leftmost first; overlapping matches keep the
    /// earlier, then the longer one (`xoxe.xoxb-…` is one token, not two).
    pub fn find_all(&self, text: &str) -> Vec<TokenMatch> {
        let mut found: Vec<TokenMatch> = Vec::new();
        let mut candidates: Vec<usize> =
            self.literals.find_overlapping_iter(text).map(|m| self.literal_format[m.pattern().as_usize()]).collect();
        candidates.sort_unstable();
        candidates.dedup();
        for index in candidates {
            let Some(regex) = self.regex(index) else { continue };
            for caps in regex.captures_iter(text) {
                let Some(m) = caps.get(1).or_else(|| caps.get(0)) else {
                    continue;
                };
                let (lifetime, public) = if self.formats[index].id == "jwt" {
                    jwt_lifetime(m.as_str())
                } else {
                    (self.formats[index].lifetime, false)
                };
                found.push(TokenMatch { start: m.start(), end: m.end(), format: index, lifetime, public });
            }
        }
        found.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)).then(a.format.cmp(&b.format)));
        let mut kept: Vec<TokenMatch> = Vec::with_capacity(found.len());
        for m in found {
            if kept.last().is_some_and(|last| m.start < last.end) {
                continue;
            }
            kept.push(m);
        }
        kept
    }

    /// How a token may be shown: its format's prefix and stars, never more.
    pub fn masked(&self, m: &TokenMatch) -> String {
        format!("{}****", self.formats[m.format].prefix)
    }
}

/// Reads `exp` and `iat` of a JWT: no `exp`, or more than 30 days between
/// issue and expiry, is long-lived. Supabase `anon` keys are public by design.
fn jwt_lifetime(token: &str) -> (Lifetime, bool) {
    let Some(payload) = token.split('.').nth(1) else {
        return (Lifetime::Unknown, false);
    };
    let Ok(bytes) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')) else {
        return (Lifetime::Unknown, false);
    };
    let Ok(claims) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
        return (Lifetime::Unknown, false);
    };
    let public = claims.get("role").and_then(|r| r.as_str()) == Some("anon");
    let exp = claims.get("exp").and_then(|v| v.as_i64());
    let iat = claims.get("iat").and_then(|v| v.as_i64());
    let lifetime = match (exp, iat) {
        (None, _) => Lifetime::LongLived,
        (Some(exp), Some(iat)) if exp - iat > 30 * 24 * 3600 => Lifetime::LongLived,
        (Some(_), Some(_)) => Lifetime::ShortLived,
        (Some(_), None) => Lifetime::Unknown,
    };
    (lifetime, public)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_finds_its_examples_and_not_its_near_misses() {
        let catalog = TokenCatalog::get();
        let mut failures = Vec::new();
        for (index, format) in catalog.formats.iter().enumerate() {
            if format.examples.is_empty() || format.not.is_empty() {
                failures.push(format!("{}: needs examples and near misses", format.id));
            }
            // In a line as a config writes it: `KEY="<token>"`.
            let found = |text: &str| {
                let line = format!("KEY=\"{text}\"");
                catalog.find_all(&line).iter().any(|m| m.format == index && &line[m.start..m.end] == text)
            };
            let missed = format.examples.iter().filter(|e| !found(e));
            failures.extend(missed.map(|e| format!("{}: example not found: {e}", format.id)));
            let wrong = format
                .not
                .iter()
                .filter(|n| catalog.find_all(&format!("KEY=\"{n}\"")).iter().any(|m| m.format == index));
            failures.extend(wrong.map(|n| format!("{}: near miss found: {n}", format.id)));
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    fn jwt(claims: &str) -> String {
        let e = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        format!("{}.{}.{}", e(r#"{"alg":"HS256","typ":"JWT"}"#), e(claims), "c2lnbmF0dXJlc2lnbmF0dXJl")
    }

    #[test]
    fn every_pattern_compiles_and_its_examples_hold_a_literal() {
        let catalog = TokenCatalog::get();
        for (index, format) in catalog.formats.iter().enumerate() {
            assert!(catalog.regex(index).is_some(), "{}: pattern does not compile", format.id);
            for example in &format.examples {
                assert!(format.literals.iter().any(|l| example.contains(l.as_str())), "{}: {example}", format.id);
            }
        }
    }

    #[test]
    fn a_format_without_prefix_or_literals_is_refused() {
        let yaml = "- { id: x, provider: X, kind: key, pattern: 'x[0-9]+', prefix: '', lifetime: unknown }\n";
        assert!(TokenCatalog::from_yaml(yaml).err().is_some_and(|e| e.contains("prefix or literals")));
    }

    #[test]
    fn catalog_has_forty_providers_and_compiles() {
        let catalog = TokenCatalog::get();
        let mut providers: Vec<_> = catalog.formats.iter().map(|f| f.provider.as_str()).collect();
        providers.sort();
        providers.dedup();
        assert!(providers.len() >= 40, "{} providers", providers.len());
    }

    #[test]
    fn finds_tokens_with_their_ranges_and_lifetimes() {
        let catalog = TokenCatalog::get();
        let text = format!("x ghp_{} y ASIA{} z", "a".repeat(36), "B".repeat(16));
        let found = catalog.find_all(&text);
        assert_eq!(found.len(), 2);
        assert_eq!(&text[found[0].start..found[0].end], format!("ghp_{}", "a".repeat(36)));
        assert_eq!(catalog.format(&found[0]).id, "github-pat");
        assert_eq!(found[1].lifetime, Lifetime::ShortLived);
        assert_eq!(catalog.masked(&found[0]), "ghp_****");
    }

    #[test]
    fn overlapping_matches_keep_the_outer_token() {
        let catalog = TokenCatalog::get();
        let text = format!("xoxe.xoxb-1-{}", "A".repeat(120));
        let found = catalog.find_all(&text);
        assert_eq!(found.len(), 1);
        assert_eq!(catalog.format(&found[0]).id, "slack-config-access");
    }

    #[test]
    fn jwt_lifetime_comes_from_claims() {
        let catalog = TokenCatalog::get();
        let forever = jwt(r#"{"sub":"svc"}"#);
        let hour = jwt(r#"{"sub":"svc","iat":1700000000,"exp":1700003600}"#);
        let anon = jwt(r#"{"role":"anon","iat":1700000000,"exp":2000000000}"#);
        assert_eq!(catalog.find_all(&forever)[0].lifetime, Lifetime::LongLived);
        assert_eq!(catalog.find_all(&hour)[0].lifetime, Lifetime::ShortLived);
        assert!(catalog.find_all(&anon)[0].public);
    }
}
