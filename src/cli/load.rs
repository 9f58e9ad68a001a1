//! `perimeter load`: print what the inputs hold.

use clap::Args;

use super::{Failure, InputArgs};

#[derive(Debug, Args)]
pub struct LoadArgs {
    #[command(flatten)]
    pub inputs: InputArgs,
}

pub fn run(args: LoadArgs) -> Result<(), Failure> {
    let _ = args;
    Err(Failure::internal(anyhow::anyhow!("load: being written")))
}
