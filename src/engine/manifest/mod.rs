//! Manifest decoding as `kubectl apply -f` and the API server's decoder do it: kubectl's document
//! splitting (`k8s.io/apimachinery/pkg/util/yaml.YAMLReader`), YAML → JSON
//! (`sigs.k8s.io/yaml`), `kind: List` flattening, the RESTMapper lookup, then the server's typed
//! decoding with strict field validation (unknown and duplicate fields) — every finding located
//! at `file:line:col` for the editor.
//!
//! Entry point: [`parse_manifests`].

pub mod decode;
pub mod events;
pub mod gotypes;
pub mod tree;

pub use decode::{parse_manifests, strict_decoding_error};
pub use events::Mark;

use super::api::Object;

/// Where an object came from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceRef {
    /// File name as given (kubectl prints it in messages: `error when creating "x.yaml"`).
    pub file: String,
    /// 0-based index of the YAML document in the file (List items share their List's index).
    pub doc_index: usize,
    /// 1-based line of the object's first field.
    pub line: u32,
    /// 1-based column of the object's first field.
    pub col: u32,
}

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// The document is not applied.
    Error,
    /// Applied, with a warning (or refused under `--validate=strict`, for field warnings).
    Warning,
}

/// What a finding is, so kubectl can print it the way the real tool does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DiagnosticKind {
    /// YAML syntax (kubectl: `error: <message>`).
    Syntax,
    /// A playground limit (kubectl: `error: <message>`).
    Limit,
    /// `apiVersion` / `kind` missing (kubectl: `error: <message>`).
    MissingTypeMeta,
    /// No such kind/version (kubectl: `error: <message>`, then `ensure CRDs are installed first`).
    UnknownKind,
    /// The server could not decode the object (kubectl:
    /// `Error from server (BadRequest): error when creating "<file>": <message>`).
    Decode,
    /// A field the kind does not have (server warning `unknown field "<path>"`).
    UnknownField {
        /// Field path as the server prints it (`spec.template.spec.containers[0].imagePullPolcy`).
        path: String,
    },
    /// A key given twice in one mapping (server warning `duplicate field "<path>"`).
    DuplicateField {
        /// Field path as the server prints it.
        path: String,
    },
}

/// One finding, located for the editor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// File name.
    pub file: String,
    /// 0-based document index.
    pub doc_index: usize,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub col: u32,
    /// Error or warning.
    pub severity: Severity,
    /// What it is.
    pub kind: DiagnosticKind,
    /// The text the real tool prints (see [`DiagnosticKind`] for the surrounding words).
    pub message: String,
}

impl std::fmt::Display for Diagnostic {
    /// `file:line:col: message`, the form editors and compilers use.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}: {}", self.file, self.line, self.col, self.message)
    }
}

/// One decoded object with its field warnings (also listed in [`ManifestSet::diagnostics`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Decoded {
    /// The object, not yet defaulted (admission does that).
    pub object: Object,
    /// Where it came from.
    pub source: SourceRef,
    /// Unknown / duplicate field findings for this object, in document order.
    pub warnings: Vec<Diagnostic>,
    /// The document as JSON, exactly as written (unknown fields and nulls included): what
    /// `kubectl apply` records in `kubectl.kubernetes.io/last-applied-configuration`.
    pub raw: serde_json::Value,
    /// Where each field path of this object sits (`spec.template.spec.containers[0].image` →
    /// position of the key), for locating validation errors in the editor.
    pub locations: std::collections::BTreeMap<String, Mark>,
}

impl Decoded {
    /// The position of a field path as validation prints it, or of its nearest located parent
    /// (`spec.replicas` when `spec.replicas` is missing falls back to `spec`).
    pub fn locate(&self, path: &str) -> Mark {
        let mut p = path.to_string();
        loop {
            if let Some(m) = self.locations.get(&p) {
                return *m;
            }
            match p.rfind(['.', '[']) {
                Some(i) => p.truncate(i),
                None => return Mark { line: self.source.line, col: self.source.col },
            }
        }
    }
}

impl Decoded {
    /// The server's warning lines for `--validate=warn` (`unknown field "spec.replica"`).
    pub fn warning_messages(&self) -> Vec<String> {
        self.warnings.iter().map(|d| d.message.clone()).collect()
    }
}

/// Everything found in one file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ManifestSet {
    /// Objects that decoded, in file order.
    pub objects: Vec<Decoded>,
    /// Errors and warnings, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

impl ManifestSet {
    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.severity == Severity::Error)
    }

    /// The errors only.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.severity == Severity::Error)
    }
}
