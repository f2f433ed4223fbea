//! `kubectl patch` (`kubectl/pkg/cmd/patch/patch.go`) and the API server's PATCH handler
//! (`apiserver/pkg/endpoints/handlers/patch.go`): the patch text is YAML or JSON
//! (`yaml.ToJSON`), applied as a strategic merge patch (default), a JSON merge patch
//! (`--type=merge`) or a JSON patch (`--type=json`), then admitted like any update. Prints
//! `statefulset.apps/web patched` or `… patched (no change)`.

use super::get::{fetch, finish};
use super::manifests::{decode_value, dry_run, print_warnings, read_sources, DryRun, DRY_RUN_FLAG};
use super::output::{name_of, parse_change_output, write_generic, Format};
use super::parse_flags;
use crate::engine::api::Object;
use crate::engine::apiserver;
use crate::engine::error::ApiError;
use crate::engine::manifest::tree;
use crate::kubectl::errors::{CmdError, CmdResult};
use crate::kubectl::flags::{flag, FlagKind, FlagSpec};
use crate::kubectl::patch::{json, merge, strategic, PatchError};
use crate::kubectl::resources::ListOptions;
use crate::kubectl::Env;
use serde_json::Value;

/// Flags `kubectl patch` accepts.
pub const FLAGS: &[FlagSpec] = &[
    flag("patch", Some('p'), FlagKind::String),
    flag("patch-file", None, FlagKind::String),
    flag("type", None, FlagKind::String),
    flag("output", Some('o'), FlagKind::String),
    flag("template", None, FlagKind::String),
    flag("local", None, FlagKind::Bool),
    flag("subresource", None, FlagKind::String),
    flag("field-manager", None, FlagKind::String),
    flag("filename", Some('f'), FlagKind::StringArray),
    flag("recursive", Some('R'), FlagKind::Bool),
    flag("record", None, FlagKind::Bool),
    flag("allow-missing-template-keys", None, FlagKind::Bool),
    DRY_RUN_FLAG,
];

/// The patch flavours (`patchTypes`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatchType {
    /// `--type=json`: RFC 6902.
    Json,
    /// `--type=merge`: RFC 7386.
    Merge,
    /// `--type=strategic` (default).
    Strategic,
}

/// `yaml.ToJSON` on the patch text, with kubectl's `unable to parse` error.
pub fn patch_to_json(text: &str) -> CmdResult<Value> {
    match tree::parse_document(text, 0) {
        Ok(doc) => Ok(doc.value),
        Err(e) => {
            let detail = match e {
                tree::TreeError::Syntax(s) => {
                    let line = if s.go_yaml_line > 0 { format!("line {}: ", s.go_yaml_line) } else { String::new() };
                    format!("yaml: {line}{}", s.problem)
                }
                tree::TreeError::UnknownAnchor(a, _) => format!("yaml: unknown anchor '{a}' referenced"),
                tree::TreeError::Limit(m, _) => m,
            };
            Err(CmdError::plain(format!("unable to parse {text:?}: error converting YAML to JSON: {detail}")))
        }
    }
}

