//! StatefulSet validation (pkg/apis/apps/validation/validation.go: `ValidateStatefulSet`,
//! `ValidateStatefulSetSpec`, `ValidateStatefulSetUpdate`) and its strategy's warnings
//! (pkg/registry/apps/statefulset/strategy.go). Since 1.34 the template's PodSpec
//! (kubernetes#131790) and the volumeClaimTemplates' specs (kubernetes#132212) are validated
//! too; an update never re-checks the (immutable) claim templates, and skips the template when
//! the stored spec already fails validation (`StatefulSetValidationOptions`), so a set created
//! before keeps working.

use super::format::{go_int_or_string, go_label_selector, go_quote, go_string_map, GO_POINTER};
use super::meta::{
    is_dns1123_label, is_qualified_name, is_valid_label_value, validate_annotations, validate_label_selector, validate_labels, validate_object_meta, NameRule,
};
use crate::engine::api::*;
use crate::engine::error::FieldError;

/// `ValidateNonnegativeField`.
pub fn validate_nonnegative(value: i64, path: impl std::fmt::Display) -> Option<FieldError> {
    (value < 0).then(|| FieldError::invalid(path.to_string(), value.to_string(), "must be greater than or equal to 0"))
}

/// `IsValidPercent` + `ValidatePositiveIntOrPercent` + "cannot be 0" + `IsNotMoreThan100Percent`.
fn validate_max_unavailable(v: &IntOrString, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let shown = go_int_or_string(v);
    let value = match v {
        IntOrString::Int(i) => {
            if *i < 0 {
                errs.push(FieldError::invalid(path, i.to_string(), "must be greater than or equal to 0"));
            }
            *i
        }
        IntOrString::String(s) => {
            let digits = s.strip_suffix('%').filter(|d| !d.is_empty() && d.bytes().all(|c| c.is_ascii_digit()));
            match digits {
                Some(d) => {
                    let n: i64 = d.parse().unwrap_or(i64::MAX);
                    if n > 100 {
                        errs.push(FieldError::invalid(path, shown.clone(), "must not be greater than 100%"));
                    }
                    n
                }
                None => {
                    errs.push(FieldError::invalid(
                        path,
                        shown.clone(),
                        "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
                    ));
                    // IntOrString.IntValue() of a non-numeric string is 0.
                    0
                }
            }
        }
    };
    if value == 0 {
        errs.insert(errs.len().min(1), FieldError::invalid(path, shown, "cannot be 0"));
    }
    errs
}

fn rolling_update_value(ru: &RollingUpdateStatefulSetStrategy) -> String {
    let mu = match &ru.max_unavailable {
        None => "(*intstr.IntOrString)(nil)".to_string(),
        Some(_) => format!("(*intstr.IntOrString)({GO_POINTER})"),
    };
    format!("apps.RollingUpdateStatefulSetStrategy{{Partition:{}, MaxUnavailable:{mu}}}", ru.partition.unwrap_or(0))
}

/// `StatefulSetValidationOptions`: the checks `ValidateStatefulSetUpdate` skips.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StatefulSetValidationOptions {
    /// `SkipValidatePodTemplateSpec`.
    pub skip_pod_template_spec: bool,
    /// `SkipValidateVolumeClaimTemplates`.
    pub skip_volume_claim_templates: bool,
    /// `AllowInvalidServiceName` (serviceName is immutable, so an update never re-checks it).
    pub allow_invalid_service_name: bool,
}

/// `ValidateVolumeClaimTemplates`: each claim template's spec as a new PVC's.
fn validate_volume_claim_templates(claims: &[PersistentVolumeClaim]) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (i, c) in claims.iter().enumerate() {
        errs.extend(super::core::validate_pvc_spec(&c.spec, &format!("spec.volumeClaimTemplates[{i}].spec")));
    }
    errs
}

/// The template's `ValidatePodSpec`, claim templates counting as volumes.
fn validate_template_pod_spec(spec: &StatefulSetSpec) -> Vec<FieldError> {
    let claims: Vec<&str> = spec.volume_claim_templates.iter().map(|c| c.metadata.name.as_str()).collect();
    super::core::validate_pod_spec_with_claims(&spec.template.spec, "spec.template.spec", &claims)
}

