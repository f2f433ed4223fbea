//! What `apply`, `create`, `replace` and `patch` share: reading `-f` files
//! (`resource.FilenameParam`), `--dry-run` and `--validate` (`cmdutil.GetDryRunStrategy`,
//! `GetValidationDirective`), and the server-side decoding of a patched object.

use crate::engine::api::{Kind, Object};
use crate::engine::error::ApiError;
use crate::engine::manifest::{self, DiagnosticKind, Severity};
use crate::kubectl::errors::{CmdError, CmdResult};
use crate::kubectl::flags::{FlagKind, FlagSpec, Parsed};
use crate::kubectl::{Env, FileError};

/// `--dry-run` (pflag NoOptDefVal `unchanged`, which means client).
pub const DRY_RUN_FLAG: FlagSpec =
    FlagSpec { long: "dry-run", short: None, kind: FlagKind::String, no_opt_default: Some("unchanged") };
/// `--validate` (NoOptDefVal `strict`).
pub const VALIDATE_FLAG: FlagSpec =
    FlagSpec { long: "validate", short: None, kind: FlagKind::String, no_opt_default: Some("strict") };

/// `cmdutil.DryRunStrategy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DryRun {
    /// A real request.
    None,
    /// Nothing is sent; prints `(dry run)`.
    Client,
    /// The server runs admission without storing; prints `(server dry run)`.
    Server,
}

impl DryRun {
    /// The suffix NamePrinter adds to the operation.
    pub fn suffix(self) -> &'static str {
        match self {
            DryRun::None => "",
            DryRun::Client => " (dry run)",
            DryRun::Server => " (server dry run)",
        }
    }
}

/// `GetDryRunStrategy`.
pub fn dry_run(p: &Parsed) -> CmdResult<DryRun> {
    match p.string("dry-run").unwrap_or("none") {
        "none" => Ok(DryRun::None),
        "client" | "unchanged" => Ok(DryRun::Client),
        "server" => Ok(DryRun::Server),
        other => Err(CmdError::plain(format!("Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\"."))),
    }
}

/// The server's field validation directive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Validation {
    /// Unknown/duplicate fields fail the request.
    Strict,
    /// They come back as `Warning:` lines.
    Warn,
    /// They are dropped silently.
    Ignore,
}

/// `GetValidationDirective`: `--validate=true|strict` (default), `warn`, `false|ignore`.
pub fn validation(p: &Parsed) -> CmdResult<Validation> {
    match p.string("validate").unwrap_or("strict").to_lowercase().as_str() {
        "strict" | "true" => Ok(Validation::Strict),
        "warn" => Ok(Validation::Warn),
        "ignore" | "false" => Ok(Validation::Ignore),
        other => Err(CmdError::plain(format!(
            "invalid - validate option {other:?}; must be one of: strict (or true), warn, ignore (or false)"
        ))),
    }
}

/// One `-f` source: the name kubectl prints (`STDIN` for `-`) and its text.
pub struct Source {
    /// As printed in `error when creating "<name>"`.
    pub name: String,
    /// File contents.
    pub text: String,
}

/// Reads every `-f` argument.
pub fn read_sources(env: &Env, names: &[String]) -> CmdResult<Vec<Source>> {
    let mut out = Vec::new();
    for n in names {
        if n == "-" {
            out.push(Source { name: "STDIN".into(), text: env.stdin.clone().unwrap_or_default() });
            continue;
        }
        let read = match &env.files {
            Some(r) => r.read(n),
            None => Err(FileError::NotFound),
        };
        match read {
            Ok(text) => out.push(Source { name: n.clone(), text }),
            Err(FileError::NotFound) => return Err(CmdError::plain(format!("the path {n:?} does not exist"))),
            Err(FileError::Directory) => {
                return Err(CmdError::plain(format!(
                    "the path {n:?} is a directory; the StatefulSet Playground reads files only (give each with -f)"
                )))
            }
            Err(FileError::Other(m)) => return Err(CmdError::plain(m)),
        }
    }
    Ok(out)
}

/// A manifest finding as kubectl reports it: client-side problems as `error: …`, the server's
/// decoding errors as `Error from server (BadRequest): error when <action> "<file>": …`.
pub fn diagnostic_error(d: &manifest::Diagnostic, action: &str) -> CmdError {
    match d.kind {
        DiagnosticKind::Decode if !d.message.starts_with("error parsing") => CmdError::ApiWithSource {
            action: action.into(),
            source: d.file.clone(),
            err: ApiError::BadRequest(d.message.clone()),
        },
        _ => CmdError::Plain(d.message.clone()),
    }
}

/// Decodes an object the server built from a patch: Go type errors become BadRequest, unknown
/// fields come back as warning texts (`unknown field "spec.foo"`).
pub fn decode_value(value: &serde_json::Value) -> Result<(Object, Vec<String>), ApiError> {
    let text = serde_json::to_string(value).unwrap_or_default();
    let set = manifest::parse_manifests("patch", &text);
    if let Some(e) = set.diagnostics.iter().find(|d| d.severity == Severity::Error) {
        return Err(ApiError::BadRequest(e.message.clone()));
    }
    match set.objects.into_iter().next() {
        Some(d) => {
            let w = d.warning_messages();
            Ok((d.object, w))
        }
        None => Err(ApiError::BadRequest("Object 'Kind' is missing in 'null'".into())),
    }
}

/// `resource.Info.String()` as `kubectl apply` prints it in a failed patch.
pub fn info_string(kind: Kind, name: &str, namespace: &str) -> String {
    let i = kind.info();
    format!(
        "Resource: \"{}/{}, Resource={}\", GroupVersionKind: \"{}/{}, Kind={}\"\nName: {name:?}, Namespace: {namespace:?}",
        i.group, i.version, i.plural, i.group, i.version, i.kind_name
    )
}

/// Prints the server's `Warning:` headers.
pub fn print_warnings(env: &mut Env, warnings: &[String]) {
    for w in warnings {
        env.eprintln(&format!("Warning: {w}"));
    }
}

/// The effective namespace of an object from a file, with kubectl's mismatch error when the
/// file names a different namespace than an explicit `-n`.
pub fn object_namespace(env: &Env, obj: &Object) -> CmdResult<String> {
    if !obj.kind().info().namespaced {
        return Ok(String::new());
    }
    let ns = &obj.meta().namespace;
    if ns.is_empty() {
        return Ok(env.namespace.clone());
    }
    if env.explicit_namespace && *ns != env.namespace {
        return Err(CmdError::plain(format!(
            "the namespace from the provided object {ns:?} does not match the namespace {:?}. You must pass '--namespace={ns}' to perform this operation.",
            env.namespace
        )));
    }
    Ok(ns.clone())
}
