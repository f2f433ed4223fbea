//! Name, label, annotation, selector and ObjectMeta validation with the API server's texts
//! (k8s.io/apimachinery/pkg/util/validation/validation.go, pkg/api/validation/objectmeta.go,
//! pkg/apis/meta/v1/validation/validation.go).

use super::format::go_quote;
use crate::engine::api::{LabelSelector, ObjectMeta, StringMap};
use crate::engine::error::FieldError;

const DNS1123_LABEL_FMT: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_SUBDOMAIN_FMT: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const DNS1035_LABEL_FMT: &str = "[a-z]([-a-z0-9]*[a-z0-9])?";
const QUALIFIED_NAME_FMT: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const LABEL_VALUE_FMT: &str = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
const QUALIFIED_NAME_ERR: &str =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/// `RegexError`: the message, examples and the regex, with Go's exact punctuation.
fn regex_error(msg: &str, fmt: &str, examples: &[&str]) -> String {
    let mut s = format!("{msg} (e.g. ");
    for (i, e) in examples.iter().enumerate() {
        if i > 0 {
            s.push_str(" or ");
        }
        s.push_str(&format!("'{e}', "));
    }
    s.push_str(&format!("regex used for validation is '{fmt}')"));
    s
}

/// `MaxLenError`.
fn max_len_error(n: usize) -> String {
    format!("must be no more than {n} characters")
}

fn is_alnum_lower(c: u8) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

fn matches_dns1123_label(s: &str) -> bool {
    matches_dns1123_label_bytes(s.as_bytes())
}

fn matches_dns1123_label_bytes(b: &[u8]) -> bool {
    !b.is_empty()
        && is_alnum_lower(b[0])
        && is_alnum_lower(b[b.len() - 1])
        && b.iter().all(|&c| is_alnum_lower(c) || c == b'-')
}

/// `IsDNS1123Label`.
pub fn is_dns1123_label(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > 63 {
        errs.push(max_len_error(63));
    }
    if !matches_dns1123_label(s) {
        errs.push(regex_error(
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
            DNS1123_LABEL_FMT,
            &["my-name", "123-abc"],
        ));
    }
    errs
}

/// `IsDNS1123Subdomain`.
pub fn is_dns1123_subdomain(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > 253 {
        errs.push(max_len_error(253));
    }
    // Split as bytes: a char pattern's searcher costs more than these short names.
    if s.is_empty() || !s.as_bytes().split(|&c| c == b'.').all(matches_dns1123_label_bytes) {
        errs.push(regex_error(
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
            DNS1123_SUBDOMAIN_FMT,
            &["example.com"],
        ));
    }
    errs
}

/// `IsDNS1035Label`.
pub fn is_dns1035_label(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > 63 {
        errs.push(max_len_error(63));
    }
    if !(matches_dns1123_label(s) && s.as_bytes()[0].is_ascii_lowercase()) {
        errs.push(regex_error(
            "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
            DNS1035_LABEL_FMT,
            &["my-name", "abc-123"],
        ));
    }
    errs
}

/// `ValidatePathSegmentName` (RBAC object names).
pub fn is_path_segment_name(s: &str) -> Vec<String> {
    if s == "." || s == ".." {
        return vec![format!("may not be '{s}'")];
    }
    let mut errs = Vec::new();
    for bad in ["/", "%"] {
        if s.contains(bad) {
            errs.push(format!("may not contain '{bad}'"));
        }
    }
    errs
}

fn matches_qualified_part(s: &str) -> bool {
    let b = s.as_bytes();
    let ok = |c: u8| c.is_ascii_alphanumeric();
    !b.is_empty() && ok(b[0]) && ok(b[b.len() - 1]) && b.iter().all(|&c| ok(c) || c == b'-' || c == b'_' || c == b'.')
}

/// `IsQualifiedName` (label keys, annotation keys).
pub fn is_qualified_name(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    // At most one '/' (split without collecting: label keys are validated on every pod).
    let name = match value.split_once('/') {
        None => value,
        Some((prefix, name)) if !name.contains('/') => {
            if prefix.is_empty() {
                errs.push("prefix part must be non-empty".to_string());
            } else {
                errs.extend(is_dns1123_subdomain(prefix).into_iter().map(|m| format!("prefix part {m}")));
            }
            name
        }
        Some(_) => {
            errs.push(format!(
                "a qualified name {} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                regex_error(QUALIFIED_NAME_ERR, QUALIFIED_NAME_FMT, &["MyName", "my.name", "123-abc"])
            ));
            return errs;
        }
    };
    if name.is_empty() {
        errs.push("name part must be non-empty".into());
    } else if name.len() > 63 {
        errs.push(format!("name part {}", max_len_error(63)));
    }
    if !matches_qualified_part(name) {
        errs.push(format!("name part {}", regex_error(QUALIFIED_NAME_ERR, QUALIFIED_NAME_FMT, &["MyName", "my.name", "123-abc"])));
    }
    errs
}

/// `IsValidLabelValue`.
pub fn is_valid_label_value(v: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if v.len() > 63 {
        errs.push(max_len_error(63));
    }
    if !v.is_empty() && !matches_qualified_part(v) {
        errs.push(regex_error(
            "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
            LABEL_VALUE_FMT,
            &["MyValue", "my_value", "12345"],
        ));
    }
    errs
}

