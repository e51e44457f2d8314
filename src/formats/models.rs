//! Where an agent sends its prompts (MAESTRO L1, foundation models): the
//! base URL of its model API. Every prompt, every file the agent reads and
//! its API key go there, so a plain-http endpoint (BR703) or a host that is
//! no model provider's own API (a relay, BR704) is noted on the agent.

use super::servers::url_parts;
use super::Ctx;
use crate::catalog::ProviderCatalog;
use crate::source::Node as Doc;

/// Notes the model endpoint `url` of `agent`, written at `pointer`.
pub(super) fn endpoint(ctx: &mut Ctx<'_>, agent: &str, url: &Doc, pointer: &str) {
    let Some(text) = url.scalar_text() else { return };
    let parts = url_parts(&text);
    let shown = crate::redact::mask(&text);
    ctx.note(agent, "model_endpoints", shown.clone(), url.span, pointer);
    if parts.loopback || parts.templated || parts.cluster {
        return;
    }
    if parts.scheme == "http" {
        ctx.note(agent, "model_endpoints_plain_http", shown.clone(), url.span, pointer);
    }
    if !ProviderCatalog::get().knows(&parts.host) {
        ctx.note(agent, "model_relays", shown, url.span, pointer);
    }
}
