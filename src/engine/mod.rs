//! The simulated cluster: API store, admission, controllers, kubelet, volumes and DNS on a
//! virtual clock.

pub mod api;
