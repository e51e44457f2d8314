use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    blastradius::cli::run(blastradius::cli::Cli::parse())
}
