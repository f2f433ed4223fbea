//! How kubectl reports failures (`kubectl/pkg/cmd/util/helpers.go` `CheckErr`,
//! `StandardErrorMessage`, `UsageErrorf`): API errors as `Error from server (Reason): …`,
//! everything else as `error: …`, usage errors with a `See 'kubectl … --help'` hint.

use crate::engine::error::ApiError;
use std::fmt;

/// A failed command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CmdError {
    /// An error the API server returned.
    Api(ApiError),
    /// An API error about a source file (`error when creating "web.yaml": …`).
    ApiWithSource {
        /// The verb: `creating`, `replacing`, `patching`, …
        action: String,
        /// File name (`STDIN` for `-f -`).
        source: String,
        /// The server's error.
        err: ApiError,
    },
    /// A usage error: the message, then `See 'kubectl <cmd> --help' for usage.`
    Usage {
        /// Message without the `error: ` prefix.
        message: String,
        /// Command path, e.g. `scale` or `rollout status`.
        command: String,
    },
    /// A plain client-side error, printed as `error: <message>`.
    Plain(String),
    /// Already fully formatted text (printed as is, newline added when missing).
    Raw(String),
}

impl CmdError {
    /// `error: <message>`.
    pub fn plain(message: impl Into<String>) -> CmdError {
        CmdError::Plain(message.into())
    }

    /// A usage error for `command`.
    pub fn usage(command: &str, message: impl Into<String>) -> CmdError {
        CmdError::Usage { message: message.into(), command: command.to_string() }
    }
}

impl From<ApiError> for CmdError {
    fn from(e: ApiError) -> Self {
        CmdError::Api(e)
    }
}

impl fmt::Display for CmdError {
    /// The text kubectl writes to stderr, without the final newline.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CmdError::Api(e) => write!(f, "Error from server ({}): {e}", e.reason()),
            CmdError::ApiWithSource { action, source, err } => {
                write!(f, "Error from server ({}): error when {action} {source:?}: {err}", err.reason())
            }
            CmdError::Usage { message, command } => {
                write!(f, "error: {message}\nSee 'kubectl {command} --help' for usage.")
            }
            CmdError::Plain(m) => write!(f, "error: {m}"),
            CmdError::Raw(m) => f.write_str(m.strip_suffix('\n').unwrap_or(m)),
        }
    }
}

/// Result of a command body.
pub type CmdResult<T = ()> = Result<T, CmdError>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::api::Kind;

    #[test]
    fn formats_like_check_err() {
        // cmdutil.CheckErr → StandardErrorMessage for a StatusError.
        assert_eq!(
            CmdError::from(ApiError::not_found(Kind::StatefulSet, "web")).to_string(),
            "Error from server (NotFound): statefulsets.apps \"web\" not found"
        );
        // cmdutil.UsageErrorf.
        assert_eq!(
            CmdError::usage("scale", "unknown flag: --replica").to_string(),
            "error: unknown flag: --replica\nSee 'kubectl scale --help' for usage."
        );
        assert_eq!(
            CmdError::ApiWithSource {
                action: "creating".into(),
                source: "web.yaml".into(),
                err: ApiError::AlreadyExists { kind: Kind::StatefulSet, name: "web".into() }
            }
            .to_string(),
            "Error from server (AlreadyExists): error when creating \"web.yaml\": statefulsets.apps \"web\" already exists"
        );
    }
}
