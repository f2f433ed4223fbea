//! `kubectl describe` (`kubectl/pkg/cmd/describe/describe.go`): by name (falling back to a name
//! prefix match, `DescribeMatchingResources`), by `-l`, or every object of a type; objects are
//! separated by a blank line.

use super::get::{fetch, finish};
use super::{parse_flags, usage_errorf};
use crate::engine::api::Object;
use crate::kubectl::errors::{CmdError, CmdResult};
use crate::kubectl::flags::{flag, FlagKind, FlagSpec};
use crate::kubectl::resources::{self, ListOptions, Targets};
use crate::kubectl::Env;
use std::rc::Rc;

/// Flags `kubectl describe` accepts.
pub const FLAGS: &[FlagSpec] = &[
    flag("selector", Some('l'), FlagKind::String),
    flag("all-namespaces", Some('A'), FlagKind::Bool),
    flag("show-events", None, FlagKind::Bool),
    flag("chunk-size", None, FlagKind::Int),
    flag("filename", Some('f'), FlagKind::StringArray),
    flag("recursive", Some('R'), FlagKind::Bool),
];

/// `kubectl describe`.
pub fn run(env: &mut Env, args: &[String]) -> CmdResult {
    let p = parse_flags(env, "describe", args, FLAGS)?;
    if p.args.is_empty() && !super::manifests::has_files(&p) {
        env.eprint("You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.\n\n");
        return Err(usage_errorf("describe", "Required resource not specified."));
    }
    let ra = super::manifests::resource_args(env, &p, &p.args, "describe")?;
    crate::kubectl::resources::request_warnings(env, &ra.targets.kinds());
    let all = p.bool("all-namespaces");
    let opts = ListOptions {
        namespace: if all { None } else { Some(env.namespace.clone()) },
        label_selector: p.string("selector").map(String::from),
        field_selector: None,
    };
    let mut objects: Vec<Rc<Object>> = Vec::new();
    let mut errors = Vec::new();
    match &ra.targets {
        Targets::Names(names) => {
            for (k, n) in names {
                match resources::get(env.cluster, *k, &env.namespace, n) {
                    Ok(o) => objects.push(o),
                    Err(e) => {
                        // DescribeMatchingResources: fall back to objects whose name has the prefix.
                        let matching: Vec<Rc<Object>> = resources::list(env.cluster, *k, &opts)?
                            .into_iter()
                            .filter(|o| o.meta().name.starts_with(n.as_str()))
                            .collect();
                        if matching.is_empty() {
                            errors.push(CmdError::Api(e));
                        }
                        objects.extend(matching);
                    }
                }
            }
        }
        Targets::Lists(_) => objects = fetch(env, &ra.targets, &opts, false)?.objects,
    }
    if objects.is_empty() && errors.is_empty() {
        if all {
            env.eprintln("No resources found");
        } else {
            let msg = format!("No resources found in {} namespace.", env.namespace);
            env.eprintln(&msg);
        }
        return Ok(());
    }
    let mut first = true;
    for o in objects {
        let Some(text) = crate::kubectl::describe::describe(env.cluster, &o) else {
            let msg = format!("no description has been implemented for {}", o.kind().info().kind_name);
            errors.push(CmdError::plain(msg));
            continue;
        };
        if !first {
            env.print("\n\n");
        }
        first = false;
        env.print(&text);
    }
    finish(env, errors)
}

#[cfg(test)]
mod tests {
    use crate::engine::api::*;
    use crate::kubectl::testutil::*;

    #[test]
    fn describe_pod_and_errors() {
        let mut c = cluster();
        let now = c.now;
        let mut p = running_pod("web-0", "web", now);
        p.spec.service_account_name = "default".into();
        p.status.host_ip = "172.18.0.2".into();
        p.status.start_time = Some(now);
        *p.metadata.owner_references = vec![OwnerReference {
            api_version: "apps/v1".into(),
            kind: "StatefulSet".into(),
            name: "web".into(),
            uid: "x".into(),
            controller: Some(true),
            block_owner_deletion: Some(true),
        }];
        put(&mut c, Object::Pod(p));
        let o = kubectl(&mut c, "describe pod web");
        // describePod (via the name-prefix fallback). The conditions table and the lines after it
        // share one tabwriter column block, as in upstream.
        let want = "Name:             web-0
Namespace:        default
Service Account:  default
Node:             node-1/172.18.0.2
Start Time:       Mon, 06 Jan 2025 09:10:00 +0000
Labels:           app=web
Annotations:      <none>
Status:           Running
IP:               10.244.1.5
IPs:
  IP:           10.244.1.5
Controlled By:  StatefulSet/web
Containers:
  nginx:
    Container ID:   
    Image:          registry.k8s.io/nginx-slim:0.24
    Image ID:       
    Port:           <none>
    Host Port:      <none>
    State:          Running
      Started:      Mon, 06 Jan 2025 09:10:00 +0000
    Ready:          True
    Restart Count:  0
    Environment:    <none>
    Mounts:         <none>
Conditions:
  Type           Status
  Ready          True 
Volumes:         <none>
QoS Class:       BestEffort
Node-Selectors:  <none>
Tolerations:     <none>
Events:          <none>
";
        assert_eq!(o.stdout, want);
        let o = kubectl(&mut c, "describe sts nope");
        assert_eq!(o.stderr, "Error from server (NotFound): statefulsets.apps \"nope\" not found\n");
        let o = kubectl(&mut c, "describe pvc");
        assert_eq!(o.stderr, "No resources found in default namespace.\n");
    }

    #[test]
    fn describe_service_with_endpoints() {
        let mut c = cluster();
        let now = c.now;
        put(&mut c, Object::Pod(running_pod("web-0", "nginx", now)));
        let mut s = Service::default();
        s.metadata.name = "nginx".into();
        s.metadata.namespace = "default".into();
        s.spec.type_ = "ClusterIP".into();
        s.spec.cluster_ip = "None".into();
        s.spec.cluster_ips = vec!["None".into()];
        s.spec.session_affinity = "None".into();
        s.spec.ip_families = vec!["IPv4".into()];
        s.spec.ip_family_policy = Some("SingleStack".into());
        s.spec.internal_traffic_policy = Some("Cluster".into());
        s.spec.selector.insert("app".into(), "nginx".into());
        s.spec.ports = vec![ServicePort { name: "web".into(), port: 80, protocol: "TCP".into(), target_port: Some(IntOrString::Int(80)), ..Default::default() }];
        put(&mut c, Object::Service(s));
        // The EndpointSlice controller's sync, which describe reads the Endpoints line from.
        crate::engine::controllers::endpointslice::sync(&mut c, &crate::engine::store::ObjectKey::new(Kind::Service, "default", "nginx"));
        let o = kubectl(&mut c, "describe svc nginx");
        // describeService.
        let want = "Name:                     nginx
Namespace:                default
Labels:                   <none>
Annotations:              <none>
Selector:                 app=nginx
Type:                     ClusterIP
IP Family Policy:         SingleStack
IP Families:              IPv4
IP:                       None
IPs:                      None
Port:                     web  80/TCP
TargetPort:               80/TCP
Endpoints:                10.244.1.5:80
Session Affinity:         None
Internal Traffic Policy:  Cluster
Events:                   <none>
";
        assert_eq!(o.stdout, want);
        let o = kubectl(&mut c, "describe node node-1");
        assert!(o.stdout.starts_with("Name:               node-1\nRoles:              <none>\n"), "{}", o.stdout);
    }
}
