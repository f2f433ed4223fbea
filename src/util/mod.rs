//! Small helpers shared by the engine, kubectl and the UI (no Kubernetes counterpart).

pub mod base64;
pub mod hash;
pub mod gosort;
pub mod sort;
pub mod vecset;
