//! `kubectl describe` for kinds without a describer (`genericDescriber` in
//! `kubectl/pkg/describe/describe.go`): name, namespace, labels, annotations, then every other
//! field of the object's JSON, sorted, with `smartLabelFor` titles. kubectl uses it for
//! ControllerRevisions.

use super::*;
use crate::engine::api::Object;
use crate::engine::sim::Cluster;
use serde_json::Value;

/// `genericDescriber.Describe`.
pub fn describe_generic(c: &Cluster, obj: &Object) -> String {
    let m = obj.meta();
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", m.name));
    w.write(LEVEL_0, &format!("Namespace:\t{}\n", m.namespace));
    print_labels_multiline(&mut w, "Labels", &m.labels);
    print_annotations_multiline(&mut w, "Annotations", &m.annotations);
    if let Value::Object(content) = obj.to_value() {
        let skip =
            [".metadata.managedFields", ".metadata.name", ".metadata.namespace", ".metadata.labels", ".metadata.annotations"];
        print_unstructured_content(&mut w, LEVEL_0, &content, "", &skip);
    }
    let ns = if m.namespace.is_empty() { "default" } else { m.namespace.as_str() };
    let events = crate::engine::events::events_for(c, ns, &m.uid);
    describe_events(&mut w, &events, c.now);
    w.finish()
}

/// Go's `%v` of a decoded JSON scalar (`<nil>` for null).
fn go_value(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `printUnstructuredContent`: fields sorted; maps and lists open a nested level; list items
/// that are maps print their fields one level deeper, with nothing between items.
fn print_unstructured_content(
    w: &mut PrefixWriter,
    level: usize,
    content: &serde_json::Map<String, Value>,
    skip_prefix: &str,
    skip: &[&str],
) {
    let mut fields: Vec<&String> = content.keys().collect();
    crate::util::sort::sort(&mut fields);
    for field in fields {
        let skip_expr = format!("{skip_prefix}.{field}");
        if skip.contains(&skip_expr.as_str()) {
            continue;
        }
        match &content[field] {
            Value::Object(m) => {
                w.write(level, &format!("{}:\n", smart_label_for(field)));
                print_unstructured_content(w, level + 1, m, &skip_expr, skip);
            }
            Value::Array(items) => {
                w.write(level, &format!("{}:\n", smart_label_for(field)));
                for child in items {
                    match child {
                        Value::Object(m) => print_unstructured_content(w, level + 1, m, &skip_expr, skip),
                        other => w.write(level + 1, &format!("{}\n", go_value(other))),
                    }
                }
            }
            other => w.write(level, &format!("{}:\t{}\n", smart_label_for(field), go_value(other))),
        }
    }
}

/// `smartLabelFor`: a field made of letters and `-` is split at case changes
/// (`github.com/fatih/camelcase`) and title-cased, with API/URL/UID/OSB/GUID upper-cased;
/// any other field name is kept as is.
pub fn smart_label_for(field: &str) -> String {
    if field.chars().any(|r| !r.is_alphabetic() && r != '-') {
        return field.to_string();
    }
    const ACRONYMS: [&str; 5] = ["API", "URL", "UID", "OSB", "GUID"];
    camelcase_split(field)
        .into_iter()
        .filter(|p| p != "_")
        .map(|p| {
            let upper = p.to_uppercase();
            if ACRONYMS.contains(&upper.as_str()) {
                upper
            } else {
                // strings.Title: upper-case the first letter of each word.
                let mut cs = p.chars();
                match cs.next() {
                    Some(f) => f.to_uppercase().collect::<String>() + cs.as_str(),
                    None => String::new(),
                }
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `camelcase.Split`: runs of lower-case, upper-case, digits and other characters; an upper-case
/// run followed by a lower-case run gives its last letter to that run (`HTTPServer` → `HTTP`,
/// `Server`).
fn camelcase_split(s: &str) -> Vec<String> {
    fn class(c: char) -> u8 {
        if c.is_lowercase() {
            1
        } else if c.is_uppercase() {
            2
        } else if c.is_numeric() {
            3
        } else {
            4
        }
    }
    let mut runs: Vec<Vec<char>> = Vec::new();
    let mut last = 0;
    for c in s.chars() {
        let k = class(c);
        match runs.last_mut() {
            Some(run) if k == last => run.push(c),
            _ => runs.push(vec![c]),
        }
        last = k;
    }
    for i in 0..runs.len().saturating_sub(1) {
        if class(runs[i][0]) == 2 && class(runs[i + 1][0]) == 1 {
            if let Some(c) = runs[i].pop() {
                runs[i + 1].insert(0, c);
            }
        }
    }
    runs.into_iter().filter(|r| !r.is_empty()).map(|r| r.into_iter().collect()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::api::*;
    use crate::kubectl::testutil::*;

    #[test]
    fn smart_labels_like_upstream() {
        // describe.go smartLabelFor with fatih/camelcase.
        assert_eq!(smart_label_for("apiVersion"), "API Version");
        assert_eq!(smart_label_for("creationTimestamp"), "Creation Timestamp");
        assert_eq!(smart_label_for("uid"), "UID");
        assert_eq!(smart_label_for("blockOwnerDeletion"), "Block Owner Deletion");
        assert_eq!(smart_label_for("$patch"), "$patch");
        assert_eq!(smart_label_for("HTTPServer"), "HTTP Server");
        assert_eq!(smart_label_for("app"), "App");
    }

    #[test]
    fn controller_revision_uses_the_generic_describer() {
        // kubectl has no ControllerRevision describer: genericDescriber prints the object's fields.
        // One tabwriter for the whole text: `Kind:` shares a column block with the `App:` line
        // above it (a tab-less line such as `Metadata:` ends a block).
        let mut c = cluster();
        let mut cr = ControllerRevision::default();
        cr.metadata.name = "web-75c4797fdd".into();
        cr.metadata.namespace = "default".into();
        cr.metadata.labels.insert("app".into(), "nginx".into());
        *cr.metadata.owner_references = vec![OwnerReference {
            api_version: "apps/v1".into(),
            kind: "StatefulSet".into(),
            name: "web".into(),
            uid: "u1".into(),
            controller: Some(true),
            block_owner_deletion: Some(true),
        }];
        cr.revision = 1;
        cr.data = serde_json::json!({"spec": {"template": {"$patch": "replace", "metadata": {"labels": {"app": "nginx"}}}}});
        put(&mut c, Object::ControllerRevision(cr));
        let o = kubectl(&mut c, "describe controllerrevision web-75c4797fdd");
        let uid = c.store.get(Kind::ControllerRevision, "default", "web-75c4797fdd").unwrap().meta().uid.clone();
        let rv = c.store.get(Kind::ControllerRevision, "default", "web-75c4797fdd").unwrap().meta().resource_version.clone();
        let want = format!(
            "Name:         web-75c4797fdd
Namespace:    default
Labels:       app=nginx
Annotations:  <none>
API Version:  apps/v1
Data:
  Spec:
    Template:
      $patch:  replace
      Metadata:
        Labels:
          App:  nginx
Kind:           ControllerRevision
Metadata:
  Creation Timestamp:  2025-01-06T09:10:00Z
  Owner References:
    API Version:           apps/v1
    Block Owner Deletion:  true
    Controller:            true
    Kind:                  StatefulSet
    Name:                  web
    UID:                   u1
  Resource Version:        {rv}
  UID:                     {uid}
Revision:                  1
Events:                    <none>
"
        );
        assert_eq!(o.stdout, want);
    }
}
