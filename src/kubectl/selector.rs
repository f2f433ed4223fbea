//! Label and field selectors as kubectl sends them with `-l` and `--field-selector`
//! (`k8s.io/apimachinery/pkg/labels/selector.go` `Parse`, `pkg/fields/selector.go`).
//!
//! Kept inside kubectl until the engine's `labels` module lands; same syntax: `k=v`, `k==v`,
//! `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`, comma-separated.

use crate::engine::api::{LabelSelector, Object, StringMap};

/// One requirement of a label selector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Requirement {
    /// `k=v` / `k==v` / `k in (v…)`.
    In(String, Vec<String>),
    /// `k!=v` / `k notin (v…)`: also true when the key is absent.
    NotIn(String, Vec<String>),
    /// `k`.
    Exists(String),
    /// `!k`.
    DoesNotExist(String),
}

/// A parsed label selector (all requirements must hold; empty matches everything).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selector(pub Vec<Requirement>);

impl Selector {
    /// Whether `labels` satisfy every requirement.
    pub fn matches(&self, labels: &StringMap) -> bool {
        self.0.iter().all(|r| match r {
            Requirement::In(k, vs) => labels.get(k).is_some_and(|v| vs.contains(v)),
            Requirement::NotIn(k, vs) => labels.get(k).is_none_or(|v| !vs.contains(v)),
            Requirement::Exists(k) => labels.contains_key(k),
            Requirement::DoesNotExist(k) => !labels.contains_key(k),
        })
    }

    /// Whether the selector is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// `metav1.LabelSelectorAsSelector`: matchLabels and matchExpressions as requirements.
pub fn from_label_selector(s: &LabelSelector) -> Selector {
    let mut reqs: Vec<Requirement> =
        s.match_labels.iter().map(|(k, v)| Requirement::In(k.clone(), vec![v.clone()])).collect();
    for e in &s.match_expressions {
        reqs.push(match e.operator.as_str() {
            "In" => Requirement::In(e.key.clone(), e.values.clone()),
            "NotIn" => Requirement::NotIn(e.key.clone(), e.values.clone()),
            "Exists" => Requirement::Exists(e.key.clone()),
            _ => Requirement::DoesNotExist(e.key.clone()),
        });
    }
    Selector(reqs)
}

/// `metav1.FormatLabelSelector`: `app=web,tier in (a,b)`, `<none>` when empty.
pub fn format_label_selector(s: &LabelSelector) -> String {
    let mut parts: Vec<String> = s.match_labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
    for e in &s.match_expressions {
        let vals = e.values.join(",");
        parts.push(match e.operator.as_str() {
            "In" => format!("{} in ({vals})", e.key),
            "NotIn" => format!("{} notin ({vals})", e.key),
            "Exists" => e.key.clone(),
            _ => format!("!{}", e.key),
        });
    }
    if parts.is_empty() {
        "<none>".into()
    } else {
        parts.join(",")
    }
}

fn valid_key(k: &str) -> bool {
    let name = k.rsplit_once('/').map(|(_, n)| n).unwrap_or(k);
    !name.is_empty()
        && name.len() <= 63
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric())
}

fn split_top_level(s: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    parts
}

fn parse_set(rest: &str) -> Option<Vec<String>> {
    let inner = rest.trim().strip_prefix('(')?.strip_suffix(')')?;
    Some(inner.split(',').map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect())
}

/// `labels.Parse`. The error is the text kubectl prints after `error: `.
pub fn parse_label_selector(s: &str) -> Result<Selector, String> {
    let mut reqs = Vec::new();
    if s.trim().is_empty() {
        return Ok(Selector(reqs));
    }
    for part in split_top_level(s) {
        let p = part.trim();
        let bad_key = |k: &str| {
            format!(
                "unable to parse requirement: <nil>: Invalid value: {k:?}: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
            )
        };
        let req = if let Some(k) = p.strip_prefix('!') {
            let k = k.trim();
            if !valid_key(k) {
                return Err(bad_key(k));
            }
            Requirement::DoesNotExist(k.to_string())
        } else if let Some((k, v)) = p.split_once("!=") {
            Requirement::NotIn(k.trim().to_string(), vec![v.trim().to_string()])
        } else if let Some((k, v)) = p.split_once("==") {
            Requirement::In(k.trim().to_string(), vec![v.trim().to_string()])
        } else if let Some((k, v)) = p.split_once('=') {
            Requirement::In(k.trim().to_string(), vec![v.trim().to_string()])
        } else if let Some((k, rest)) = p.split_once(" notin ") {
            let vals = parse_set(rest).ok_or_else(|| "unable to parse requirement: found '', expected: '('".to_string())?;
            Requirement::NotIn(k.trim().to_string(), vals)
        } else if let Some((k, rest)) = p.split_once(" in ") {
            let vals = parse_set(rest).ok_or_else(|| "unable to parse requirement: found '', expected: '('".to_string())?;
            Requirement::In(k.trim().to_string(), vals)
        } else {
            if p.contains(char::is_whitespace) {
                let found = p.split_whitespace().nth(1).unwrap_or("");
                return Err(format!(
                    "unable to parse requirement: found '{found}', expected: in, notin, =, ==, !=, gt, lt"
                ));
            }
            Requirement::Exists(p.to_string())
        };
        let key = match &req {
            Requirement::In(k, _) | Requirement::NotIn(k, _) | Requirement::Exists(k) | Requirement::DoesNotExist(k) => k,
        };
        if !valid_key(key) {
            return Err(bad_key(key));
        }
        reqs.push(req);
    }
    Ok(Selector(reqs))
}

