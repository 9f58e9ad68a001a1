//! # perimeter
//!
//! A compliance engine for the 200-metre perimeter around schools (校园周边200米): it loads school
//! boundaries, registered businesses and water bodies from the formats Chinese county bureaus and
//! OpenStreetMap use, in any of their coordinate systems, and finds every prohibited venue and every
//! drowning-risk water body within the legal distance of a school, measured in metres on the WGS84
//! ellipsoid.
//!
//! The domain core ([`model`], [`geodesy`], [`measure`], [`index`], [`rules`], [`scan`], [`check`],
//! [`posts`], [`tiles`]) does no I/O and knows nothing of HTTP; [`load`] and [`export`] read and write files;
//! [`ledger`] keeps the problem and rectification lists in a SQLite or PostgreSQL store; [`http`] serves
//! the results; [`cli`] is the command line.

pub mod check;
pub mod classify;
pub mod cli;
pub mod crs;
pub mod export;
pub mod gen;
pub mod geodesy;
pub mod http;
pub mod index;
mod json_bytes;
pub mod ledger;
pub mod load;
pub mod measure;
pub mod mem;
pub mod model;
pub mod posts;
pub mod rules;
pub mod scan;
pub mod tiles;
