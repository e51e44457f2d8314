//! blastradius: static analysis and threat modelling of AI-agent
//! configurations. The pipeline runs one way, one stage per module:
//! `discover → source → formats → graph → engine → findings → report`.

#![warn(unreachable_pub)]

pub mod baseline;
pub mod catalog;
pub(crate) mod changes;
pub mod cli;
pub(crate) mod config;
pub mod diff;
pub(crate) mod discover;
pub mod engine;
pub(crate) mod error;
pub mod findings;
pub mod formats;
pub(crate) mod git;
pub mod graph;
pub mod model;
pub(crate) mod progress;
pub mod redact;
pub mod report;
pub mod scan;
pub mod source;
pub(crate) mod suppress;
pub(crate) mod timing;
pub(crate) mod user;
pub mod yaml;
