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
    /// Several errors (`utilerrors.Aggregate`): each printed with `StandardErrorMessage`, one
    /// per line (`MultipleErrors("", errs)`). An aggregate of one prints as that error.
    Aggregate(Vec<CmdError>),
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

impl CmdError {
    /// `StandardErrorMessage` (how an error prints inside an aggregate): API errors always as
    /// `Error from server (Reason): message`, the Invalid special form not applied.
    pub fn standard_message(&self) -> String {
        match self {
            CmdError::Api(e) => format!("Error from server ({}): {e}", e.reason()),
            CmdError::ApiWithSource { action, source, err } => {
                format!("Error from server ({}): error when {action} {source:?}: {err}", err.reason())
            }
            CmdError::Aggregate(errs) => {
                errs.iter().map(|e| e.standard_message()).collect::<Vec<_>>().join("\n")
            }
            // messageForError: a non-API error prints as err.Error(), without "error: ".
            CmdError::Plain(m) => m.clone(),
            other => other.to_string(),
        }
    }
}

/// `checkErr`'s form for an Invalid error: `The StatefulSet "web" is invalid: <cause>` for one
/// cause, else the prefix and one `* cause` line each (`MultilineError`); a cause repeating an
/// earlier one is skipped (`statusCausesToAggrError`).
fn invalid_message(f: &mut fmt::Formatter<'_>, e: &ApiError) -> fmt::Result {
    if let ApiError::Invalid { kind, name, causes } = e {
        let prefix = format!("The {} {name:?} is invalid: ", kind.info().kind_name);
        let mut lines: Vec<String> = Vec::with_capacity(causes.len());
        for c in causes {
            let text = c.to_string();
            if !lines.contains(&text) {
                lines.push(text);
            }
        }
        match lines.len() {
            0 => write!(f, "The {} {name:?} is invalid", kind.info().kind_name),
            1 => write!(f, "{prefix}{}", lines[0]),
            _ => {
                writeln!(f, "{prefix}")?;
                let lines: Vec<String> = lines.iter().map(|c| format!("* {c}")).collect();
                f.write_str(&lines.join("\n"))
            }
        }
    } else {
        Ok(())
    }
}

impl fmt::Display for CmdError {
    /// The text kubectl writes to stderr (`checkErr`), without the final newline.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CmdError::Api(e @ ApiError::Invalid { .. }) | CmdError::ApiWithSource { err: e @ ApiError::Invalid { .. }, .. } => {
                invalid_message(f, e)
            }
            CmdError::Aggregate(errs) if errs.len() == 1 => errs[0].fmt(f),
            CmdError::Aggregate(_) => f.write_str(&self.standard_message()),
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

    #[test]
    fn repeated_causes_print_once() {
        // statusCausesToAggrError skips a cause whose "field: message" was seen; one left is
        // printed on the prefix's line (MultilineError).
        use crate::engine::error::FieldError;
        let twice = FieldError::required("spec.containers[0].image", "");
        let e = ApiError::Invalid { kind: Kind::Pod, name: "p".into(), causes: vec![twice.clone(), twice] };
        assert_eq!(CmdError::from(e).to_string(), "The Pod \"p\" is invalid: spec.containers[0].image: Required value");
    }
}
