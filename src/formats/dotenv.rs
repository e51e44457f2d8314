//! dotenv files: every assignment whose value is a credential. Templates
//! (`.env.example`, `.env.sample`, `.env.template`) hold placeholders, so
//! only known token formats count there.

use super::Ctx;
use crate::source::Node as Doc;

use super::registry::{Adapt, FormatSpec};
use crate::source::Syntax;

pub(super) const SPEC: FormatSpec = FormatSpec {
    id: "dotenv",
    client: "environment",
    name: "dotenv",
    syntax: Syntax::Dotenv,
    paths: &["**/.env", "**/.env.*", "**/*.env"],
    user: &[],
    markers: &[],
    reads: "`KEY=value` secrets (`.env.example` and other templates: only known token formats)",
    adapt: Adapt::First(adapt),
};

pub(super) fn adapt(ctx: &mut Ctx<'_>, doc: &Doc) {
    for entry in doc.entries() {
        // dotenv credentials belong to whatever loads the file; no owner edge.
        ctx.credentials_in("", Some(&entry.key), &entry.value, &entry.key, "env");
    }
}
