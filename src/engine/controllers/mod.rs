//! Controllers from kube-controller-manager that a StatefulSet depends on.

pub mod endpoint;
pub mod endpointslice;
pub mod garbage_collector;
pub mod namespaces;
pub mod root_ca_publisher;
pub mod serviceaccounts;
pub mod statefulset;
