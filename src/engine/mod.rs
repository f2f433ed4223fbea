//! The simulated cluster: API store, admission, controllers, kubelet, volumes and DNS on a
//! virtual clock. Pure Rust: no browser APIs, no wall clock, no threads.

pub mod admission;
pub mod api;
pub mod apiserver;
pub mod bootstrap;
pub mod config;
pub mod controllers;
pub mod controlplane;
pub mod diagnose;
pub mod dns;
pub mod error;
pub mod events;
pub mod faults;
pub mod fs;
pub mod kubelet;
pub mod limits;
pub mod manifest;
pub mod node_lifecycle;
pub mod rng;
pub mod scheduler;
pub mod sim;
pub mod store;
pub mod timeline;
pub mod volumes;
pub mod webserver;
pub mod why;

#[cfg(test)]
pub(crate) mod testutil;
#[cfg(test)]
pub(crate) mod testdata;

pub use config::ClusterConfig;
pub use sim::Cluster;
