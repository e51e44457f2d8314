//! The knowledge catalog: token formats, well-known MCP servers and what
//! shell command grants allow, as data in
//! `rules/catalog/`, embedded in the binary at build time.

pub(crate) mod ci;
pub(crate) mod commands;
pub(crate) mod impact;
pub(crate) mod instructions;
pub(crate) mod providers;
pub(crate) mod servers;
pub(crate) mod tokens;

pub use ci::CiCatalog;
pub use commands::{CommandCatalog, CommandGrant};
pub use impact::ImpactCatalog;
pub use instructions::{InstructionCatalog, Reader};
pub use providers::ProviderCatalog;
pub use servers::{ServerCatalog, ServerEntry};
pub use tokens::{Lifetime, TokenCatalog, TokenMatch};

/// Parses and compiles the catalogs and the path globs on other cores while
/// the caller loads rules and walks the tree: a scan of one small repository
/// spends most of its time on these, each needed a few milliseconds later.
pub(crate) fn warm_up() {
    rayon::spawn(|| {
        crate::formats::registry::warm_up();
        ServerCatalog::get();
    });
    rayon::spawn(|| {
        CommandCatalog::get();
        CiCatalog::get();
        TokenCatalog::get();
        InstructionCatalog::get();
    });
}