/// One `--field-selector` term.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldTerm {
    /// Field path, e.g. `metadata.name`.
    pub field: String,
    /// `=`/`==` (true) or `!=` (false).
    pub equals: bool,
    /// Value.
    pub value: String,
}

/// `fields.ParseSelector`: comma-separated `field=value`, `field==value`, `field!=value`.
pub fn parse_field_selector(s: &str) -> Result<Vec<FieldTerm>, String> {
    let mut terms = Vec::new();
    if s.trim().is_empty() {
        return Ok(terms);
    }
    for part in s.split(',') {
        let (field, equals, value) = if let Some((f, v)) = part.split_once("!=") {
            (f, false, v)
        } else if let Some((f, v)) = part.split_once("==") {
            (f, true, v)
        } else if let Some((f, v)) = part.split_once('=') {
            (f, true, v)
        } else {
            return Err(format!("invalid selector: '{s}'; can't understand '{part}'"));
        };
        terms.push(FieldTerm { field: field.trim().into(), equals, value: value.trim().into() });
    }
    Ok(terms)
}

/// The value of a selectable field on an object, or `None` when the API server does not
/// support selecting on it for this kind (`field label not supported: …`).
pub fn field_value(obj: &Object, field: &str) -> Option<String> {
    let m = obj.meta();
    match field {
        "metadata.name" => return Some(m.name.clone()),
        "metadata.namespace" => return Some(m.namespace.clone()),
        _ => {}
    }
    match obj {
        Object::Pod(p) => match field {
            "spec.nodeName" => Some(p.spec.node_name.clone()),
            "spec.restartPolicy" => Some(p.spec.restart_policy.clone()),
            "spec.schedulerName" => Some(p.spec.scheduler_name.clone()),
            "spec.serviceAccountName" => Some(p.spec.service_account_name.clone()),
            "spec.hostNetwork" => Some(p.spec.host_network.as_ref().map(|v| v.to_string()).unwrap_or("false".into())),
            "status.phase" => Some(p.status.phase.clone()),
            "status.podIP" => Some(p.status.pod_ip.clone()),
            "status.nominatedNodeName" => Some(p.status.nominated_node_name.clone()),
            _ => None,
        },
        Object::Event(e) => match field {
            "involvedObject.kind" => Some(e.involved_object.kind.clone()),
            "involvedObject.namespace" => Some(e.involved_object.namespace.clone()),
            "involvedObject.name" => Some(e.involved_object.name.clone()),
            "involvedObject.uid" => Some(e.involved_object.uid.clone()),
            "involvedObject.apiVersion" => Some(e.involved_object.api_version.clone()),
            "involvedObject.resourceVersion" => Some(e.involved_object.resource_version.clone()),
            "involvedObject.fieldPath" => Some(e.involved_object.field_path.clone()),
            "reason" => Some(e.reason.clone()),
            "reportingComponent" => Some(e.reporting_component.clone()),
            "source" => Some(e.source.component.clone()),
            "type" => Some(e.type_.clone()),
            _ => None,
        },
        Object::PersistentVolumeClaim(_) | Object::Node(_) | Object::Service(_) => None,
        _ if field == "status.successful" => None,
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> StringMap {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn parses_kubectl_selector_forms() {
        let s = parse_label_selector("app=web,tier!=db,env in (a, b),!canary,track").unwrap();
        assert_eq!(s.0.len(), 5);
        assert!(s.matches(&labels(&[("app", "web"), ("env", "a"), ("track", "x")])));
        assert!(!s.matches(&labels(&[("app", "web"), ("env", "c"), ("track", "x")])));
        assert!(!s.matches(&labels(&[("app", "web"), ("env", "a"), ("track", "x"), ("canary", "1")])));
        assert!(parse_label_selector("app==web").unwrap().matches(&labels(&[("app", "web")])));
        assert!(parse_label_selector("").unwrap().matches(&labels(&[])));
    }

    #[test]
    fn rejects_bad_selectors() {
        assert!(parse_label_selector("a b").unwrap_err().starts_with("unable to parse requirement: found 'b'"));
        assert!(parse_label_selector("-x=1").unwrap_err().contains("Invalid value: \"-x\""));
    }

    #[test]
    fn formats_label_selectors() {
        let mut ls = LabelSelector::default();
        assert_eq!(format_label_selector(&ls), "<none>");
        ls.match_labels.insert("app".into(), "nginx".into());
        assert_eq!(format_label_selector(&ls), "app=nginx");
    }

    #[test]
    fn parses_field_selectors() {
        let t = parse_field_selector("metadata.name=web-0,status.phase!=Running").unwrap();
        assert_eq!(t[0], FieldTerm { field: "metadata.name".into(), equals: true, value: "web-0".into() });
        assert!(!t[1].equals);
        assert!(parse_field_selector("oops").is_err());
    }
}
