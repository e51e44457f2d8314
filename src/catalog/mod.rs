//! The knowledge catalog: token formats, well-known MCP servers and what
//! shell command grants allow, as data in
//! `rules/catalog/`, embedded in the binary at build time.

pub(crate) mod ci;
pub(crate) mod commands;
pub(crate) mod servers;
pub(crate) mod tokens;

pub use ci::CiCatalog;
pub use commands::{CommandCatalog, CommandGrant};
pub use servers::{ServerCatalog, ServerEntry};
pub use tokens::{Lifetime, TokenCatalog, TokenMatch};
