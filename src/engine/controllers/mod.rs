//! Controllers from kube-controller-manager that a StatefulSet depends on.

pub mod garbage_collector;
pub mod statefulset;
