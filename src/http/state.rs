//! What the server holds: the dataset, its index, the rules, the findings of one scan made at start-up,
//! the schools' zones and the collections over them — built once and shared (`Arc`) by every request.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rayon::prelude::*;

use super::collections::Published;
use super::guard_posts::{self, ServedPosts};
use super::metrics::Metrics;
use super::zones::{zone_polygon, Zone};
use crate::index::Index;
use crate::model::Dataset;
use crate::posts::PlanParams;
use crate::rules::RuleSet;

/// Server settings.
#[derive(Debug, Clone, PartialEq)]
pub struct ServeConfig {
    /// The built web page, served under `/map/` (`None`: no page).
    pub web_dir: Option<PathBuf>,
    /// Origins allowed by CORS (`*` for any); empty: no CORS headers.
    pub cors_origins: Vec<String>,
    /// Largest request body accepted, bytes.
    pub body_limit_bytes: usize,
    /// Longest a request may take before the server answers 503.
    pub request_timeout: Duration,
    /// Attribution shown in TileJSON (e.g. the OpenStreetMap licence when OSM data is served).
    pub attribution: Option<String>,
    /// The guard-post plan published as `posts` and `post_links` (`None`: no plan; see
    /// [`super::guard_posts`]).
    pub posts: Option<PlanParams>,
}

impl Default for ServeConfig {
    /// No web page, no CORS, 1 MiB bodies, 30 s per request, no attribution, the default guard-post
    /// plan ([`guard_posts::default_params`]: LSCP, 300 m).
    fn default() -> Self {
        ServeConfig {
            web_dir: None,
            cors_origins: Vec::new(),
            body_limit_bytes: 1 << 20,
            request_timeout: Duration::from_secs(30),
            attribution: None,
            posts: Some(guard_posts::default_params()),
        }
    }
}

impl ServeConfig {
    /// The web page's index file, when the page is built.
    pub fn web_index(&self) -> Option<PathBuf> {
        let dir: &Path = self.web_dir.as_deref()?;
        let index = dir.join("index.html");
        index.is_file().then_some(index)
    }
}

/// Everything built at start-up.
#[derive(Debug)]
pub struct ServerData {
    pub published: Published,
    pub index: Index,
}

/// The ledger as the server holds it: one connection behind a mutex, used from blocking threads (every
/// write is one transaction, committed before the response is sent).
#[derive(Debug)]
pub struct LedgerHandle {
    pub store: std::sync::Mutex<crate::ledger::Ledger>,
    /// Where the store is (for messages).
    pub path: PathBuf,
    /// The served inputs' checksums, recorded with a server-side scan (`POST /ledger/scans`).
    pub inputs: Vec<crate::ledger::ScanInput>,
}

/// The state shared by every request (cheap to clone).
#[derive(Debug, Clone)]
pub struct AppState {
    pub data: Arc<ServerData>,
    pub config: Arc<ServeConfig>,
    pub metrics: Arc<Metrics>,
    /// The ledger, when the server was started with one.
    pub ledger: Option<Arc<LedgerHandle>>,
    /// API tokens (empty: every sensitive route answers 401).
    pub tokens: Arc<crate::ledger::Tokens>,
}

impl AppState {
    /// Indexes the dataset, scans it with `rules`, draws the zones, plans the guard posts and indexes the
    /// collections, with the default settings.
    pub fn new(dataset: Dataset, rules: RuleSet) -> AppState {
        AppState::with_config(dataset, rules, ServeConfig::default())
    }

    /// As [`AppState::new`], with settings.
    pub fn with_config(dataset: Dataset, rules: RuleSet, config: ServeConfig) -> AppState {
        let index = Index::build(&dataset);
        // The plan needs only the schools: it is made while the scan runs.
        let (findings, guard_posts) = rayon::join(
            || crate::scan::scan(&dataset, &index, &rules),
            || ServedPosts::plan(&dataset.schools, config.posts.as_ref()),
        );
        let zones: Vec<Zone> = dataset
            .schools
            .par_iter()
            .enumerate()
            .filter_map(|(i, s)| {
                let d = Published::zone_distance_m(&rules, s.kind);
                zone_polygon(s, d).map(|polygon| Zone {
                    school: i as u32,
                    distance_m: d,
                    polygon,
                })
            })
            .collect();
        let published = Published::new(dataset, rules, findings, zones, guard_posts);
        AppState {
            data: Arc::new(ServerData { published, index }),
            config: Arc::new(config),
            metrics: Arc::new(Metrics::new()),
            ledger: None,
            tokens: Arc::new(crate::ledger::Tokens::default()),
        }
    }

    /// The same state with API tokens (for the ledger and guard-post plans).
    pub fn with_tokens(mut self, tokens: crate::ledger::Tokens) -> AppState {
        self.tokens = Arc::new(tokens);
        self
    }

    /// The same state serving a ledger, with API tokens.
    pub fn with_ledger(
        mut self,
        ledger: crate::ledger::Ledger,
        path: PathBuf,
        tokens: crate::ledger::Tokens,
    ) -> AppState {
        self.ledger = Some(Arc::new(LedgerHandle {
            store: std::sync::Mutex::new(ledger),
            path,
            inputs: Vec::new(),
        }));
        self.tokens = Arc::new(tokens);
        self
    }

    /// Sets the served inputs' checksums recorded with server-side scans (after [`AppState::with_ledger`]).
    pub fn with_scan_inputs(mut self, inputs: Vec<crate::ledger::ScanInput>) -> AppState {
        if let Some(l) = self.ledger.take() {
            match Arc::try_unwrap(l) {
                Ok(mut h) => {
                    h.inputs = inputs;
                    self.ledger = Some(Arc::new(h));
                }
                Err(shared) => self.ledger = Some(shared),
            }
        }
        self
    }

    pub fn published(&self) -> &Published {
        &self.data.published
    }
}
