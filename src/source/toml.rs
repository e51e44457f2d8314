//! TOML through the `toml` crate's spanned document tree (`DeTable`).

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::{Entry, Node, Span, SyntaxError, Value};

pub(super) fn parse(text: &str) -> Result<Node, SyntaxError> {
    let table = DeTable::parse(text).map_err(|err| {
        let range = err.span().unwrap_or(0..0);
        SyntaxError {
            message: format!("invalid TOML: {}", err.message().trim_end()),
            span: Span::new(range.start, range.end),
        }
    })?;
    let span = table.span();
    Ok(Node::new(lower_table(table.into_inner()), Span::new(span.start, span.end)))
}

fn lower_table(table: DeTable<'_>) -> Value {
    Value::Object(
        table
            .into_iter()
            .map(|(key, value)| {
                let key_span = key.span();
                Entry {
                    key: key.into_inner().into_owned(),
                    key_span: Span::new(key_span.start, key_span.end),
                    value: lower(value),
                }
            })
            .collect(),
    )
}

fn lower(value: Spanned<DeValue<'_>>) -> Node {
    let range = value.span();
    let span = Span::new(range.start, range.end);
    let value = match value.into_inner() {
        DeValue::String(s) => Value::String(s.into_owned()),
        DeValue::Integer(i) => Value::Number(i.as_str().to_string()),
        DeValue::Float(f) => Value::Number(f.as_str().to_string()),
        DeValue::Boolean(b) => Value::Bool(b),
        DeValue::Datetime(d) => Value::String(d.to_string()),
        DeValue::Array(items) => Value::Array(items.into_iter().map(lower).collect()),
        DeValue::Table(table) => lower_table(table),
    };
    Node::new(value, span)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_value_spans() {
        let text = "approval_policy = \"never\"\n[mcp_servers.gh]\ncommand = \"npx\"\n";
        let node = parse(text).unwrap();
        let v = node.get("approval_policy").unwrap();
        assert_eq!(&text[v.span.start..v.span.end], "\"never\"");
        let cmd = node.at(&["mcp_servers", "gh", "command"]).unwrap();
        assert_eq!(&text[cmd.span.start..cmd.span.end], "\"npx\"");
    }

    #[test]
    fn reports_a_located_error() {
        let err = parse("a = \n").unwrap_err();
        assert!(err.message.starts_with("invalid TOML"));
    }
}