/// `ValidateStatefulSetSpec`.
pub fn validate_stateful_set_spec(spec: &StatefulSetSpec, opts: StatefulSetValidationOptions) -> Vec<FieldError> {
    let mut errs = Vec::new();
    match spec.pod_management_policy.as_str() {
        "" => errs.push(FieldError::required("spec.podManagementPolicy", "")),
        POD_MANAGEMENT_ORDERED_READY | POD_MANAGEMENT_PARALLEL => {}
        other => errs.push(FieldError::invalid(
            "spec.podManagementPolicy",
            go_quote(other),
            "must be 'OrderedReady' or 'Parallel'",
        )),
    }
    let us = &spec.update_strategy;
    match us.type_.as_str() {
        "" => errs.push(FieldError::required("spec.updateStrategy", "")),
        ON_DELETE => {
            if let Some(ru) = &us.rolling_update {
                errs.push(FieldError::invalid(
                    "spec.updateStrategy.rollingUpdate",
                    rolling_update_value(ru),
                    "only allowed for updateStrategy 'RollingUpdate'",
                ));
            }
        }
        ROLLING_UPDATE => {
            if let Some(ru) = &us.rolling_update {
                let p = "spec.updateStrategy.rollingUpdate";
                errs.extend(validate_nonnegative(ru.partition.unwrap_or(0) as i64, format!("{p}.partition")));
                if let Some(mu) = &ru.max_unavailable {
                    errs.extend(validate_max_unavailable(mu, &format!("{p}.maxUnavailable")));
                }
            }
        }
        other => {
            let ru = match &us.rolling_update {
                None => "(*apps.RollingUpdateStatefulSetStrategy)(nil)".to_string(),
                Some(_) => format!("(*apps.RollingUpdateStatefulSetStrategy)({GO_POINTER})"),
            };
            errs.push(FieldError::invalid(
                "spec.updateStrategy",
                format!("apps.StatefulSetUpdateStrategy{{Type:{}, RollingUpdate:{ru}}}", go_quote(other)),
                "must be 'RollingUpdate' or 'OnDelete'",
            ));
        }
    }
    if let Some(p) = &spec.persistent_volume_claim_retention_policy {
        for (field, v) in [("whenDeleted", &p.when_deleted), ("whenScaled", &p.when_scaled)] {
            if v != RETAIN && v != DELETE {
                errs.push(FieldError::not_supported(
                    format!("spec.persistentVolumeClaimRetentionPolicy.{field}"),
                    v,
                    &[RETAIN, DELETE],
                ));
            }
        }
    }
    if !opts.skip_volume_claim_templates {
        errs.extend(validate_volume_claim_templates(&spec.volume_claim_templates));
    }
    errs.extend(validate_nonnegative(spec.replicas() as i64, "spec.replicas"));
    errs.extend(validate_nonnegative(spec.min_ready_seconds() as i64, "spec.minReadySeconds"));
    if let Some(o) = &spec.ordinals {
        errs.extend(validate_nonnegative(o.start.unwrap_or(0) as i64, "spec.ordinals.start"));
    }
    // kubernetes#130233: a set serviceName becomes the pods' spec.subdomain, a DNS-1123 label.
    if !spec.service_name.is_empty() && !opts.allow_invalid_service_name {
        errs.extend(
            is_dns1123_label(&spec.service_name)
                .into_iter()
                .map(|m| FieldError::invalid("spec.serviceName", go_quote(&spec.service_name), m)),
        );
    }
    match &spec.selector {
        None => errs.push(FieldError::required("spec.selector", "")),
        Some(sel) => {
            errs.extend(validate_label_selector(sel, "spec.selector"));
            if sel.match_labels.is_empty() && sel.match_expressions.is_empty() {
                errs.push(FieldError::invalid("spec.selector", go_label_selector(sel), "empty selector is invalid for statefulset"));
            }
        }
    }
    // `LabelSelectorAsSelector`: nil is `labels.Nothing()` (not Empty, matches nothing); a
    // selector it cannot parse is Invalid with an empty detail and the template goes unchecked.
    let t = &spec.template.metadata;
    match &spec.selector {
        Some(sel) if !selector_is_valid(sel) => {
            errs.push(FieldError::invalid("spec.selector", go_label_selector(sel), ""));
        }
        sel => {
            // ValidatePodTemplateSpecForStatefulSet: the selector must match; labels, annotations.
            let empty = sel.as_ref().is_some_and(|s| s.match_labels.is_empty() && s.match_expressions.is_empty());
            if !empty && !sel.as_ref().is_some_and(|s| selector_matches(s, &t.labels)) {
                errs.push(FieldError::invalid(
                    "spec.template.metadata.labels",
                    go_string_map(&t.labels),
                    "`selector` does not match template `labels`",
                ));
            }
            // `ValidatePodTemplateSpec` (labels, annotations, then the PodSpec) runs first, then
            // ValidatePodTemplateSpecForStatefulSet checks the labels and annotations again: a bad
            // template label is listed twice among the causes (the status message's
            // `ToAggregate` drops the repeat).
            if !opts.skip_pod_template_spec {
                errs.extend(validate_labels(&t.labels, "spec.template.labels"));
                errs.extend(validate_annotations(&t.annotations, "spec.template.annotations"));
                errs.extend(validate_template_pod_spec(spec));
            }
            errs.extend(validate_labels(&t.labels, "spec.template.labels"));
            errs.extend(validate_annotations(&t.annotations, "spec.template.annotations"));
        }
    }
    let ps = &spec.template.spec;
    if ps.restart_policy != "Always" {
        errs.push(FieldError::not_supported("spec.template.spec.restartPolicy", &ps.restart_policy, &["Always"]));
    }
    if ps.active_deadline_seconds.is_some() {
        errs.push(FieldError::forbidden(
            "spec.template.spec.activeDeadlineSeconds",
            "activeDeadlineSeconds in StatefulSet is not Supported",
        ));
    }
    errs
}

