//! Phrases in text the model reads that speak to the model, not the user
//! (`rules/catalog/instructions.yaml`): a tool's description that steers
//! other tool calls, a skill or sub-agent whose body tells the model to hide
//! what it does. Each is set, located, on the node whose model reads it
//! (`instruction_phrases`). HTML comments are left to the hidden-text check.

use super::Ctx;
use crate::catalog::{InstructionCatalog, Reader};
use crate::graph::{Item, SetAttr};
use crate::source::{Node as Doc, Span};

/// The phrases of a description (a string value) of node `key`.
pub(super) fn in_description(ctx: &mut Ctx<'_>, key: &str, description: &Doc, pointer: &str) {
    in_text(ctx, key, description, pointer, Reader::Description);
}

/// The phrases of a string value read as `reader` by the model of node `key`.
pub(super) fn in_text(ctx: &mut Ctx<'_>, key: &str, description: &Doc, pointer: &str, reader: Reader) {
    let Some(text) = description.as_str() else { return };
    let found = InstructionCatalog::get()
        .find(text, reader)
        .into_iter()
        .map(|(range, phrase)| {
            let span = if range == (0..text.len()) { description.span } else { ctx.sub_span(description, text, range) };
            Item::new(phrase, Some(ctx.loc(span, pointer)))
        })
        .collect();
    set(ctx, key, found);
}

/// The phrases of this Markdown file's body, instructions that node `key`
/// follows (a skill, a command, a sub-agent, a prompt file).
pub(super) fn in_body(ctx: &mut Ctx<'_>, key: &str) {
    let text = ctx.source.text.as_str();
    let body = crate::source::front_matter_end(text);
    let mut found = Vec::new();
    for (start, piece) in outside_comments(text, body) {
        for (range, phrase) in InstructionCatalog::get().find(piece, Reader::Instructions) {
            let span = Span::new(start + range.start, start + range.end);
            found.push(Item::new(phrase, Some(ctx.loc(span, "body"))));
        }
    }
    set(ctx, key, found);
}

/// Adds `found` to the node's list; the list is located at its first phrase.
fn set(ctx: &mut Ctx<'_>, key: &str, found: Vec<Item>) {
    let Some(node) = ctx.node_mut(key) else { return };
    for item in found {
        if !node.attrs.contains_key("instruction_phrases") {
            let loc = item.loc().cloned();
            node.set_list("instruction_phrases", vec![item], loc);
        } else {
            node.push_item("instruction_phrases", item);
        }
    }
}

/// The stretches of `text` after `from` that are not inside `<!-- … -->`,
/// each with its byte offset.
fn outside_comments(text: &str, from: usize) -> Vec<(usize, &str)> {
    let mut pieces = Vec::new();
    let mut at = from;
    while at < text.len() {
        let rest = &text[at..];
        let Some(open) = rest.find("<!--") else {
            pieces.push((at, rest));
            break;
        };
        pieces.push((at, &rest[..open]));
        at = rest[open..].find("-->").map_or(text.len(), |close| at + open + close + 3);
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::outside_comments;

    #[test]
    fn comments_are_left_out() {
        let text = "a <!-- b --> c <!-- d";
        assert_eq!(outside_comments(text, 0), [(0, "a "), (12, " c ")]);
        assert_eq!(outside_comments(text, 13), [(13, "c ")]);
    }
}
