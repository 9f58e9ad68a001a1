//! `perimeter load`: print what the inputs hold, per file (counts by kind and category, CRS, encoding,
//! extent, skipped features), as a table or as JSON.

use clap::Args;

use super::{Failure, InputArgs};

#[derive(Debug, Args)]
pub struct LoadArgs {
    #[command(flatten)]
    pub inputs: InputArgs,
    /// Print the report as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: LoadArgs) -> Result<(), Failure> {
    if args.inputs.is_empty() {
        return Err(Failure::input(anyhow::anyhow!(
            "no inputs: give at least one of --schools, --venues, --water, --gates or --osm"
        )));
    }
    let inputs = args.inputs.inputs().map_err(Failure::input)?;
    let opts = args.inputs.options().map_err(Failure::input)?;
    let (_, report) =
        crate::load::load_all(&inputs, &args.inputs.osm, &opts).map_err(Failure::input)?;
    if args.json {
        let text = serde_json::to_string_pretty(&report).map_err(Failure::internal)?;
        outln!("{text}");
    } else {
        out!("{report}");
    }
    Ok(())
}