/// Whether `LabelSelectorAsSelector` accepts the selector: known operators, values as the
/// operator requires, and keys and values `labels.NewRequirement` accepts.
fn selector_is_valid(sel: &LabelSelector) -> bool {
    let labels_ok = sel.match_labels.iter().all(|(k, v)| is_qualified_name(k).is_empty() && is_valid_label_value(v).is_empty());
    labels_ok
        && sel.match_expressions.iter().all(|r| {
            let shape = match r.operator.as_str() {
                "In" | "NotIn" => !r.values.is_empty(),
                "Exists" | "DoesNotExist" => r.values.is_empty(),
                _ => false,
            };
            shape && is_qualified_name(&r.key).is_empty() && r.values.iter().all(|v| is_valid_label_value(v).is_empty())
        })
}

/// `labels.Selector.Matches` for a `metav1.LabelSelector`.
pub fn selector_matches(sel: &LabelSelector, labels: &StringMap) -> bool {
    sel.match_labels.iter().all(|(k, v)| labels.get(k) == Some(v))
        && sel.match_expressions.iter().all(|r| {
            let got = labels.get(&r.key);
            match r.operator.as_str() {
                "In" => got.is_some_and(|v| r.values.contains(v)),
                "NotIn" => got.is_none_or(|v| !r.values.contains(v)),
                "Exists" => got.is_some(),
                "DoesNotExist" => got.is_none(),
                _ => false,
            }
        })
}

/// `ValidateStatefulSet` (create).
pub fn validate_stateful_set(sts: &StatefulSet) -> Vec<FieldError> {
    let mut errs = validate_object_meta(&sts.metadata, NameRule::Label);
    errs.extend(validate_stateful_set_spec(&sts.spec, StatefulSetValidationOptions::default()));
    errs
}

/// `ValidateStatefulSetUpdate`: the new spec is valid, and only the mutable fields changed
/// (1.35 list, with `revisionHistoryLimit` mutable).
pub fn validate_stateful_set_update(new: &StatefulSet, old: &StatefulSet) -> Vec<FieldError> {
    let mut errs = super::meta::validate_object_meta_update(&new.metadata);
    // serviceName and volumeClaimTemplates are immutable, so never re-checked; the template is
    // skipped when the stored spec fails any of the remaining checks.
    let mut opts = StatefulSetValidationOptions { allow_invalid_service_name: true, skip_volume_claim_templates: true, ..Default::default() };
    opts.skip_pod_template_spec = !validate_stateful_set_spec(&old.spec, opts).is_empty();
    errs.extend(validate_stateful_set_spec(&new.spec, opts));
    let mut clone = new.spec.clone();
    clone.replicas = old.spec.replicas;
    clone.template = old.spec.template.clone();
    clone.update_strategy = old.spec.update_strategy.clone();
    clone.min_ready_seconds = old.spec.min_ready_seconds;
    clone.ordinals = old.spec.ordinals.clone();
    clone.revision_history_limit = old.spec.revision_history_limit;
    clone.persistent_volume_claim_retention_policy = old.spec.persistent_volume_claim_retention_policy.clone();
    if clone != old.spec {
        errs.push(FieldError::forbidden(
            "spec",
            "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
        ));
    }
    errs
}

/// The strategy's `WarningsOnCreate` / `WarningsOnUpdate` for the fields we simulate.
pub fn stateful_set_warnings(sts: &StatefulSet) -> Vec<String> {
    let mut w = Vec::new();
    if sts.spec.revision_history_limit.is_some_and(|l| l < 0) {
        w.push(
            "spec.revisionHistoryLimit: a negative value retains all historical revisions; a value >= 0 is recommended".into(),
        );
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_unavailable_rules() {
        let e = validate_max_unavailable(&IntOrString::Int(0), "p");
        assert_eq!(e[0].to_string(), "p: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}: cannot be 0");
        let e = validate_max_unavailable(&IntOrString::String("150%".into()), "p");
        assert_eq!(e[0].detail, "must not be greater than 100%");
        assert!(validate_max_unavailable(&IntOrString::String("50%".into()), "p").is_empty());
        assert!(validate_max_unavailable(&IntOrString::Int(2), "p").is_empty());
    }
}
