//! `kubectl apply -f` (`kubectl/pkg/cmd/apply/apply.go` `applyOneObject`, `patcher.go`):
//! client-side apply. A new object is created with the
//! `kubectl.kubernetes.io/last-applied-configuration` annotation; an existing one gets the
//! three-way strategic merge patch between that annotation, the file and the live object, so a
//! field removed from the file is removed from the cluster. Prints `created`, `configured` or
//! `unchanged` per object, then the playground's lints.

use super::lint;
use super::manifests::{
    decode_value, diagnostic_error, dry_run, info_string, object_namespace, print_warnings, read_sources, validation,
    DryRun, Validation, DRY_RUN_FLAG, VALIDATE_FLAG,
};
use super::output::{name_for, parse_change_output, write_generic, Format};
use super::parse_flags;
use crate::engine::api::Object;
use crate::engine::apiserver;
use crate::engine::error::ApiError;
use crate::engine::manifest::{parse_manifests, strict_decoding_error, Decoded};
use crate::kubectl::errors::{CmdError, CmdResult};
use crate::kubectl::flags::{flag, FlagKind, FlagSpec};
use crate::kubectl::patch::{go_json, strategic, three_way};
use crate::kubectl::Env;
use serde_json::{Map, Value};

/// The annotation client-side apply keeps the last applied configuration in.
pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Flags `kubectl apply` accepts.
pub const FLAGS: &[FlagSpec] = &[
    flag("filename", Some('f'), FlagKind::StringArray),
    flag("recursive", Some('R'), FlagKind::Bool),
    flag("output", Some('o'), FlagKind::String),
    flag("template", None, FlagKind::String),
    flag("allow-missing-template-keys", None, FlagKind::Bool),
    flag("selector", Some('l'), FlagKind::String),
    flag("force", None, FlagKind::Bool),
    flag("prune", None, FlagKind::Bool),
    flag("server-side", None, FlagKind::Bool),
    flag("force-conflicts", None, FlagKind::Bool),
    flag("field-manager", None, FlagKind::String),
    flag("overwrite", None, FlagKind::Bool),
    flag("wait", None, FlagKind::Bool),
    flag("timeout", None, FlagKind::String),
    flag("record", None, FlagKind::Bool),
    flag("kustomize", Some('k'), FlagKind::String),
    DRY_RUN_FLAG,
    VALIDATE_FLAG,
];

/// What happened to one object.
enum Applied {
    Created(Object),
    Configured(Object),
    Unchanged(Object),
}

/// `kubectl apply`.
pub fn run(env: &mut Env, args: &[String]) -> CmdResult {
    let p = parse_flags(env, "apply", args, FLAGS)?;
    if p.bool("server-side") {
        return Err(CmdError::plain("--server-side is not available in the StatefulSet Playground (client-side apply is)"));
    }
    if p.has("kustomize") {
        return Err(CmdError::plain("-k (kustomize) is not available in the StatefulSet Playground"));
    }
    let files = p.strings("filename");
    if files.is_empty() {
        return Err(CmdError::plain("must specify one of -f and -k"));
    }
    if !p.args.is_empty() {
        return Err(super::usage_errorf("apply", &format!("Unexpected args: {:?}", p.args).replace('"', "")));
    }
    let dry = dry_run(env, &p)?;
    let validate = validation(&p)?;
    let format = parse_change_output(env, &p)?;
    let sources = read_sources(env, &files)?;
    let mut errors = Vec::new();
    let mut seen = 0;
    let mut applied: Vec<Object> = Vec::new();
    for src in &sources {
        let set = parse_manifests(&src.name, &src.text);
        seen += set.objects.len();
        for d in &set.objects {
            match apply_one(env, d, validate, dry) {
                Ok(result) => {
                    let (op, obj) = match result {
                        Applied::Created(o) => ("created", o),
                        Applied::Configured(o) => ("configured", o),
                        Applied::Unchanged(o) => ("unchanged", o),
                    };
                    match &format {
                        Some(f) if !matches!(f, Format::Table | Format::Wide) => {
                            write_generic(env, f, &[&obj], true, false)?;
                        }
                        _ => env.println(&format!("{} {op}{}", name_for(obj.kind(), &obj.meta().name), dry.suffix())),
                    }
                    applied.push(obj);
                }
                Err(e) => errors.push(e),
            }
        }
        errors.extend(set.errors().map(|d| diagnostic_error(d, "creating")));
    }
    if seen == 0 && errors.is_empty() {
        return Err(CmdError::plain("no objects passed to apply"));
    }
    if dry == DryRun::None {
        for w in lint::lint(env.cluster, &applied) {
            env.eprintln(&format!("Warning: {w}"));
        }
    }
    match errors.len() {
        0 => Ok(()),
        1 => Err(errors.remove(0)),
        _ => Err(CmdError::Aggregate(errors)),
    }
}

/// `GetModifiedConfiguration(obj, annotate=true)`: the file's object with the namespace set and
/// the annotation holding its own JSON (without the annotation), `\n`-terminated.
pub fn modified_configuration(raw: &Value, namespace: &str) -> Value {
    let mut v = raw.clone();
    let Value::Object(root) = &mut v else { return v };
    let meta = root.entry("metadata").or_insert_with(|| Value::Object(Map::new()));
    if !meta.is_object() {
        *meta = Value::Object(Map::new());
    }
    if let Value::Object(m) = meta {
        if !namespace.is_empty() {
            m.insert("namespace".into(), Value::String(namespace.into()));
        }
        let ann = m.entry("annotations").or_insert_with(|| Value::Object(Map::new()));
        if !ann.is_object() {
            *ann = Value::Object(Map::new());
        }
        if let Value::Object(a) = ann {
            a.remove(LAST_APPLIED);
        }
    }
    let text = format!("{}\n", go_json(&v));
    if let Some(Value::Object(a)) = v.get_mut("metadata").and_then(|m| m.get_mut("annotations")) {
        a.insert(LAST_APPLIED.into(), Value::String(text));
    }
    v
}

