//! The knowledge catalog: token formats and well-known MCP servers, as data in
//! `rules/catalog/`, embedded in the binary at build time.

pub mod servers;
pub mod tokens;

pub use servers::{ServerCatalog, ServerEntry};
pub use tokens::{Lifetime, TokenCatalog, TokenMatch};
