//! What `apply`, `create`, `replace` and `patch` share: reading `-f` files
//! (`resource.FilenameParam`; also as targets of get, describe, delete, scale, label, …), `--dry-run` and `--validate` (`cmdutil.GetDryRunStrategy`,
//! `GetValidationDirective`), and the server-side decoding of a patched object.

use crate::engine::api::{Kind, Object};
use crate::engine::apiserver;
use crate::engine::error::ApiError;
use crate::engine::manifest::{self, DiagnosticKind, Severity};
use crate::kubectl::errors::{CmdError, CmdResult};
use crate::kubectl::flags::{FlagKind, FlagSpec, Parsed};
use crate::kubectl::resources::{ResourceArgs, Targets};
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

/// `GetDryRunStrategy`. A bare `--dry-run` means client, with klog's deprecation warning.
pub fn dry_run(env: &mut Env, p: &Parsed) -> CmdResult<DryRun> {
    match p.string("dry-run").unwrap_or("none") {
        "none" => Ok(DryRun::None),
        "client" => Ok(DryRun::Client),
        "unchanged" => {
            klog_warning(env, "helpers.go:663", "--dry-run is deprecated and can be replaced with --dry-run=client.");
            Ok(DryRun::Client)
        }
        "server" => Ok(DryRun::Server),
        other => Err(CmdError::plain(format!("Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\"."))),
    }
}

/// Sends an update as the request `dry` describes and returns the object the command prints:
/// the stored object (none), what the server would store (server: the update runs on a copy of
/// the cluster, so admission and validation still answer), or `obj` itself (client: nothing is
/// sent). Prints the server's warnings.
pub fn send_update(env: &mut Env, obj: Object, dry: DryRun) -> CmdResult<Object> {
    let written = match dry {
        DryRun::Client => return Ok(obj),
        DryRun::Server => apiserver::update(&mut env.cluster.clone(), obj)?,
        DryRun::None => apiserver::update(env.cluster, obj)?,
    };
    print_warnings(env, &written.warnings);
    Ok((*written.object).clone())
}

/// Sends a create as the request `dry` describes and returns what the command prints: the
/// stored object, what the server would store (on a copy of the cluster), or `obj` itself.
pub fn send_create(env: &mut Env, obj: Object, dry: DryRun) -> CmdResult<Object> {
    let written = match dry {
        DryRun::Client => return Ok(obj),
        DryRun::Server => apiserver::create(&mut env.cluster.clone(), obj)?,
        DryRun::None => apiserver::create(env.cluster, obj)?,
    };
    print_warnings(env, &written.warnings);
    Ok((*written.object).clone())
}

