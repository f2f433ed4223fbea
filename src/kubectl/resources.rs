//! Resource arguments as kubectl's resource builder reads them
//! (`k8s.io/cli-runtime/pkg/resource/builder.go` `ResourceTypeOrNameArgs`, the RESTMapper and
//! the shortcut expander): `sts web`, `sts/web`, `statefulset.apps/web`, `pods,pvc`, `all`, and
//! lookups of the matching objects.

use super::errors::{CmdError, CmdResult};
use super::selector::{field_value, parse_field_selector, parse_label_selector};
use crate::engine::api::{Kind, Object, RESOURCES};
use crate::engine::error::ApiError;
use crate::engine::sim::Cluster;
use std::rc::Rc;

/// The `all` category, in the order kubectl prints its groups.
pub const ALL_CATEGORY: &[Kind] = &[
    Kind::Pod,
    Kind::Service,
    Kind::DaemonSet,
    Kind::Deployment,
    Kind::ReplicaSet,
    Kind::StatefulSet,
    Kind::HorizontalPodAutoscaler,
    Kind::CronJob,
    Kind::Job,
];

/// Resolves one resource type word (`sts`, `statefulsets`, `StatefulSet`, `statefulsets.apps`,
/// `statefulsets.v1.apps`) to a kind.
pub fn resolve_kind(word: &str) -> Option<Kind> {
    let w = word.to_ascii_lowercase();
    let (name, group) = match w.split_once('.') {
        Some((n, g)) => (n.to_string(), Some(g.to_string())),
        None => (w.clone(), None),
    };
    RESOURCES
        .iter()
        .find(|r| {
            let name_ok = r.plural == name
                || r.singular == name
                || r.kind_name.eq_ignore_ascii_case(&name)
                || (group.is_none() && r.short_names.contains(&name.as_str()));
            let group_ok = match &group {
                None => true,
                Some(g) => *g == r.group || *g == format!("{}.{}", r.version, r.group),
            };
            name_ok && group_ok
        })
        .map(|r| r.kind)
}

/// `error: the server doesn't have a resource type "x"`.
pub fn unknown_type(word: &str) -> CmdError {
    CmdError::plain(format!("the server doesn't have a resource type {word:?}"))
}

/// Resolves a comma-separated type list (with `all` expanded).
pub fn resolve_kinds(arg: &str) -> CmdResult<Vec<Kind>> {
    let mut out = Vec::new();
    for word in arg.split(',').filter(|w| !w.is_empty()) {
        if word.eq_ignore_ascii_case("all") {
            for k in ALL_CATEGORY {
                if !out.contains(k) {
                    out.push(*k);
                }
            }
            continue;
        }
        let k = resolve_kind(word).ok_or_else(|| unknown_type(word))?;
        if !out.contains(&k) {
            out.push(k);
        }
    }
    Ok(out)
}

/// What the positional arguments select.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Targets {
    /// Whole collections of these kinds (filtered by selectors).
    Lists(Vec<Kind>),
    /// Named objects, in argument order.
    Names(Vec<(Kind, String)>),
}

impl Targets {
    /// The kinds these targets ask the server for.
    pub fn kinds(&self) -> Vec<Kind> {
        match self {
            Targets::Lists(k) => k.clone(),
            Targets::Names(n) => n.iter().map(|(k, _)| *k).collect(),
        }
    }
}

/// The warning the API server returns with every request for v1 Endpoints (the type's
/// `APILifecycleDeprecated` 1.33, replacement discovery.k8s.io/v1 EndpointSlice; KEP-4974).
pub const ENDPOINTS_DEPRECATED: &str = "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice";

/// Prints the server's deprecation warnings for the kinds a command requests, once per command
/// (kubectl de-duplicates identical warnings).
pub fn request_warnings(env: &mut crate::kubectl::Env, kinds: &[Kind]) {
    if kinds.contains(&Kind::Endpoints) {
        let line = format!("Warning: {ENDPOINTS_DEPRECATED}\n");
        if !env.err.contains(&line) {
            env.eprint(&line);
        }
    }
}

/// Parsed resource arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceArgs {
    /// What to fetch.
    pub targets: Targets,
    /// Exactly one object named: `-o yaml` prints it bare instead of in a List.
    pub single_item_implied: bool,
    /// More than one type asked for (`pods,svc`, `all`, mixed `type/name`): names print as
    /// `kind/name` (`resource.MultipleTypesRequested`).
    pub multiple_types_requested: bool,
    /// For targets read from `-f` files, each name's file (`resource.Info.Source`), in order;
    /// empty for arguments.
    pub sources: Vec<String>,
}

