//! `kubectl create -f` (`kubectl/pkg/cmd/create/create.go` `RunCreate`) and `kubectl replace -f`
//! (`kubectl/pkg/cmd/replace/replace.go`): POST / PUT every object of the files, printing
//! `statefulset.apps/web created` / `replaced`; errors say `error when creating "<file>"`.

use super::apply::{create_in, modified_configuration};
use super::lint;
use super::manifests::{
    decode_value, diagnostic_error, dry_run, object_namespace, print_warnings, read_sources, validation, DryRun, Validation,
    DRY_RUN_FLAG, VALIDATE_FLAG,
};
use super::output::{name_for, parse_change_output, write_generic, Format};
use super::parse_flags;
use crate::engine::api::Object;
use crate::engine::apiserver;
use crate::engine::error::ApiError;
use crate::engine::manifest::{parse_manifests, strict_decoding_error, Decoded};
use crate::kubectl::errors::{CmdError, CmdResult};
use crate::kubectl::flags::{flag, FlagKind, FlagSpec};
use crate::kubectl::Env;

/// Flags `kubectl create` and `kubectl replace` accept.
pub const FLAGS: &[FlagSpec] = &[
    flag("filename", Some('f'), FlagKind::StringArray),
    flag("recursive", Some('R'), FlagKind::Bool),
    flag("output", Some('o'), FlagKind::String),
    flag("template", None, FlagKind::String),
    flag("allow-missing-template-keys", None, FlagKind::Bool),
    flag("save-config", None, FlagKind::Bool),
    flag("selector", Some('l'), FlagKind::String),
    flag("edit", None, FlagKind::Bool),
    flag("raw", None, FlagKind::String),
    flag("force", None, FlagKind::Bool),
    flag("grace-period", None, FlagKind::Int),
    flag("cascade", None, FlagKind::String),
    flag("wait", None, FlagKind::Bool),
    flag("timeout", None, FlagKind::String),
    flag("field-manager", None, FlagKind::String),
    flag("windows-line-endings", None, FlagKind::Bool),
    flag("kustomize", Some('k'), FlagKind::String),
    DRY_RUN_FLAG,
    VALIDATE_FLAG,
];

/// The subcommands of `kubectl create` (generators) the playground refuses (see
/// `create_generators` for the ones it has).
const GENERATORS: &[&str] = &[
    "clusterrole", "clusterrolebinding", "configmap", "cronjob", "deployment", "ingress", "job", "namespace",
    "poddisruptionbudget", "priorityclass", "quota", "role", "rolebinding", "secret", "service", "serviceaccount",
    "token",
];

/// Which verb runs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Verb {
    Create,
    Replace,
}

/// `kubectl create`.
pub fn run_create(env: &mut Env, args: &[String]) -> CmdResult {
    if let Some(i) = args.iter().position(|a| !a.starts_with('-')) {
        let g = &args[i];
        if let Some((command, kind)) = super::create_generators::generator(g) {
            let rest: Vec<String> = args[..i].iter().chain(&args[i + 1..]).cloned().collect();
            return super::create_generators::run(env, command, kind, &rest);
        }
        if GENERATORS.contains(&g.as_str()) {
            return Err(CmdError::plain(format!(
                "\"kubectl create {g}\" is not available in the StatefulSet Playground; write the object in YAML and use kubectl apply -f"
            )));
        }
    }
    run(env, args, Verb::Create)
}

/// `kubectl replace`.
pub fn run_replace(env: &mut Env, args: &[String]) -> CmdResult {
    run(env, args, Verb::Replace)
}

