//! Request metrics in the Prometheus text format (0.0.4): requests by route, method and status; request
//! latency histograms by route (seconds, from the request reaching the router to the response head);
//! tiles served by layer, empty tiles and tile bytes.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Upper bounds of the latency histogram's buckets, seconds.
pub const LATENCY_BUCKETS_S: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Debug, Default, Clone)]
struct Histogram {
    /// Non-cumulative counts per bucket, plus one for +Inf.
    buckets: [u64; LATENCY_BUCKETS_S.len() + 1],
    sum_s: f64,
    count: u64,
}

#[derive(Debug, Default)]
struct Inner {
    requests: BTreeMap<(String, String, u16), u64>,
    latency: BTreeMap<String, Histogram>,
    tiles: BTreeMap<String, u64>,
}

/// The server's counters.
#[derive(Debug)]
pub struct Metrics {
    inner: Mutex<Inner>,
    tiles_empty: AtomicU64,
    tile_bytes: AtomicU64,
    started: Instant,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

/// Escapes a label value (backslash, double quote, newline).
fn label(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

impl Metrics {
    pub fn new() -> Self {
        Metrics {
            inner: Mutex::new(Inner::default()),
            tiles_empty: AtomicU64::new(0),
            tile_bytes: AtomicU64::new(0),
            started: Instant::now(),
        }
    }

    /// Records one request: its route template (e.g. `/collections/{collection}/items`), method, status
    /// and how long it took.
    pub fn record_request(&self, route: &str, method: &str, status: u16, elapsed: Duration) {
        let s = elapsed.as_secs_f64();
        let mut g = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        *g.requests
            .entry((route.to_string(), method.to_string(), status))
            .or_insert(0) += 1;
        let h = g.latency.entry(route.to_string()).or_default();
        let i = LATENCY_BUCKETS_S
            .iter()
            .position(|&b| s <= b)
            .unwrap_or(LATENCY_BUCKETS_S.len());
        h.buckets[i] += 1;
        h.sum_s += s;
        h.count += 1;
    }

    /// Records one tile: the layers asked for (each counted once), its size in bytes (0: empty).
    pub fn record_tile(&self, layers: &[&str], bytes: usize) {
        {
            let mut g = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
            for l in layers {
                *g.tiles.entry((*l).to_string()).or_insert(0) += 1;
            }
        }
        if bytes == 0 {
            self.tiles_empty.fetch_add(1, Ordering::Relaxed);
        }
        self.tile_bytes.fetch_add(bytes as u64, Ordering::Relaxed);
    }

    /// The Prometheus text exposition, with the collections' sizes as gauges.
    pub fn render(&self, features: &[(&str, usize)]) -> String {
        let g = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let mut out = String::new();
        out.push_str(
            "# HELP perimeter_http_requests_total HTTP requests by route, method and status.\n",
        );
        out.push_str("# TYPE perimeter_http_requests_total counter\n");
        for ((route, method, status), n) in &g.requests {
            let _ = writeln!(out, "perimeter_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{status}\"}} {n}", label(route), label(method));
        }
        out.push_str("# HELP perimeter_http_request_duration_seconds Time from a request reaching the router to its response head.\n");
        out.push_str("# TYPE perimeter_http_request_duration_seconds histogram\n");
        for (route, h) in &g.latency {
            let r = label(route);
            let mut cum = 0u64;
            for (i, b) in LATENCY_BUCKETS_S.iter().enumerate() {
                cum += h.buckets[i];
                let _ = writeln!(out, "perimeter_http_request_duration_seconds_bucket{{route=\"{r}\",le=\"{b}\"}} {cum}");
            }
            cum += h.buckets[LATENCY_BUCKETS_S.len()];
            let _ = writeln!(
                out,
                "perimeter_http_request_duration_seconds_bucket{{route=\"{r}\",le=\"+Inf\"}} {cum}"
            );
            let _ = writeln!(
                out,
                "perimeter_http_request_duration_seconds_sum{{route=\"{r}\"}} {}",
                h.sum_s
            );
            let _ = writeln!(
                out,
                "perimeter_http_request_duration_seconds_count{{route=\"{r}\"}} {}",
                h.count
            );
        }
        out.push_str("# HELP perimeter_tiles_served_total Vector tiles served, by layer (a tile of several layers counts for each).\n");
        out.push_str("# TYPE perimeter_tiles_served_total counter\n");
        for (layer, n) in &g.tiles {
            let _ = writeln!(
                out,
                "perimeter_tiles_served_total{{layer=\"{}\"}} {n}",
                label(layer)
            );
        }
        out.push_str("# HELP perimeter_tiles_empty_total Tiles answered 204 (nothing to draw).\n");
        out.push_str("# TYPE perimeter_tiles_empty_total counter\n");
        let _ = writeln!(
            out,
            "perimeter_tiles_empty_total {}",
            self.tiles_empty.load(Ordering::Relaxed)
        );
        out.push_str("# HELP perimeter_tile_bytes_total Bytes of encoded tiles served (before compression).\n");
        out.push_str("# TYPE perimeter_tile_bytes_total counter\n");
        let _ = writeln!(
            out,
            "perimeter_tile_bytes_total {}",
            self.tile_bytes.load(Ordering::Relaxed)
        );
        out.push_str("# HELP perimeter_features Features published, by collection.\n");
        out.push_str("# TYPE perimeter_features gauge\n");
        for (c, n) in features {
            let _ = writeln!(out, "perimeter_features{{collection=\"{}\"}} {n}", label(c));
        }
        out.push_str("# HELP perimeter_uptime_seconds Seconds since the server started.\n");
        out.push_str("# TYPE perimeter_uptime_seconds gauge\n");
        let _ = writeln!(
            out,
            "perimeter_uptime_seconds {:.3}",
            self.started.elapsed().as_secs_f64()
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exposition() {
        let m = Metrics::new();
        m.record_request("/health", "GET", 200, Duration::from_micros(300));
        m.record_request("/health", "GET", 200, Duration::from_millis(3));
        m.record_request("/check", "POST", 400, Duration::from_secs(20));
        m.record_tile(&["schools", "venues"], 120);
        m.record_tile(&["schools"], 0);
        let text = m.render(&[("schools", 3)]);
        assert!(text.contains(
            "perimeter_http_requests_total{route=\"/health\",method=\"GET\",status=\"200\"} 2\n"
        ));
        assert!(text.contains(
            "perimeter_http_requests_total{route=\"/check\",method=\"POST\",status=\"400\"} 1\n"
        ));
        // 0.3 ms falls in the first bucket (≤ 0.5 ms); 3 ms in ≤ 5 ms; both are ≤ 10 s; 20 s only in +Inf.
        assert!(text.contains(
            "perimeter_http_request_duration_seconds_bucket{route=\"/health\",le=\"0.0005\"} 1\n"
        ));
        assert!(text.contains(
            "perimeter_http_request_duration_seconds_bucket{route=\"/health\",le=\"0.0025\"} 1\n"
        ));
        assert!(text.contains(
            "perimeter_http_request_duration_seconds_bucket{route=\"/health\",le=\"0.005\"} 2\n"
        ));
        assert!(text.contains(
            "perimeter_http_request_duration_seconds_bucket{route=\"/check\",le=\"10\"} 0\n"
        ));
        assert!(text.contains(
            "perimeter_http_request_duration_seconds_bucket{route=\"/check\",le=\"+Inf\"} 1\n"
        ));
        assert!(
            text.contains("perimeter_http_request_duration_seconds_count{route=\"/health\"} 2\n")
        );
        assert!(text.contains("perimeter_tiles_served_total{layer=\"schools\"} 2\n"));
        assert!(text.contains("perimeter_tiles_served_total{layer=\"venues\"} 1\n"));
        assert!(text.contains("perimeter_tiles_empty_total 1\n"));
        assert!(text.contains("perimeter_tile_bytes_total 120\n"));
        assert!(text.contains("perimeter_features{collection=\"schools\"} 3\n"));
        assert_eq!(label("a\"b\\c"), "a\\\"b\\\\c");
    }
}