/// `ResourceTypeOrNameArgs`: `TYPE[,TYPE…] [NAME…]` or `TYPE/NAME…`.
pub fn parse_resource_args(args: &[String]) -> CmdResult<ResourceArgs> {
    let slash = args.iter().filter(|a| a.contains('/')).count();
    if slash > 0 {
        if slash != args.len() {
            return Err(CmdError::plain(
                "there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'",
            ));
        }
        let mut names = Vec::new();
        for a in args {
            let (t, n) = a.split_once('/').unwrap_or((a, ""));
            if t.is_empty() || n.is_empty() || n.contains('/') {
                return Err(CmdError::plain("arguments in resource/name form must have a single resource and name"));
            }
            let k = resolve_kind(t).ok_or_else(|| unknown_type(t))?;
            names.push((k, n.to_string()));
        }
        let multiple = names.iter().any(|(k, _)| *k != names[0].0);
        let single = names.len() == 1;
        return Ok(ResourceArgs { targets: Targets::Names(names), single_item_implied: single, multiple_types_requested: multiple, sources: Vec::new() });
    }
    let Some(first) = args.first() else {
        return Ok(ResourceArgs { targets: Targets::Lists(Vec::new()), single_item_implied: false, multiple_types_requested: false, sources: Vec::new() });
    };
    let kinds = resolve_kinds(first)?;
    let multiple = kinds.len() > 1 || first.split(',').any(|w| w.eq_ignore_ascii_case("all"));
    if args.len() == 1 {
        return Ok(ResourceArgs { targets: Targets::Lists(kinds), single_item_implied: false, multiple_types_requested: multiple, sources: Vec::new() });
    }
    if kinds.len() != 1 {
        return Err(CmdError::plain("you must provide a resource and a resource name together"));
    }
    let names: Vec<(Kind, String)> = args[1..].iter().map(|n| (kinds[0], n.clone())).collect();
    let single = names.len() == 1;
    Ok(ResourceArgs { targets: Targets::Names(names), single_item_implied: single, multiple_types_requested: false, sources: Vec::new() })
}

/// List filters: namespace (None = all namespaces), label and field selectors.
#[derive(Clone, Debug, Default)]
pub struct ListOptions {
    /// Namespace for namespaced kinds; None lists every namespace (`-A`).
    pub namespace: Option<String>,
    /// `-l` text.
    pub label_selector: Option<String>,
    /// `--field-selector` text.
    pub field_selector: Option<String>,
}

/// Lists objects of `kind` as the API server would: key order (namespace, name), filtered.
pub fn list(c: &Cluster, kind: Kind, opts: &ListOptions) -> CmdResult<Vec<Rc<Object>>> {
    let sel = match &opts.label_selector {
        Some(s) => parse_label_selector(s).map_err(CmdError::Plain)?,
        None => Default::default(),
    };
    let fields = match &opts.field_selector {
        Some(s) => parse_field_selector(s).map_err(|e| CmdError::Api(ApiError::BadRequest(e)))?,
        None => Vec::new(),
    };
    let ns = if kind.info().namespaced { opts.namespace.as_deref() } else { None };
    let mut out = Vec::new();
    for o in c.store.list(kind, ns) {
        if !sel.matches(&o.meta().labels) {
            continue;
        }
        let mut ok = true;
        for t in &fields {
            match field_value(o, &t.field) {
                Some(v) => ok &= (v == t.value) == t.equals,
                None => {
                    let i = kind.info();
                    let gv = if i.group.is_empty() { format!("/{}", i.version) } else { format!("{}/{}", i.group, i.version) };
                    return Err(CmdError::Api(ApiError::BadRequest(format!(
                        "Unable to find \"{gv}, Resource={}\" that match label selector \"{}\", field selector \"{}\": field label not supported: {}",
                        i.plural,
                        opts.label_selector.clone().unwrap_or_default(),
                        opts.field_selector.clone().unwrap_or_default(),
                        t.field
                    ))));
                }
            }
        }
        if ok {
            out.push(o.clone());
        }
    }
    Ok(out)
}

/// Gets one object by name (`namespace` ignored for cluster-scoped kinds).
pub fn get(c: &Cluster, kind: Kind, namespace: &str, name: &str) -> Result<Rc<Object>, ApiError> {
    c.store.get(kind, namespace, name).cloned().ok_or_else(|| ApiError::not_found(kind, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn resolves_names_short_names_kinds_and_groups() {
        for w in ["sts", "statefulset", "statefulsets", "StatefulSet", "statefulsets.apps", "statefulset.apps", "statefulsets.v1.apps"] {
            assert_eq!(resolve_kind(w), Some(Kind::StatefulSet), "{w}");
        }
        assert_eq!(resolve_kind("po"), Some(Kind::Pod));
        assert_eq!(resolve_kind("pvc"), Some(Kind::PersistentVolumeClaim));
        assert_eq!(resolve_kind("statefulsetz"), None);
        assert_eq!(resolve_kind("pods.apps"), None);
    }

    #[test]
    fn parses_builder_forms() {
        let r = parse_resource_args(&args("sts web")).unwrap();
        assert_eq!(r.targets, Targets::Names(vec![(Kind::StatefulSet, "web".into())]));
        assert!(r.single_item_implied);
        let r = parse_resource_args(&args("statefulset.apps/web pod/web-0")).unwrap();
        assert!(r.multiple_types_requested && !r.single_item_implied);
        let r = parse_resource_args(&args("pods,pvc")).unwrap();
        assert_eq!(r.targets, Targets::Lists(vec![Kind::Pod, Kind::PersistentVolumeClaim]));
        assert!(r.multiple_types_requested);
        let r = parse_resource_args(&args("all")).unwrap();
        assert_eq!(r.targets, Targets::Lists(ALL_CATEGORY.to_vec()));
    }

    #[test]
    fn builder_errors() {
        assert_eq!(
            parse_resource_args(&args("statefulsetz")).unwrap_err().to_string(),
            "error: the server doesn't have a resource type \"statefulsetz\""
        );
        assert!(parse_resource_args(&args("sts sts/web")).unwrap_err().to_string().contains("there is no need to specify a resource type"));
        assert!(parse_resource_args(&args("sts/")).is_err());
    }
}
