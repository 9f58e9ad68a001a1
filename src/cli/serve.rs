//! `perimeter serve`: load, scan once, and serve the result over HTTP (OGC API – Features, vector tiles,
//! site checks, reports) with the web map under `/map/`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::Args;

use super::common::{load_dataset, load_rules, Progress, VenueTexts};
use super::{Failure, InputArgs};
use crate::http::{app, guard_posts, AppState, ServeConfig};
use crate::posts::{Model, PlanParams, PostsConfig};

/// The sample county served when no input is given (the files of `make run`), relative to the
/// repository.
pub const SAMPLE_DIR: &str = "data/sample";

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Inputs (none: the sample county in data/sample).
    #[command(flatten)]
    pub inputs: InputArgs,
    /// Rule set: national, guangdong, or a path to a rules .toml file.
    #[arg(long, default_value = "national")]
    pub rules: String,
    /// Address to listen on (port 0: any free port; the chosen one is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Directory of the built web page, served under /map/.
    #[arg(long, default_value = "web/dist")]
    pub web: PathBuf,
    /// Origin allowed to call the API from a browser (CORS); repeatable; `*` for any. Default: none.
    #[arg(long = "cors-origin", value_name = "ORIGIN")]
    pub cors_origin: Vec<String>,
    /// Longest a request may take, seconds (then 503).
    #[arg(long, default_value_t = 30)]
    pub timeout: u64,
    /// Serve the ledger at this path under /ledger/ (created on first use), or in the PostgreSQL
    /// database at this URL (`postgres://user:pass@host:port/db`).
    #[arg(long, value_name = "PATH")]
    pub ledger: Option<PathBuf>,
    /// API tokens file (TOML with SHA-256 hashes and roles) for the ledger's routes and guard-post plans.
    #[arg(long, value_name = "FILE")]
    pub tokens: Option<PathBuf>,
    /// Do not plan guard posts at start-up (the posts and post_links layers are then empty).
    #[arg(long)]
    pub no_posts: bool,
    /// Guard posts planned at start-up: lscp (fewest posts covering every gate) or mclp (with --posts-p).
    #[arg(long, default_value = "lscp")]
    pub posts_model: Model,
    /// Guard posts planned at start-up: coverage radius in metres.
    #[arg(long, default_value_t = 300.0)]
    pub posts_radius: f64,
    /// Guard posts planned at start-up: number of posts for mclp.
    #[arg(long)]
    pub posts_p: Option<usize>,
}

/// The guard-post plan to make at start-up, checked before anything is loaded (a bad radius or a
/// missing `--posts-p` stops the server with exit code 2).
fn posts_params(args: &ServeArgs) -> Result<Option<PlanParams>, Failure> {
    if args.no_posts {
        return Ok(None);
    }
    let params = PlanParams {
        model: args.posts_model,
        radius_m: args.posts_radius,
        p: args.posts_p,
        ..guard_posts::default_params()
    };
    // With no schools this only checks the parameters.
    crate::posts::plan(&[], &params, &PostsConfig::default())
        .map_err(|e| Failure::input(anyhow::anyhow!("--posts-*: {e}")))?;
    Ok(Some(params))
}

/// The sample county's inputs, from `dir` (schools Shapefiles in CGCS2000 Gauss-Krüger with their .prj,
/// gates and water GeoJSON, venues CSV in GCJ-02).
pub fn sample_inputs(dir: &Path) -> InputArgs {
    InputArgs {
        schools: vec![dir.join("schools.shp"), dir.join("school_points.shp")],
        venues: vec![dir.join("venues.csv")],
        water: vec![dir.join("water.geojson")],
        gates: vec![dir.join("gates.geojson")],
        osm: vec![],
        schools_crs: None,
        venues_crs: Some("gcj02".into()),
        water_crs: None,
        gates_crs: None,
        encoding: None,
        fields: None,
        categories: None,
        skip_invalid: false,
    }
}