/// `ValidateLabels`.
pub fn validate_labels(labels: &StringMap, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (k, v) in labels {
        errs.extend(is_qualified_name(k).into_iter().map(|m| FieldError::invalid(path, go_quote(k), m)));
        errs.extend(is_valid_label_value(v).into_iter().map(|m| FieldError::invalid(path, go_quote(v), m)));
    }
    errs
}

/// `ValidateAnnotations` (keys; the 256 KiB total size is not simulated).
pub fn validate_annotations(annotations: &StringMap, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for k in annotations.keys() {
        // Lowercased as upstream; a copy only when there is something to lower.
        let key = if k.bytes().any(|b| b.is_ascii_uppercase()) || !k.is_ascii() { k.to_lowercase().into() } else { std::borrow::Cow::Borrowed(k.as_str()) };
        errs.extend(is_qualified_name(&key).into_iter().map(|m| FieldError::invalid(path, go_quote(k), m)));
    }
    errs
}

/// `ValidateLabelSelector` (strict: label values in selectors must be valid).
pub fn validate_label_selector(s: &LabelSelector, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (i, r) in s.match_expressions.iter().enumerate() {
        let p = format!("{path}.matchExpressions[{i}]");
        match r.operator.as_str() {
            "In" | "NotIn" => {
                if r.values.is_empty() {
                    errs.push(FieldError::required(
                        format!("{p}.values"),
                        "must be specified when `operator` is 'In' or 'NotIn'",
                    ));
                }
            }
            "Exists" | "DoesNotExist" => {
                if !r.values.is_empty() {
                    errs.push(FieldError::forbidden(
                        format!("{p}.values"),
                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                    ));
                }
            }
            other => errs.push(FieldError::invalid(format!("{p}.operator"), go_quote(other), "not a valid selector operator")),
        }
        errs.extend(is_qualified_name(&r.key).into_iter().map(|m| FieldError::invalid(format!("{p}.key"), go_quote(&r.key), m)));
        for (j, v) in r.values.iter().enumerate() {
            errs.extend(
                is_valid_label_value(v).into_iter().map(|m| FieldError::invalid(format!("{p}.values[{j}]"), go_quote(v), m)),
            );
        }
    }
    errs.extend(validate_labels(&s.match_labels, &format!("{path}.matchLabels")));
    errs
}

/// Which name rule a kind uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameRule {
    /// `NameIsDNSSubdomain` (most kinds).
    Subdomain,
    /// `NameIsDNSLabel` (StatefulSet, Namespace).
    Label,
    /// `NameIsDNS1035Label` (Service).
    Dns1035,
    /// `ValidatePathSegmentName` (RBAC kinds).
    PathSegment,
}

/// `ValidateObjectMeta` for a new object: name (or generateName) present and valid, labels,
/// annotations.
pub fn validate_object_meta(m: &ObjectMeta, rule: NameRule) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if m.name.is_empty() {
        errs.push(FieldError::required("metadata.name", "name or generateName is required"));
    } else {
        let msgs = match rule {
            NameRule::Subdomain => is_dns1123_subdomain(&m.name),
            NameRule::Label => is_dns1123_label(&m.name),
            NameRule::Dns1035 => is_dns1035_label(&m.name),
            NameRule::PathSegment => is_path_segment_name(&m.name),
        };
        errs.extend(msgs.into_iter().map(|msg| FieldError::invalid("metadata.name", go_quote(&m.name), msg)));
    }
    if !m.namespace.is_empty() {
        errs.extend(
            is_dns1123_label(&m.namespace)
                .into_iter()
                .map(|msg| FieldError::invalid("metadata.namespace", go_quote(&m.namespace), msg)),
        );
    }
    errs.extend(validate_labels(&m.labels, "metadata.labels"));
    errs.extend(validate_annotations(&m.annotations, "metadata.annotations"));
    errs
}

/// `ValidateObjectMetaUpdate`: labels and annotations re-validated (identity fields are kept
/// by the API server itself).
pub fn validate_object_meta_update(new: &ObjectMeta) -> Vec<FieldError> {
    let mut errs = validate_labels(&new.labels, "metadata.labels");
    errs.extend(validate_annotations(&new.annotations, "metadata.annotations"));
    errs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_label_message_is_verbatim() {
        assert_eq!(
            is_dns1123_label("Web_1"),
            vec!["a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"]
        );
        assert_eq!(is_dns1123_label(&"a".repeat(64)), vec!["must be no more than 63 characters"]);
        assert!(is_dns1123_label("web-0").is_empty());
        assert!(is_dns1123_subdomain("my.app").is_empty());
        assert!(!is_dns1123_label("my.app").is_empty());
        assert!(!is_dns1035_label("1web").is_empty());
    }

    #[test]
    fn label_errors() {
        let labels: StringMap = [("app".to_string(), "-bad".to_string())].into();
        let e = validate_labels(&labels, "metadata.labels");
        assert_eq!(
            e[0].to_string(),
            "metadata.labels: Invalid value: \"-bad\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
        );
        assert!(is_qualified_name("app.kubernetes.io/name").is_empty());
        assert_eq!(is_qualified_name("a/b/c").len(), 1);
    }

    #[test]
    fn missing_name() {
        let e = validate_object_meta(&ObjectMeta::default(), NameRule::Subdomain);
        assert_eq!(e[0].to_string(), "metadata.name: Required value: name or generateName is required");
    }
}
