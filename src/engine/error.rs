//! API errors as the API server returns them (`k8s.io/apimachinery/pkg/api/errors`) and field
//! errors as validation produces them (`k8s.io/apimachinery/pkg/util/validation/field`).

use super::api::Kind;
use std::fmt;

/// `field.ErrorType`, with the exact strings Go prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldErrorType {
    /// "Not found"
    NotFound,
    /// "Required value"
    Required,
    /// "Duplicate value"
    Duplicate,
    /// "Invalid value"
    Invalid,
    /// "Unsupported value"
    NotSupported,
    /// "Forbidden"
    Forbidden,
    /// "Too long"
    TooLong,
    /// "Too many"
    TooMany,
}

impl FieldErrorType {
    /// The text Go prints for this type.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldErrorType::NotFound => "Not found",
            FieldErrorType::Required => "Required value",
            FieldErrorType::Duplicate => "Duplicate value",
            FieldErrorType::Invalid => "Invalid value",
            FieldErrorType::NotSupported => "Unsupported value",
            FieldErrorType::Forbidden => "Forbidden",
            FieldErrorType::TooLong => "Too long",
            FieldErrorType::TooMany => "Too many",
        }
    }
}

/// One validation failure at a field path (`field.Error`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// Field path, e.g. `spec.updateStrategy.rollingUpdate.partition`.
    pub path: String,
    /// Error type.
    pub type_: FieldErrorType,
    /// The offending value, already formatted as Go prints it (`-1`, `"Never"`,
    /// `map[string]string{"app":"web"}`); None for types that print no value.
    pub bad_value: Option<String>,
    /// Human detail, may be empty.
    pub detail: String,
}

impl FieldError {
    /// `field.Invalid(path, value, detail)`; `value` is pre-formatted.
    pub fn invalid(path: impl Into<String>, value: impl Into<String>, detail: impl Into<String>) -> Self {
        FieldError { path: path.into(), type_: FieldErrorType::Invalid, bad_value: Some(value.into()), detail: detail.into() }
    }

    /// `field.Required(path, detail)`.
    pub fn required(path: impl Into<String>, detail: impl Into<String>) -> Self {
        FieldError { path: path.into(), type_: FieldErrorType::Required, bad_value: None, detail: detail.into() }
    }

    /// `field.Forbidden(path, detail)`.
    pub fn forbidden(path: impl Into<String>, detail: impl Into<String>) -> Self {
        FieldError { path: path.into(), type_: FieldErrorType::Forbidden, bad_value: None, detail: detail.into() }
    }

    /// `field.NotSupported(path, value, valid)`: detail lists the supported values quoted.
    pub fn not_supported(path: impl Into<String>, value: &str, valid: &[&str]) -> Self {
        let list = valid.iter().map(|v| format!("{v:?}")).collect::<Vec<_>>().join(", ");
        FieldError {
            path: path.into(),
            type_: FieldErrorType::NotSupported,
            bad_value: Some(format!("{value:?}")),
            detail: format!("supported values: {list}"),
        }
    }

    /// `field.NotFound(path, value)`.
    pub fn not_found(path: impl Into<String>, value: impl Into<String>) -> Self {
        FieldError { path: path.into(), type_: FieldErrorType::NotFound, bad_value: Some(value.into()), detail: String::new() }
    }

    /// `field.Duplicate(path, value)`.
    pub fn duplicate(path: impl Into<String>, value: impl Into<String>) -> Self {
        FieldError { path: path.into(), type_: FieldErrorType::Duplicate, bad_value: Some(value.into()), detail: String::new() }
    }
}

impl fmt::Display for FieldError {
    /// `path: Type: value: detail`, exactly as `field.Error.Error()`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.type_.as_str())?;
        if let Some(v) = &self.bad_value {
            write!(f, ": {v}")?;
        }
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        Ok(())
    }
}

/// An error the simulated API server returns (`StatusError`), with its `reason`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiError {
    /// 404 `NotFound`: `statefulsets.apps "web" not found`.
    NotFound {
        /// Kind looked up.
        kind: Kind,
        /// Name looked up.
        name: String,
    },
    /// 409 `AlreadyExists`: `statefulsets.apps "web" already exists`.
    AlreadyExists {
        /// Kind created.
        kind: Kind,
        /// Name created.
        name: String,
    },
    /// 422 `Invalid`: `StatefulSet.apps "web" is invalid: [...]`.
    Invalid {
        /// Kind validated.
        kind: Kind,
        /// Object name.
        name: String,
        /// Every failure.
        causes: Vec<FieldError>,
    },
    /// 409 `Conflict` (e.g. a stale resourceVersion).
    Conflict {
        /// Kind updated.
        kind: Kind,
        /// Object name.
        name: String,
        /// Why.
        message: String,
    },
    /// 400 `BadRequest`, with the full message.
    BadRequest(String),
    /// 403 `Forbidden`, with the full message.
    Forbidden(String),
    /// 413 `RequestEntityTooLarge`: a playground limit (documented in `limits`).
    TooLarge(String),
}