/// Where the sample county is: `data/sample` under the working directory, else under the source tree
/// the binary was built from.
fn sample_dir() -> Option<PathBuf> {
    [
        PathBuf::from(SAMPLE_DIR),
        Path::new(env!("CARGO_MANIFEST_DIR")).join(SAMPLE_DIR),
    ]
    .into_iter()
    .find(|d| d.join("schools.shp").is_file())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}

pub fn run(args: ServeArgs) -> Result<(), Failure> {
    let inputs = if args.inputs.is_empty() {
        let dir = sample_dir().ok_or_else(|| {
            Failure::input(anyhow::anyhow!(
                "no inputs given and the sample county ({SAMPLE_DIR}) is not here: run from the repository, or give --schools/--venues/--water (and --gates) or --osm"
            ))
        })?;
        outln!("serving the sample county in {}", dir.display());
        InputArgs {
            categories: args.inputs.categories.clone(),
            fields: args.inputs.fields.clone(),
            ..sample_inputs(&dir)
        }
    } else {
        args.inputs.clone()
    };
    let rules = load_rules(&args.rules)?;
    let posts = posts_params(&args)?;
    let progress = Progress::new();
    let t0 = Instant::now();
    let ds = load_dataset(&inputs, &progress, VenueTexts::All)?;
    progress.stage("indexing, scanning, drawing zones");
    let attribution =
        (!inputs.osm.is_empty()).then(|| "© OpenStreetMap contributors, ODbL 1.0".to_string());
    let web_dir = args.web.is_dir().then(|| args.web.clone());
    let config = ServeConfig {
        web_dir: web_dir.clone(),
        cors_origins: args.cors_origin.clone(),
        request_timeout: Duration::from_secs(args.timeout.max(1)),
        attribution,
        posts,
        ..ServeConfig::default()
    };
    let tokens = match &args.tokens {
        Some(p) => crate::ledger::Tokens::load(p).map_err(Failure::input)?,
        None => crate::ledger::Tokens::default(),
    };
    let ledger = match &args.ledger {
        Some(p) => Some((
            crate::ledger::Ledger::open(p).map_err(Failure::input)?,
            p.clone(),
        )),
        None => None,
    };
    let mut state = AppState::with_config(ds, rules, config);
    if ledger.is_none() && !tokens.is_empty() {
        outln!("{} API token(s); no ledger", tokens.len());
        state = state.with_tokens(tokens.clone());
    }
    if let Some((l, p)) = ledger {
        outln!(
            "ledger {} under /ledger/ ({} token(s))",
            crate::ledger::postgres::shown(&p),
            tokens.len()
        );
        let checksums = crate::ledger::input_checksums(&inputs.files()).map_err(Failure::input)?;
        state = state.with_ledger(l, p, tokens).with_scan_inputs(checksums);
    }
    progress.finish();
    {
        let p = state.published();
        outln!(
            "{} schools, {} venues, {} water bodies → {} findings (rules '{}'), ready in {:.1} s",
            p.dataset.schools.len(),
            p.dataset.venues.len(),
            p.dataset.water.len(),
            p.findings.len(),
            p.rules.id,
            t0.elapsed().as_secs_f64()
        );
        outln!("{}", p.guard_posts.summary());
    }
    let has_page = state.config.web_index().is_some();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::internal(anyhow::anyhow!("cannot start the async runtime: {e}")))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .map_err(|e| {
                Failure::input(anyhow::anyhow!("cannot listen on {}: {e}", args.listen))
            })?;
        let addr = listener
            .local_addr()
            .map_err(|e| Failure::internal(anyhow::anyhow!("no local address: {e}")))?;
        outln!("listening on http://{addr}");
        if has_page {
            outln!("map: http://{addr}/map/");
        } else {
            outln!(
                "map: not built ({} has no index.html; see README) — the API is at http://{addr}/",
                args.web.display()
            );
        }
        axum::serve(listener, app(state))
            .with_graceful_shutdown(shutdown_signal())
            .await
            .map_err(|e| Failure::internal(anyhow::anyhow!("server error: {e}")))?;
        outln!("stopped");
        Ok(())
    })
}