/// The server's PATCH: applies the patch to `current` and returns the object to store (not yet
/// admitted) with unknown-field warnings.
pub fn server_patch(current: &Object, kind: PatchType, patch: &Value) -> Result<(Object, Vec<String>), CmdError> {
    let cur = current.to_value();
    let patched = match kind {
        PatchType::Strategic => strategic::apply(current.kind(), &cur, patch),
        PatchType::Merge => {
            if patch.is_object() {
                Ok(merge::apply(&cur, patch))
            } else {
                Err(PatchError::BadRequest(format!("json: cannot unmarshal {} into Go value of type map[string]interface {{}}", type_word(patch))))
            }
        }
        PatchType::Json => json::apply(&cur, patch),
    };
    let patched = match patched {
        Ok(v) => v,
        Err(PatchError::BadRequest(m)) => return Err(CmdError::Api(ApiError::BadRequest(m))),
        // NewGenericServerResponse(422, …): reason Invalid, no kind or name, the library's message
        // as the only cause (field ""). kubectl/pkg/cmd/util/helpers.go checkErr
        // (isInvalidReasonStatusError): no kind/name → "The request is invalid", then
        // MultilineError(s+": ", causes) with each cause as "<field>: <message>".
        Err(PatchError::Unprocessable(m)) => return Err(CmdError::Raw(format!("The request is invalid: : {m}"))),
        Err(PatchError::Internal(m)) => return Err(CmdError::Raw(format!("Error from server: {m}"))),
    };
    if patched.is_object() && !matches!(kind, PatchType::Strategic) && patched.get("kind").is_none() {
        return Err(CmdError::Api(ApiError::BadRequest("Object 'Kind' is missing in the patched object".into())));
    }
    let (obj, warnings) = decode_value(&patched).map_err(CmdError::Api)?;
    let (m, c) = (obj.meta(), current.meta());
    if obj.kind() != current.kind() {
        return Err(CmdError::Api(ApiError::BadRequest(format!(
            "the kind of the object ({}) does not match the kind on the URL ({})",
            obj.kind().info().kind_name,
            current.kind().info().kind_name
        ))));
    }
    if m.name != c.name {
        return Err(CmdError::Api(ApiError::BadRequest(format!(
            "the name of the object ({}) does not match the name on the URL ({})",
            m.name, c.name
        ))));
    }
    if m.namespace != c.namespace && !m.namespace.is_empty() {
        return Err(CmdError::Api(ApiError::BadRequest(format!(
            "the namespace of the object ({}) does not match the namespace on the request ({})",
            m.namespace, c.namespace
        ))));
    }
    Ok((obj, warnings))
}

fn type_word(v: &Value) -> &'static str {
    match v {
        Value::Array(_) => "array",
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "bool",
        _ => "object",
    }
}

/// `kubectl patch`.
pub fn run(env: &mut Env, args: &[String]) -> CmdResult {
    let p = parse_flags(env, "patch", args, FLAGS)?;
    let dry = dry_run(env, &p)?;
    let patch_text = p.string("patch").unwrap_or("");
    let patch_file = p.string("patch-file").unwrap_or("");
    if !patch_text.is_empty() && !patch_file.is_empty() {
        return Err(CmdError::plain("cannot specify --patch and --patch-file together"));
    }
    if patch_text.is_empty() && patch_file.is_empty() {
        return Err(CmdError::plain("must specify --patch or --patch-file containing the contents of the patch"));
    }
    if p.bool("local") {
        return Err(CmdError::plain("--local is not available in the StatefulSet Playground"));
    }
    // patch.go Validate: supportedSubresources.
    let status = match p.string("subresource").unwrap_or("") {
        "" => false,
        "status" => true,
        "scale" => return Err(CmdError::plain("--subresource=scale is not available in the StatefulSet Playground; use kubectl scale")),
        other => return Err(CmdError::plain(format!("invalid subresource value: {other:?}. Must be one of [status scale]"))),
    };
    let kind = match p.string("type").map(|t| t.to_lowercase()).as_deref() {
        None | Some("") | Some("strategic") => PatchType::Strategic,
        Some("merge") => PatchType::Merge,
        Some("json") => PatchType::Json,
        Some(_) => {
            return Err(CmdError::plain(format!(
                "--type must be one of [json merge strategic], not {:?}",
                p.string("type").unwrap_or("")
            )))
        }
    };
    let format = parse_change_output(env, &p)?;
    let text = if patch_file.is_empty() {
        patch_text.to_string()
    } else {
        match read_sources(env, &[patch_file.to_string()]) {
            Ok(mut s) => s.remove(0).text,
            Err(_) => {
                return Err(CmdError::plain(format!("unable to read patch file: open {patch_file}: no such file or directory")))
            }
        }
    };
    let patch = patch_to_json(&text)?;
    if p.args.is_empty() && !super::manifests::has_files(&p) {
        return Err(CmdError::plain(super::delete::NO_RESOURCES_ERROR));
    }
    let ra = super::manifests::resource_args(env, &p, &p.args, "patch")?;
    let opts = ListOptions { namespace: Some(env.namespace.clone()), label_selector: None, field_selector: None };
    let fetched = fetch(env, &ra.targets, &opts, false)?;
    let mut errors = fetched.errors;
    for obj in &fetched.objects {
        match patch_one(env, obj, kind, &patch, dry, status) {
            Ok((stored, changed)) => match &format {
                Some(f) if !matches!(f, Format::Table | Format::Wide) => {
                    write_generic(env, f, &[&stored], true, false)?;
                }
                _ => {
                    let op = if changed { "patched" } else { "patched (no change)" };
                    env.println(&format!("{} {op}{}", name_of(obj), dry.suffix()));
                }
            },
            Err(e) => errors.push(e),
        }
    }
    finish(env, errors)
}

