//! HTTP benchmarks (filled in below).
fn main() {}
