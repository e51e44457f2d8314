//! dotenv files: every assignment whose value is a credential. Templates
//! (`.env.example`, `.env.sample`, `.env.template`) hold placeholders, so
//! only known token formats count there.

use super::Ctx;
use crate::source::Node as Doc;

pub fn adapt(ctx: &mut Ctx<'_>, doc: &Doc) {
    for entry in doc.entries() {
        // dotenv credentials belong to whatever loads the file; no owner edge.
        ctx.credentials_in("", Some(&entry.key), &entry.value, &entry.key, "env");
    }
}
