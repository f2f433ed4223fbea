//! Admission: what the API server does to a request before storing it — defaulting
//! (`SetDefaults_*`), admission plugins (DefaultStorageClass, …) and validation
//! (`pkg/apis/*/validation`), with the API server's exact error texts.

use super::api::Object;
use super::error::{ApiError, FieldError};
use super::sim::Cluster;

/// Mutating admission for a create: defaults and admission plugins.
pub fn admit_create(_c: &mut Cluster, _obj: &mut Object) -> Result<(), ApiError> {
    Ok(())
}

/// Mutating admission for an update.
pub fn admit_update(_c: &mut Cluster, _old: &Object, _obj: &mut Object) -> Result<(), ApiError> {
    Ok(())
}

/// Validation of a new object; empty when valid.
pub fn validate_create(_c: &Cluster, _obj: &Object) -> Vec<FieldError> {
    Vec::new()
}

/// Validation of an update; empty when valid.
pub fn validate_update(_c: &Cluster, _old: &Object, _new: &Object) -> Vec<FieldError> {
    Vec::new()
}

/// Warnings the server returns with a successful write.
pub fn warnings(_obj: &Object) -> Vec<String> {
    Vec::new()
}