fn apply_one(env: &mut Env, d: &Decoded, validate: Validation, dry: DryRun) -> CmdResult<Applied> {
    let kind = d.object.kind();
    let name = d.object.meta().name.clone();
    let ns = object_namespace(env, &d.object)?;
    let src = d.source.file.clone();
    let modified = modified_configuration(&d.raw, &ns);
    let live = env.cluster.store.get(kind, &ns, &name).cloned();
    let strict_error = |action: &str| CmdError::ApiWithSource {
        action: action.into(),
        source: src.clone(),
        err: ApiError::BadRequest(strict_decoding_error(kind, &d.warnings)),
    };
    let Some(live) = live else {
        if validate == Validation::Strict && !d.warnings.is_empty() {
            return Err(strict_error("creating"));
        }
        let (mut obj, _) = decode_value(&modified).map_err(|e| CmdError::ApiWithSource { action: "creating".into(), source: src.clone(), err: e })?;
        obj.meta_mut().namespace = ns.clone();
        if validate == Validation::Warn {
            print_warnings(env, &d.warning_messages());
        }
        let stored = match dry {
            DryRun::Client => obj,
            DryRun::Server => write_create(&mut env.cluster.clone(), obj, &src, env)?,
            DryRun::None => {
                let (stored, warnings) = create_in(env.cluster, obj, &src)?;
                print_warnings(env, &warnings);
                stored
            }
        };
        return Ok(Applied::Created(stored));
    };
    if dry == DryRun::Client {
        return Ok(Applied::Configured((*live).clone()));
    }
    let annotation = live.meta().annotations.get(LAST_APPLIED).cloned();
    let original: Option<Value> = annotation.as_deref().and_then(|a| serde_json::from_str(a).ok());
    if annotation.is_none() {
        env.eprintln(&format!(
            "Warning: resource {}/{name} is missing the {LAST_APPLIED} annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.",
            kind.info().plural
        ));
    }
    let current = live.to_value();
    let patch = three_way(kind, original.as_ref(), &modified, &current);
    if patch.as_object().is_some_and(Map::is_empty) {
        warn_if_deleting(env, &live);
        return Ok(Applied::Unchanged((*live).clone()));
    }
    let patch_text = go_json(&patch);
    let wrap = |err: CmdError| -> CmdError {
        let (reason, msg) = match &err {
            CmdError::Api(e @ ApiError::Invalid { .. }) => {
                return CmdError::ApiWithSource { action: "patching".into(), source: src.clone(), err: e.clone() }
            }
            CmdError::Api(e) => (format!("Error from server ({})", e.reason()), e.to_string()),
            CmdError::Raw(m) => ("Error from server".to_string(), m.trim_start_matches("Error from server: ").to_string()),
            other => ("error".to_string(), other.to_string()),
        };
        CmdError::Raw(format!(
            "{reason}: error when applying patch:\n{patch_text}\nto:\n{}\nfor: {src:?}: error when patching {src:?}: {msg}",
            info_string(kind, &name, &ns)
        ))
    };
    if validate == Validation::Strict && !d.warnings.is_empty() {
        return Err(wrap(CmdError::Api(ApiError::BadRequest(strict_decoding_error(kind, &d.warnings)))));
    }
    let patched = strategic::apply(kind, &current, &patch).map_err(|e| wrap(CmdError::Raw(e.to_string())))?;
    let (obj, _) = decode_value(&patched).map_err(|e| wrap(CmdError::Api(e)))?;
    if validate == Validation::Warn {
        print_warnings(env, &d.warning_messages());
    }
    let written = if dry == DryRun::Server {
        apiserver::update(&mut env.cluster.clone(), obj)
    } else {
        apiserver::update(env.cluster, obj)
    };
    let w = written.map_err(|e| wrap(CmdError::Api(e)))?;
    print_warnings(env, &w.warnings);
    warn_if_deleting(env, &w.object);
    Ok(Applied::Configured((*w.object).clone()))
}

/// apply.go `WarnIfDeleting`: a patched object that carries a deletionTimestamp.
fn warn_if_deleting(env: &mut Env, obj: &Object) {
    if obj.meta().is_terminating() {
        env.eprintln(&format!("Warning: Detected changes to resource {} which is currently being deleted.", obj.meta().name));
    }
}

/// POST with kubectl's `error when creating "<file>"` wrapping; returns the stored object and
/// the server's warnings.
pub fn create_in(c: &mut crate::engine::sim::Cluster, obj: Object, src: &str) -> CmdResult<(Object, Vec<String>)> {
    match apiserver::create(c, obj) {
        Ok(w) => Ok(((*w.object).clone(), w.warnings)),
        Err(err) => Err(CmdError::ApiWithSource { action: "creating".into(), source: src.to_string(), err }),
    }
}

fn write_create(scratch: &mut crate::engine::sim::Cluster, obj: Object, src: &str, env: &mut Env) -> CmdResult<Object> {
    let (stored, warnings) = create_in(scratch, obj, src)?;
    print_warnings(env, &warnings);
    Ok(stored)
}

#[cfg(test)]
#[path = "apply_tests.rs"]
mod tests;
