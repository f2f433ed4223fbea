//! `stsplay check FILE…`: validates manifests as the API server would, without a cluster to
//! keep — YAML syntax, Go types, unknown and duplicate fields (warnings), then admission
//! (defaulting + validation) with every field error located at its field, and the playground's
//! lints. Output lines are `FILE:LINE:COL: message` (`warning: ` before warnings).

use crate::engine::api::Object;
use crate::engine::apiserver;
use crate::engine::error::ApiError;
use crate::engine::manifest::{parse_manifests, Severity};
use crate::engine::sim::Cluster;
use crate::engine::ClusterConfig;
use crate::kubectl::commands::lint;

/// The result of checking files.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CheckReport {
    /// One line per finding, in file order.
    pub lines: Vec<String>,
    /// Whether anything is invalid (an error, not just warnings).
    pub invalid: bool,
}

/// Checks named texts (file name, contents) in order, as if applied one after another to a
/// fresh cluster (so a Service and its StatefulSet may come from different files).
pub fn check(files: &[(String, String)]) -> CheckReport {
    let mut c = Cluster::new(ClusterConfig::default());
    let mut report = CheckReport::default();
    for (name, text) in files {
        let set = parse_manifests(name, text);
        let mut findings: Vec<(u32, u32, String)> = Vec::new();
        for d in &set.diagnostics {
            let msg = match d.severity {
                Severity::Error => d.message.clone(),
                Severity::Warning => format!("warning: {}", d.message),
            };
            report.invalid |= d.severity == Severity::Error;
            findings.push((d.line, d.col, msg));
        }
        for d in &set.objects {
            let mut obj = d.object.clone();
            if obj.kind().info().namespaced && obj.meta().namespace.is_empty() {
                obj.meta_mut().namespace = "default".into();
            }
            match apiserver::create(&mut c, obj) {
                Ok(w) => {
                    for warning in w.warnings {
                        findings.push((d.source.line, d.source.col, format!("warning: {warning}")));
                    }
                    let stored: Object = (*w.object).clone();
                    for l in lint::lint(&c, &[stored]) {
                        findings.push((d.source.line, d.source.col, format!("warning: {l}")));
                    }
                }
                Err(ApiError::Invalid { kind, name: obj_name, causes }) => {
                    report.invalid = true;
                    for cause in causes {
                        let at = d.locate(&cause.path);
                        findings.push((at.line, at.col, format!("{} {obj_name:?} is invalid: {cause}", kind.info().kind_name)));
                    }
                }
                Err(e) => {
                    report.invalid = true;
                    findings.push((d.source.line, d.source.col, e.to_string()));
                }
            }
        }
        crate::util::sort::sort_by_key(&mut findings, |(l, col, _)| (*l, *col));
        for (l, col, msg) in findings {
            report.lines.push(format!("{name}:{l}:{col}: {msg}"));
        }
        c.flush();
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_every_kind_of_finding() {
        let text = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web\nspec:\n  replica: 2\n  replicas: -1\n  serviceName: web\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx\n        readinessProbe:\n          tcpSocket:\n            port: 80\n";
        let r = check(&[("web.yaml".into(), text.into())]);
        assert!(r.invalid);
        assert_eq!(r.lines[0], "web.yaml:6:3: warning: unknown field \"spec.replica\"");
        assert_eq!(
            r.lines[1],
            "web.yaml:7:3: StatefulSet \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0"
        );
        let r = check(&[("bad.yaml".into(), "kind: [\n".into())]);
        assert!(r.invalid && r.lines[0].starts_with("bad.yaml:"), "{:?}", r.lines);
    }
}