fn patch_one(env: &mut Env, current: &Object, kind: PatchType, patch: &Value, dry: DryRun, status: bool) -> CmdResult<(Object, bool)> {
    let (obj, warnings) = server_patch(current, kind, patch)?;
    if status {
        // The status subresource: only the patched object's status is stored.
        let stored = match dry {
            DryRun::Client => return Ok((obj.clone(), obj != *current)),
            DryRun::Server => apiserver::update_status(&mut env.cluster.clone(), obj)?,
            DryRun::None => apiserver::update_status(env.cluster, obj)?,
        };
        print_warnings(env, &warnings);
        return Ok(((*stored).clone(), *stored != *current));
    }
    match dry {
        DryRun::Client => {
            let changed = obj != *current;
            Ok((obj, changed))
        }
        DryRun::Server => {
            let mut scratch = env.cluster.clone();
            let w = apiserver::update(&mut scratch, obj)?;
            print_warnings(env, &warnings);
            print_warnings(env, &w.warnings);
            Ok(((*w.object).clone(), *w.object != *current))
        }
        DryRun::None => {
            let w = apiserver::update(env.cluster, obj)?;
            print_warnings(env, &warnings);
            print_warnings(env, &w.warnings);
            Ok(((*w.object).clone(), *w.object != *current))
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::api::*;
    use crate::kubectl::testutil::*;

    fn image(c: &crate::engine::sim::Cluster) -> String {
        let s = c.store.get(Kind::StatefulSet, "default", "web").unwrap();
        s.as_stateful_set().unwrap().spec.template.spec.containers[0].image.clone()
    }

    #[test]
    fn strategic_patch_updates_the_image_only() {
        let mut c = cluster();
        put(&mut c, Object::StatefulSet(sts("web", 3)));
        // patch.go: NamePrinter with operation "patched".
        let o = kubectl(&mut c, r#"kubectl patch statefulset web -p '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.25"}]}}}}'"#);
        assert_eq!((o.stdout.as_str(), o.stderr.as_str(), o.exit_code), ("statefulset.apps/web patched\n", "", 0));
        assert_eq!(image(&c), "nginx:1.25");
        let s = c.store.get(Kind::StatefulSet, "default", "web").unwrap();
        assert_eq!(s.as_stateful_set().unwrap().spec.template.spec.containers[0].ports.len(), 1);
        let o = kubectl(&mut c, r#"kubectl patch sts web -p '{"spec":{"replicas":3}}'"#);
        assert_eq!(o.stdout, "statefulset.apps/web patched (no change)\n");
        // YAML is accepted too (yaml.ToJSON).
        let o = kubectl(&mut c, "kubectl patch sts web -p 'spec: {replicas: 4}'");
        assert_eq!(o.stdout, "statefulset.apps/web patched\n");
    }

    #[test]
    fn merge_and_json_patches() {
        let mut c = cluster();
        put(&mut c, Object::StatefulSet(sts("web", 3)));
        let o = kubectl(&mut c, r#"kubectl patch sts web --type=merge -p '{"spec":{"replicas":5}}'"#);
        assert_eq!(o.stdout, "statefulset.apps/web patched\n");
        let o = kubectl(&mut c, r#"kubectl patch sts web --type=json -p '[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"x:2"}]'"#);
        assert_eq!(o.stdout, "statefulset.apps/web patched\n");
        assert_eq!(image(&c), "x:2");
        let o = kubectl(&mut c, r#"kubectl patch sts web --type=json -p '[{"op":"remove","path":"/spec/foo"}]'"#);
        assert_eq!(
            o.stderr,
            // helpers.go checkErr: "The request is invalid" when the Status names no kind or name.
            "The request is invalid: : remove operation does not apply: doc is missing path: \"/spec/foo\": missing value\n"
        );
        let o = kubectl(&mut c, r#"kubectl patch sts web --type=json -p '{"op":"add"}'"#);
        assert_eq!(o.stderr, "Error from server (BadRequest): json: cannot unmarshal object into Go value of type jsonpatch.Patch\n");
    }

    #[test]
    fn errors_change_nothing() {
        let mut c = cluster();
        put(&mut c, Object::StatefulSet(sts("web", 3)));
        let before = c.store.resource_version();
        let cases = [
            ("patch sts web", "error: must specify --patch or --patch-file containing the contents of the patch\n"),
            ("patch sts web -p '{}' --type=foo", "error: --type must be one of [json merge strategic], not \"foo\"\n"),
            ("patch sts nope -p '{}'", "Error from server (NotFound): statefulsets.apps \"nope\" not found\n"),
            (
                r#"patch sts web -p '{"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}}'"#,
                "Error from server: map: map[image:x] does not contain declared merge key: name\n",
            ),
            (
                r#"patch sts web -p '{"spec":{"replicas":-1}}'"#,
                "The StatefulSet \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0\n",
            ),
        ];
        for (line, err) in cases {
            let o = kubectl(&mut c, line);
            assert_eq!((o.stderr.as_str(), o.exit_code), (err, 1), "{line}");
        }
        let o = kubectl(&mut c, r#"patch sts web -p '{"spec":{"replicas":"two"}}'"#);
        assert!(o.stderr.starts_with("Error from server (BadRequest): StatefulSet in version \"v1\" cannot be handled as a StatefulSet: json: cannot unmarshal string"), "{}", o.stderr);
        let o = kubectl(&mut c, "patch sts web -p '{\"spec\":'");
        assert!(o.stderr.starts_with("error: unable to parse \"{\\\"spec\\\":\": error converting YAML to JSON: yaml: line 1:"), "{}", o.stderr);
        assert_eq!(c.store.resource_version(), before);
    }

    #[test]
    fn status_subresource() {
        let mut c = cluster();
        crate::engine::apiserver::create(&mut c, Object::StatefulSet(sts("web", 3))).expect("created");
        // Without --subresource the status part of a patch is dropped by the main resource.
        let o = kubectl(&mut c, "patch sts web --type=merge -p '{\"status\":{\"replicas\":7}}'");
        assert_eq!(o.stdout, "statefulset.apps/web patched (no change)\n", "{}", o.stderr);
        let o = kubectl(&mut c, "patch sts web --subresource=status --type=merge -p '{\"status\":{\"replicas\":7}}'");
        assert_eq!(o.stdout, "statefulset.apps/web patched\n", "{}", o.stderr);
        let s = c.store.get(Kind::StatefulSet, "default", "web").unwrap();
        assert_eq!(s.as_stateful_set().unwrap().status.replicas, 7);
        assert_eq!(
            kubectl(&mut c, "patch sts web --subresource=spec -p {}").stderr,
            "error: invalid subresource value: \"spec\". Must be one of [status scale]\n"
        );
    }
}
