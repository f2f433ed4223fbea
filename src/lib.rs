//! StatefulSet Playground: a faithful, deterministic simulation of the Kubernetes StatefulSet
//! controller and the parts of a cluster it touches, with a kubectl command layer on top.
//!
//! - [`engine`] is the simulated cluster (pure Rust, no browser APIs, no wall clock).
//! - [`session`] is a playground session (files, history, view model), independent of the browser.
//! - `ui` (wasm32 only) is the browser playground built with Yew.

pub mod cli;
pub mod engine;
pub mod kubectl;
pub mod script;
pub mod session;
pub mod util;

#[cfg(target_arch = "wasm32")]
pub mod ui;