fn run(env: &mut Env, args: &[String], verb: Verb) -> CmdResult {
    let name = if verb == Verb::Create { "create" } else { "replace" };
    let p = parse_flags(env, name, args, FLAGS)?;
    let files = p.strings("filename");
    if files.is_empty() {
        return Err(match verb {
            // create.go Run → cmdutil.DefaultSubCommandRun → RequireNoArguments: arguments that
            // are no generator end the command before the help is printed.
            Verb::Create if !p.args.is_empty() => CmdError::Raw(format!(
                "Error: must specify one of -f and -k\n\nerror: unknown command {:?}\nSee 'kubectl create -h' for help and examples",
                p.args.join(" ")
            )),
            Verb::Create => CmdError::Raw(
                "Error: must specify one of -f and -k\n\nCreate a resource from a file or from stdin.\n\n JSON and YAML formats are accepted.\n\nExamples:\n  # Create a pod using the data in pod.json\n  kubectl create -f ./pod.json\n\nUse \"kubectl create --help\" for the full list of options.".into(),
            ),
            Verb::Replace => super::usage_errorf("replace", "Must specify --filename to replace"),
        });
    }
    if verb == Verb::Replace && p.bool("force") {
        return Err(CmdError::plain("replace --force is not available in the StatefulSet Playground; delete and create instead"));
    }
    if !p.args.is_empty() {
        return Err(super::usage_errorf(name, &format!("Unexpected args: [{}]", p.args.join(" "))));
    }
    let dry = dry_run(env, &p)?;
    let validate = validation(&p)?;
    let format = parse_change_output(env, &p)?;
    let action = if verb == Verb::Create { "creating" } else { "replacing" };
    let sources = read_sources(env, &files)?;
    let mut errors = Vec::new();
    let mut seen = 0;
    let mut done: Vec<Object> = Vec::new();
    for src in &sources {
        let set = parse_manifests(&src.name, &src.text);
        seen += set.objects.len();
        for d in &set.objects {
            match write_one(env, d, verb, validate, dry, p.bool("save-config")) {
                Ok(obj) => {
                    match &format {
                        Some(f) if !matches!(f, Format::Table | Format::Wide) => {
                            write_generic(env, f, &[&obj], true, false)?;
                        }
                        _ => {
                            let op = if verb == Verb::Create { "created" } else { "replaced" };
                            env.println(&format!("{} {op}{}", name_for(obj.kind(), &obj.meta().name), dry.suffix()));
                        }
                    }
                    done.push(obj);
                }
                Err(e) => errors.push(e),
            }
        }
        errors.extend(set.errors().map(|d| diagnostic_error(d, action)));
    }
    if seen == 0 && errors.is_empty() {
        return Err(CmdError::plain(format!("no objects passed to {name}")));
    }
    if dry == DryRun::None && verb == Verb::Create {
        for w in lint::lint(env.cluster, &done) {
            env.eprintln(&format!("Warning: {w}"));
        }
    }
    match errors.len() {
        0 => Ok(()),
        1 => Err(errors.remove(0)),
        _ => Err(CmdError::Aggregate(errors)),
    }
}

fn write_one(env: &mut Env, d: &Decoded, verb: Verb, validate: Validation, dry: DryRun, save_config: bool) -> CmdResult<Object> {
    let kind = d.object.kind();
    let action = if verb == Verb::Create { "creating" } else { "replacing" };
    let src = d.source.file.clone();
    let ns = object_namespace(env, &d.object)?;
    let wrap = |err: ApiError| CmdError::ApiWithSource { action: action.into(), source: src.clone(), err };
    if validate == Validation::Strict && !d.warnings.is_empty() {
        return Err(wrap(ApiError::BadRequest(strict_decoding_error(kind, &d.warnings))));
    }
    let mut obj = if save_config {
        decode_value(&modified_configuration(&d.raw, &ns)).map_err(wrap)?.0
    } else {
        d.object.clone()
    };
    obj.meta_mut().namespace = ns.clone();
    if validate == Validation::Warn {
        print_warnings(env, &d.warning_messages());
    }
    if dry == DryRun::Client {
        return Ok(obj);
    }
    let mut scratch;
    let cluster = if dry == DryRun::Server {
        scratch = env.cluster.clone();
        &mut scratch
    } else {
        &mut *env.cluster
    };
    let (stored, warnings) = match verb {
        Verb::Create => create_in(cluster, obj, &src)?,
        Verb::Replace => {
            let w = apiserver::update(cluster, obj).map_err(wrap)?;
            ((*w.object).clone(), w.warnings)
        }
    };
    print_warnings(env, &warnings);
    Ok(stored)
}

#[cfg(test)]
mod tests {
    use crate::kubectl::testutil::*;

    #[test]
    fn create_without_files() {
        let mut c = cluster();
        // create.go: "Error: must specify …", then DefaultSubCommandRun's RequireNoArguments.
        let o = kubectl(&mut c, "create web.yaml");
        assert_eq!(
            (o.stdout.as_str(), o.stderr.as_str(), o.exit_code),
            ("", "Error: must specify one of -f and -k\n\nerror: unknown command \"web.yaml\"\nSee 'kubectl create -h' for help and examples\n", 1)
        );
        let o = kubectl(&mut c, "create");
        assert!(o.stderr.starts_with("Error: must specify one of -f and -k\n\nCreate a resource from a file or from stdin.\n"), "{}", o.stderr);
    }
}