impl ApiError {
    /// The `metav1.StatusReason` kubectl prints in `Error from server (Reason): …`.
    pub fn reason(&self) -> &'static str {
        match self {
            ApiError::NotFound { .. } => "NotFound",
            ApiError::AlreadyExists { .. } => "AlreadyExists",
            ApiError::Invalid { .. } => "Invalid",
            ApiError::Conflict { .. } => "Conflict",
            ApiError::BadRequest(_) => "BadRequest",
            ApiError::Forbidden(_) => "Forbidden",
            ApiError::TooLarge(_) => "RequestEntityTooLarge",
        }
    }

    /// Shorthand for NotFound.
    pub fn not_found(kind: Kind, name: &str) -> ApiError {
        ApiError::NotFound { kind, name: name.to_string() }
    }
}

impl fmt::Display for ApiError {
    /// The status message (`err.Error()` in Go).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::NotFound { kind, name } => write!(f, "{} {name:?} not found", kind.group_resource()),
            ApiError::AlreadyExists { kind, name } => {
                write!(f, "{} {name:?} already exists", kind.group_resource())
            }
            ApiError::Invalid { kind, name, causes } => {
                let i = kind.info();
                let qualified =
                    if i.group.is_empty() { i.kind_name.to_string() } else { format!("{}.{}", i.kind_name, i.group) };
                write!(f, "{qualified} {name:?} is invalid")?;
                // `ErrorList.ToAggregate` (apimachinery field/errors.go) drops causes whose text
                // repeats an earlier one; the Status keeps them all in `details.causes`.
                let mut all: Vec<String> = Vec::with_capacity(causes.len());
                for c in causes {
                    let text = c.to_string();
                    if !all.contains(&text) {
                        all.push(text);
                    }
                }
                match all.len() {
                    // NewInvalid: no causes, no colon.
                    0 => Ok(()),
                    1 => write!(f, ": {}", all[0]),
                    _ => write!(f, ": [{}]", all.join(", ")),
                }
            }
            ApiError::Conflict { kind, name, message } => write!(
                f,
                "Operation cannot be fulfilled on {} {name:?}: {message}",
                kind.group_resource()
            ),
            ApiError::BadRequest(m) | ApiError::Forbidden(m) | ApiError::TooLarge(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_errors_print_like_go() {
        assert_eq!(
            FieldError::invalid("spec.replicas", "-1", "must be greater than or equal to 0").to_string(),
            "spec.replicas: Invalid value: -1: must be greater than or equal to 0"
        );
        assert_eq!(FieldError::required("spec.selector", "").to_string(), "spec.selector: Required value");
        assert_eq!(
            FieldError::not_supported("spec.persistentVolumeClaimRetentionPolicy.whenDeleted", "X", &["Retain", "Delete"])
                .to_string(),
            "spec.persistentVolumeClaimRetentionPolicy.whenDeleted: Unsupported value: \"X\": supported values: \"Retain\", \"Delete\""
        );
    }

    #[test]
    fn api_errors_print_like_the_api_server() {
        assert_eq!(ApiError::not_found(Kind::StatefulSet, "web").to_string(), "statefulsets.apps \"web\" not found");
        assert_eq!(ApiError::not_found(Kind::Pod, "web-0").to_string(), "pods \"web-0\" not found");
        let e = ApiError::Invalid {
            kind: Kind::StatefulSet,
            name: "web".into(),
            causes: vec![FieldError::invalid("spec.replicas", "-1", "must be greater than or equal to 0")],
        };
        assert_eq!(e.reason(), "Invalid");
        assert!(e.to_string().starts_with("StatefulSet.apps \"web\" is invalid: spec.replicas"));
        // NewInvalid with no causes: no colon.
        let none = ApiError::Invalid { kind: Kind::StatefulSet, name: "web".into(), causes: vec![] };
        assert_eq!(none.to_string(), "StatefulSet.apps \"web\" is invalid");
    }
}
