//! The Kubernetes API types the playground stores (k8s.io/api, k8s.io/apimachinery).
//!
//! Typed structs for what the simulation acts on; other real fields are carried verbatim so
//! manifests round-trip through `kubectl get -o yaml`.

pub mod apps;
pub mod core;
pub mod meta;
pub mod object;
pub mod pod;
pub mod quantity;
pub mod shared;
pub mod storage;
pub mod value_de;

pub use apps::*;
pub use core::*;
pub use meta::*;
pub use object::*;
pub use pod::*;
pub use shared::Shared;
pub use storage::*;