/// A `klog.Warning` line on stderr (`W1124 09:10:04.498000   12345 helpers.go:663] …`), stamped
/// with the virtual clock. The process id is a fixed stand-in, so transcripts stay deterministic.
pub fn klog_warning(env: &mut Env, source: &str, msg: &str) {
    let now = env.cluster.now;
    let c = now.civil();
    let micros = now.since(crate::engine::api::Time::from_utc(c.year, c.month, c.day, c.hour, c.min, c.sec)) * 1000;
    env.eprintln(&format!(
        "W{:02}{:02} {:02}:{:02}:{:02}.{micros:06}   12345 {source}] {msg}",
        c.month, c.day, c.hour, c.min, c.sec
    ));
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
        // kubectl GETs an http(s) URL (cli-runtime resource.URLVisitor); the playground never
        // reaches the network, so it says that rather than "does not exist".
        if n.starts_with("http://") || n.starts_with("https://") {
            return Err(CmdError::plain(format!(
                "unable to read URL {n:?}: the playground makes no network requests; save the file \
                 (in the browser: a new editor tab, + above the editor) and give its name to -f"
            )));
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

/// Whether the command was given `-f` files.
pub fn has_files(p: &Parsed) -> bool {
    !p.strings("filename").is_empty()
}

/// The objects a command that acts on existing objects works on: those its `-f` files name (see
/// `file_targets`), else its resource arguments (`TYPE NAME…`, `TYPE/NAME…`). The caller has
/// already refused a command with neither.
pub fn resource_args(env: &mut Env, p: &Parsed, args: &[String], action: &str) -> CmdResult<ResourceArgs> {
    match file_targets(env, p, args, action)? {
        Some(ra) => Ok(ra),
        None => crate::kubectl::resources::parse_resource_args(args),
    }
}

/// `-f FILE` for commands that act on existing objects (get, describe, delete, scale, label,
/// set image, rollout, patch): resource.Builder's FilenameParam visits each document and the
/// command works on the object it names (kind, name, namespace), as `TYPE/NAME` would. None
/// when no `-f` was given. `args` are the command's resource arguments, which kubectl refuses
/// beside files. The files' namespace becomes the command's (`-n` must agree with it).
fn file_targets(env: &mut Env, p: &Parsed, args: &[String], action: &str) -> CmdResult<Option<ResourceArgs>> {
    let files = p.strings("filename");
    if files.is_empty() {
        return Ok(None);
    }
    if !args.is_empty() {
        return Err(CmdError::plain("when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well"));
    }
    let mut names = Vec::new();
    let mut sources = Vec::new();
    let mut namespace: Option<String> = None;
    for src in read_sources(env, &files)? {
        let set = manifest::parse_manifests(&src.name, &src.text);
        if let Some(d) = set.diagnostics.iter().find(|d| d.severity == Severity::Error) {
            return Err(diagnostic_error(d, action));
        }
        for d in set.objects {
            let ns = object_namespace(env, &d.object)?;
            if d.object.kind().info().namespaced {
                match &namespace {
                    Some(n) if *n != ns => {
                        return Err(CmdError::plain(format!(
                            "the StatefulSet Playground reads -f files for this command in one namespace at a time (found {n:?} and {ns:?})"
                        )))
                    }
                    _ => namespace = Some(ns),
                }
            }
            names.push((d.object.kind(), d.object.meta().name.clone()));
            sources.push(src.name.clone());
        }
    }
    if let Some(ns) = namespace {
        env.namespace = ns;
    }
    let multiple = names.iter().any(|(k, _)| *k != names[0].0);
    let single = names.len() == 1 && files.len() == 1;
    Ok(Some(ResourceArgs { targets: Targets::Names(names), single_item_implied: single, multiple_types_requested: multiple, sources }))
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

#[cfg(test)]
mod tests {
    use crate::kubectl::testutil::cluster;
    use crate::kubectl::{run, Context, FileResolver, Output};
    use crate::session::seed::{SEED_FILE, SEED_YAML};

    const STS_ONLY: &str = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: myapp\n";

    fn with_file(c: &mut crate::engine::sim::Cluster, line: &str) -> Output {
        let files = [
            (SEED_FILE.to_string(), SEED_YAML.to_string()),
            ("sts.yaml".to_string(), STS_ONLY.to_string()),
            ("empty.yaml".to_string(), "# nothing yet\n".to_string()),
        ];
        run(c, line, &Context { files: Some(FileResolver::from_map(files.into_iter().collect())), ..Context::default() })
    }

    #[test]
    fn files_name_the_objects_that_get_describe_scale_and_delete_act_on() {
        let mut c = cluster();
        assert_eq!(with_file(&mut c, "kubectl apply -f myapp.yaml").stdout, "statefulset.apps/myapp created\nservice/myapp created\n");
        let got = with_file(&mut c, "kubectl get -f myapp.yaml");
        assert_eq!(got.stderr, "");
        assert_eq!(
            got.stdout,
            "NAME                     READY   AGE\nstatefulset.apps/myapp   0/3     0s\n\n\
             NAME            TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\n\
             service/myapp   ClusterIP   None         <none>        80/TCP    0s\n"
        );
        let d = with_file(&mut c, "kubectl describe -f ./sts.yaml");
        assert!(d.stdout.starts_with("Name:               myapp\n"), "{}", d.stdout);
        assert_eq!(with_file(&mut c, "kubectl scale -f sts.yaml --replicas=5").stdout, "statefulset.apps/myapp scaled\n");
        let del = with_file(&mut c, "kubectl delete -f myapp.yaml --wait=false");
        assert_eq!(del.stdout, "statefulset.apps \"myapp\" deleted from default namespace\nservice \"myapp\" deleted from default namespace\n");
    }

    #[test]
    fn files_and_resource_arguments_do_not_mix() {
        let mut c = cluster();
        let o = with_file(&mut c, "kubectl get sts -f myapp.yaml");
        assert_eq!(o.stderr, "error: when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well\n");
        assert_eq!(with_file(&mut c, "kubectl delete -f nope.yaml").stderr, "error: the path \"nope.yaml\" does not exist\n");
        // A file with no objects names nothing: the command's empty result.
        assert_eq!(with_file(&mut c, "kubectl get -f empty.yaml").stderr, "No resources found in default namespace.\n");
        assert_eq!(with_file(&mut c, "kubectl delete -f empty.yaml").stdout, "No resources found\n");
        // delete.go adds the file to the server's error.
        assert_eq!(
            with_file(&mut c, "kubectl delete -f sts.yaml").stderr,
            "Error from server (NotFound): error when deleting \"sts.yaml\": statefulsets.apps \"myapp\" not found\n"
        );
    }
}
