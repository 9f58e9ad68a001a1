//! `perimeter gen`: a deterministic synthetic dataset.

use clap::Args;

use super::Failure;

#[derive(Debug, Args)]
pub struct GenArgs {}

pub fn run(args: GenArgs) -> Result<(), Failure> {
    let _ = args;
    Err(Failure::internal(anyhow::anyhow!("gen: being written")))
}
