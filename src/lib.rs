//! blastradius: static analysis and threat modelling of AI-agent
//! configurations. The pipeline runs one way, one stage per module:
//! `discover → source → formats → graph → engine → findings → report`.

pub mod baseline;
pub mod catalog;
pub mod changes;
pub mod cli;
pub mod config;
pub mod discover;
pub mod engine;
pub mod error;
pub mod findings;
pub mod formats;
pub mod graph;
pub mod redact;
pub mod report;
pub mod scan;
pub mod source;
pub mod suppress;
pub mod user;
pub mod yaml;
