//! Cluster DNS: CoreDNS with its `kubernetes` plugin as kind configures it (`pods insecure`,
//! `ttl 30`), answering from Services and their EndpointSlices (the ready endpoints the
//! EndpointSlice controller published: pods matching the selector, with an IP, not terminating,
//! Ready — or any, with `publishNotReadyAddresses`).
//!
//! - `<svc>.<ns>.svc.<domain>`: the ClusterIP, or for a headless Service one A record per
//!   endpoint (NXDOMAIN when it has none).
//! - `<hostname>.<svc>.<ns>.svc.<domain>`: an endpoint whose pod sets `hostname` and
//!   `subdomain: <svc>` (StatefulSet pods: `web-0.nginx.default.svc.cluster.local`); CoreDNS
//!   answers these for a ClusterIP Service too, not only a headless one.
//! - `<a-b-c-d>.<svc>.<ns>.svc.<domain>` and `<a-b-c-d>.<ns>.pod.<domain>`.
//! - SRV for `<svc>…` (every port), `_<port>._<proto>.<svc>…` (one port) and `<hostname>.<svc>…`;
//!   a headless Service's records carry the EndpointSlice's (target) ports.
//! - `<ns>.svc.<domain>` and `svc.<domain>`: NODATA (an existing namespace).
//!
//! [`lookup`] applies the pod's resolv.conf search list (`<ns>.svc.<domain> svc.<domain>
//! <domain>`, `ndots:5`) and returns every query tried, so kubectl can print nslookup or dig
//! output.

use super::api::{Kind, Pod, Service};
use super::controllers::endpointslice::utils::Port;
use super::sim::Cluster;

/// CoreDNS's answer TTL in kind's Corefile.
pub const TTL: u32 = 30;
/// The cluster DNS Service IP (kube-dns), the nameserver in every pod's resolv.conf.
pub const NAMESERVER: &str = "10.96.0.10";
/// resolv.conf `ndots`.
pub const NDOTS: usize = 5;

/// Query types the playground answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QType {
    /// IPv4 address.
    A,
    /// Service record.
    Srv,
}

/// Record data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RData {
    /// An IPv4 address.
    A(String),
    /// SRV: priority, weight, port, target FQDN (with trailing dot).
    Srv {
        /// Priority (always 0).
        priority: u16,
        /// Weight (100 split evenly).
        weight: u16,
        /// Port.
        port: i32,
        /// Target name, absolute.
        target: String,
    },
}

/// One answer record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// Owner name, absolute (`web-0.nginx.default.svc.cluster.local.`).
    pub name: String,
    /// TTL in seconds.
    pub ttl: u32,
    /// Data.
    pub data: RData,
}

/// Outcome of one query for one absolute name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// NOERROR with records.
    Records(Vec<Record>),
    /// NOERROR, no records of that type (the name exists).
    NoData,
    /// NXDOMAIN.
    NxDomain,
    /// A public name outside the cluster domain: CoreDNS forwards it upstream, and the
    /// playground has no upstream (a real cluster would answer from the internet).
    Upstream,
}

/// A name lookup from a pod, through its search list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lookup {
    /// The nameserver asked (`10.96.0.10`).
    pub server: String,
    /// Each absolute name tried, in order, with its answer; the last is the final one.
    pub tried: Vec<(String, Answer)>,
}

impl Lookup {
    /// The answer that ended the search (records found, or the last failure).
    pub fn answer(&self) -> &Answer {
        self.tried.iter().find(|(_, a)| matches!(a, Answer::Records(_))).map(|(_, a)| a).unwrap_or_else(|| {
            self.tried.last().map(|(_, a)| a).unwrap_or(&Answer::NxDomain)
        })
    }

    /// The absolute name that answered, if any.
    pub fn resolved_name(&self) -> Option<&str> {
        self.tried.iter().find(|(_, a)| matches!(a, Answer::Records(_))).map(|(n, _)| n.as_str())
    }

    /// A-record addresses of the final answer.
    pub fn addresses(&self) -> Vec<String> {
        match self.answer() {
            Answer::Records(r) => r
                .iter()
                .filter_map(|x| match &x.data {
                    RData::A(ip) => Some(ip.clone()),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// The search list in a pod's resolv.conf (`dnsPolicy: ClusterFirst`).
pub fn search_list(c: &Cluster, namespace: &str) -> Vec<String> {
    let d = &c.config.cluster_domain;
    vec![format!("{namespace}.svc.{d}"), format!("svc.{d}"), d.clone()]
}

/// Resolves `name` as a pod in `namespace` would (resolv.conf search list, ndots:5).
pub fn lookup(c: &Cluster, namespace: &str, name: &str, qtype: QType) -> Lookup {
    let mut tried = Vec::new();
    let name = name.trim();
    let candidates: Vec<String> = if let Some(abs) = name.strip_suffix('.') {
        vec![format!("{abs}.")]
    } else {
        let dots = name.matches('.').count();
        let searched: Vec<String> = search_list(c, namespace).into_iter().map(|s| format!("{name}.{s}.")).collect();
        if dots >= NDOTS {
            std::iter::once(format!("{name}.")).chain(searched).collect()
        } else {
            searched.into_iter().chain(std::iter::once(format!("{name}."))).collect()
        }
    };
    for fqdn in candidates {
        let a = query(c, &fqdn, qtype);
        let found = matches!(a, Answer::Records(_));
        tried.push((fqdn, a));
        if found {
            break;
        }
    }
    Lookup { server: NAMESERVER.into(), tried }
}

/// The PTR answer for an IPv4 address (coredns `kubernetes` plugin `serviceRecordForIP`, the
/// default Corefile serving `in-addr.arpa`): a Service whose ClusterIP it is, else the name of
/// each ready endpoint with that address (`<label>.<svc>.<ns>.svc.<domain>`). Services are
/// visited in namespace/name order.
pub fn reverse(c: &Cluster, ip: &str) -> Vec<String> {
    let domain = &c.config.cluster_domain;
    let services: Vec<&Service> = c.store.list(Kind::Service, None).filter_map(|o| o.as_service()).collect();
    if let Some(s) = services.iter().find(|s| s.spec.cluster_ip == ip) {
        return vec![format!("{}.{}.svc.{domain}", s.metadata.name, s.metadata.namespace)];
    }
    let mut out = Vec::new();
    for s in services {
        for e in endpoints(c, s).into_iter().filter(|e| e.ip == ip) {
            out.push(format!("{}.{}.{}.svc.{domain}", e.label(), s.metadata.name, s.metadata.namespace));
        }
    }
    out
}

/// An endpoint of a Service: the pod, its IP and the DNS label it is published under.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// Pod name.
    pub pod: String,
    /// Pod IP.
    pub ip: String,
    /// `hostname` when the pod's subdomain is this Service, else none.
    pub hostname: Option<String>,
    /// The slice's ports (each Service port resolved against the pod): CoreDNS serves SRV
    /// records of an endpoint with these, not with the Service's own port numbers.
    pub ports: Vec<Port>,
}

impl Endpoint {
    /// The DNS label CoreDNS publishes the endpoint under (`endpointHostname`): its hostname,
    /// else its IP with dashes.
    pub fn label(&self) -> String {
        self.hostname.clone().unwrap_or_else(|| dashed(&self.ip))
    }
}

/// Whether a Service selects a pod (equality selector, same namespace).
pub fn selects(svc: &Service, p: &Pod) -> bool {
    !svc.spec.selector.is_empty()
        && svc.metadata.namespace == p.metadata.namespace
        && svc.spec.selector.iter().all(|(k, v)| p.metadata.labels.get(k) == Some(v))
}

/// The endpoints DNS publishes for a Service, by pod name: what CoreDNS reads from the
/// Service's EndpointSlices (label `kubernetes.io/service-name`), the ready ones. A pod that just
/// became Ready resolves once the EndpointSlice controller has updated its slice.
pub fn endpoints(c: &Cluster, svc: &Service) -> Vec<Endpoint> {
    use super::controllers::endpointslice::utils::{PodEndpoint, LABEL_SERVICE_NAME};
    let mut out: Vec<Endpoint> = Vec::new();
    for o in c.store.list(Kind::EndpointSlice, Some(&svc.metadata.namespace)) {
        let super::api::Object::Generic(_, g) = &**o else { continue };
        let ipv4 = g.rest.get("addressType").and_then(|v| v.as_str()) == Some("IPv4");
        if g.metadata.labels.get(LABEL_SERVICE_NAME) != Some(&svc.metadata.name) || !ipv4 {
            continue;
        }
        let eps = g.rest.get("endpoints").and_then(|v| v.as_array()).map(Vec::as_slice).unwrap_or(&[]);
        let ports: Vec<Port> =
            g.rest.get("ports").and_then(|v| v.as_array()).map(|a| a.iter().filter_map(Port::from_json).collect()).unwrap_or_default();
        for e in eps.iter().filter_map(PodEndpoint::from_json).filter(|e| e.ready) {
            if !out.iter().any(|x| x.ip == e.address) {
                out.push(Endpoint { pod: e.pod, ip: e.address, hostname: e.hostname, ports: ports.clone() });
            }
        }
    }
    crate::util::sort::sort_by_key(&mut out, |e| e.pod.clone());
    out
}

fn dashed(ip: &str) -> String {
    ip.replace('.', "-")
}

fn undashed(label: &str) -> Option<String> {
    let parts: Vec<&str> = label.split('-').collect();
    (parts.len() == 4 && parts.iter().all(|p| p.parse::<u8>().is_ok())).then(|| parts.join("."))
}

fn a(name: &str, ip: &str) -> Record {
    Record { name: name.to_string(), ttl: TTL, data: RData::A(ip.to_string()) }
}

/// Whether a name ends in a well-known public top-level domain.
fn is_public(name: &str) -> bool {
    const TLDS: &[&str] = &[
        "com", "org", "net", "io", "dev", "app", "edu", "gov", "info", "co", "uk", "de", "fr", "nl", "eu", "us", "ca", "au", "jp", "cn", "in",
        "br", "ru", "ch", "se", "no", "es", "it", "pl", "be", "at", "cloud", "ai", "sh", "me", "tv", "xyz",
    ];
    let tld = name.rsplit('.').next().unwrap_or("");
    name.contains('.') && TLDS.contains(&tld)
}

fn namespace_exists(c: &Cluster, ns: &str) -> bool {
    c.store.get(Kind::Namespace, "", ns).is_some()
}

/// Answers one query for an absolute name (trailing dot), as the `kubernetes` plugin does
/// (coredns `plugin/kubernetes/parse.go` parseRequest, `kubernetes.go` Records/findServices/
/// findPods, `plugin/backend_lookup.go` A/SRV).
pub fn query(c: &Cluster, fqdn: &str, qtype: QType) -> Answer {
    let domain = c.config.cluster_domain.clone();
    let name = fqdn.trim_end_matches('.').to_ascii_lowercase();
    let Some(rest) = name.strip_suffix(&format!(".{domain}")) else {
        if name == domain {
            return Answer::NoData;
        }
        // Forwarded upstream: a public TLD would get a real answer there; anything else
        // (`web-0.nginx.`, a search-list miss) is NXDOMAIN from the upstream resolver too.
        return if is_public(&name) { Answer::Upstream } else { Answer::NxDomain };
    };
    let labels: Vec<&str> = rest.split('.').collect();
    // parseRequest: `svc` and `pod` alone are the apex (NODATA); `<ns>.svc` has no service name,
    // NODATA when the namespace exists (findServices/findPods "handle empty name"), else
    // NXDOMAIN (Records: namespace not exposed).
    match labels.as_slice() {
        ["svc"] | ["pod"] => Answer::NoData,
        [ns, "svc" | "pod"] if namespace_exists(c, ns) => Answer::NoData,
        [ip, ns, "pod"] => match undashed(ip) {
            Some(addr) if namespace_exists(c, ns) && qtype == QType::A => Answer::Records(vec![a(fqdn, &addr)]),
            Some(_) if namespace_exists(c, ns) => Answer::NoData,
            _ => Answer::NxDomain,
        },
        [svc, ns, "svc"] => service_answer(c, fqdn, ns, svc, qtype, &Request::default()),
        [host, svc, ns, "svc"] => service_answer(c, fqdn, ns, svc, qtype, &Request { endpoint: Some(host), ..Request::default() }),
        // The underscores are optional (stripUnderscore).
        [port, proto, svc, ns, "svc"] => {
            let (port, proto) = (port.strip_prefix('_').unwrap_or(port), proto.strip_prefix('_').unwrap_or(proto));
            service_answer(c, fqdn, ns, svc, qtype, &Request { port, protocol: proto, endpoint: None })
        }
        _ => Answer::NxDomain,
    }
}

fn service(c: &Cluster, ns: &str, name: &str) -> Option<Service> {
    c.store.get(Kind::Service, ns, name).and_then(|o| o.as_service()).cloned()
}

/// The parts of a `…svc.<domain>` name left of the Service (coredns `recordRequest`): an empty
/// port or protocol matches any.
#[derive(Default)]
struct Request<'a> {
    port: &'a str,
    protocol: &'a str,
    endpoint: Option<&'a str>,
}

/// `matchPortAndProtocol`: the request's port and protocol, case-insensitively, either empty
/// for any.
fn port_matches(r: &Request, name: &str, protocol: &str) -> bool {
    (r.port.is_empty() || r.port.eq_ignore_ascii_case(name)) && (r.protocol.is_empty() || r.protocol.eq_ignore_ascii_case(protocol))
}

/// One `msg.Service` of findServices: an address, a port (`None` for an endpoint slice without
/// ports, coredns's `-1` sentinel) and the name it is published under.
struct Item {
    ip: String,
    port: Option<i32>,
    target: String,
}

fn service_answer(c: &Cluster, fqdn: &str, ns: &str, name: &str, qtype: QType, r: &Request) -> Answer {
    let Some(s) = service(c, ns, name) else { return Answer::NxDomain };
    let domain = &c.config.cluster_domain;
    let base = format!("{name}.{ns}.svc.{domain}.");
    if s.spec.type_ == "ExternalName" {
        // A CNAME the playground does not model; with an endpoint label there is no such name.
        return if r.endpoint.is_some() { Answer::NxDomain } else { Answer::NoData };
    }
    let mut items: Vec<Item> = Vec::new();
    if s.spec.is_headless() || r.endpoint.is_some() {
        // "Endpoint query or headless service": an endpoint name resolves for any Service whose
        // ready endpoints carry it, ClusterIP or not; ports are the slice's (resolved target ports).
        for e in endpoints(c, &s) {
            let label = e.label();
            if r.endpoint.is_some_and(|h| !h.eq_ignore_ascii_case(&label)) {
                continue;
            }
            let target = format!("{label}.{base}");
            if e.ports.is_empty() {
                if port_matches(r, "", "") {
                    items.push(Item { ip: e.ip.clone(), port: None, target });
                }
                continue;
            }
            for p in e.ports.iter().filter(|p| port_matches(r, &p.name, &p.protocol)) {
                items.push(Item { ip: e.ip.clone(), port: Some(p.port), target: target.clone() });
            }
        }
    } else {
        let protocol = |p: &super::api::ServicePort| if p.protocol.is_empty() { "TCP".to_string() } else { p.protocol.clone() };
        for p in s.spec.ports.iter().filter(|p| port_matches(r, &p.name, &protocol(p))) {
            if !s.spec.cluster_ip.is_empty() {
                items.push(Item { ip: s.spec.cluster_ip.clone(), port: Some(p.port), target: base.clone() });
            }
        }
    }
    if items.is_empty() {
        return Answer::NxDomain;
    }
    match qtype {
        QType::A => {
            let mut out: Vec<Record> = Vec::new();
            for it in &items {
                if !out.iter().any(|x| x.data == RData::A(it.ip.clone())) {
                    out.push(a(fqdn, &it.ip));
                }
            }
            Answer::Records(out)
        }
        QType::Srv => {
            // backend_lookup.go SRV: the weight splits 100 over every item (port-less ones
            // included), at least 1; a port-less item and a repeated (target, port) add no record.
            let total = items.len() as f64;
            let weight = ((100.0 / (100.0 * total)) * 100.0).floor() as u16;
            let weight = weight.max(1);
            let mut out: Vec<Record> = Vec::new();
            for it in &items {
                let Some(port) = it.port else { continue };
                let dup = out.iter().any(|x| matches!(&x.data, RData::Srv { port: p, target: t, .. } if *p == port && *t == it.target));
                if !dup {
                    out.push(Record {
                        name: fqdn.to_string(),
                        ttl: TTL,
                        data: RData::Srv { priority: 0, weight, port, target: it.target.clone() },
                    });
                }
            }
            if out.is_empty() {
                Answer::NoData
            } else {
                Answer::Records(out)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ip_labels_round_trip() {
        assert_eq!(undashed("10-244-1-5").as_deref(), Some("10.244.1.5"));
        assert_eq!(undashed("10-244-1"), None);
        assert_eq!(dashed("10.244.1.5"), "10-244-1-5");
    }

    use crate::engine::api::Object;
    use crate::engine::testutil::*;

    fn setup() -> Cluster {
        let mut c = cluster();
        create(&mut c, Object::Service(headless("nginx")));
        for i in 0..2 {
            create(&mut c, Object::Pod(sts_pod(&format!("web-{i}"), "nginx", "nginx:1.27")));
        }
        c.settle_default();
        c
    }

    #[test]
    fn headless_service_and_per_pod_names_resolve_through_the_search_list() {
        let c = setup();
        let ip0 = get_pod(&c, "web-0").unwrap().status.pod_ip;
        let ip1 = get_pod(&c, "web-1").unwrap().status.pod_ip;
        let l = lookup(&c, "default", "web-0.nginx", QType::A);
        assert_eq!(l.resolved_name(), Some("web-0.nginx.default.svc.cluster.local."));
        assert_eq!(l.addresses(), vec![ip0.clone()]);
        assert_eq!(l.tried.len(), 1);
        let l = lookup(&c, "default", "nginx", QType::A);
        assert_eq!(l.addresses(), vec![ip0.clone(), ip1.clone()]);
        let l = lookup(&c, "kube-system", "web-1.nginx.default", QType::A);
        assert_eq!(l.resolved_name(), Some("web-1.nginx.default.svc.cluster.local."));
        let l = lookup(&c, "default", "web-5.nginx", QType::A);
        assert_eq!(l.tried.len(), 4, "three search domains, then the name as given");
        assert_eq!(l.answer(), &Answer::NxDomain);
        assert_eq!(lookup(&c, "default", "kubernetes", QType::A).addresses(), vec!["10.96.0.1".to_string()]);
        assert_eq!(lookup(&c, "default", "example.com", QType::A).answer(), &Answer::Upstream);
        let dashed = format!("{}.default.pod.cluster.local", ip0.replace('.', "-"));
        assert_eq!(lookup(&c, "default", &dashed, QType::A).addresses(), vec![ip0]);
    }

    #[test]
    fn srv_records_name_each_pod_and_unready_pods_drop_out() {
        let mut c = setup();
        let l = lookup(&c, "default", "_web._tcp.nginx.default.svc.cluster.local", QType::Srv);
        let Answer::Records(r) = l.answer() else { panic!("{l:?}") };
        let targets: Vec<(u16, i32, String)> = r
            .iter()
            .map(|x| match &x.data {
                RData::Srv { weight, port, target, .. } => (*weight, *port, target.clone()),
                RData::A(_) => unreachable!(),
            })
            .collect();
        assert_eq!(
            targets,
            vec![(50, 80, "web-0.nginx.default.svc.cluster.local.".into()), (50, 80, "web-1.nginx.default.svc.cluster.local.".into())]
        );
        crate::engine::faults::crash_container(&mut c, "default", "web-1", None).unwrap();
        c.advance(5_000);
        assert_eq!(lookup(&c, "default", "web-1.nginx", QType::A).answer(), &Answer::NxDomain);
        assert_eq!(lookup(&c, "default", "nginx", QType::A).addresses().len(), 1);
        let mut svc = c.store.get(crate::engine::api::Kind::Service, "default", "nginx").and_then(|o| o.as_service()).cloned().unwrap();
        svc.spec.publish_not_ready_addresses = Some(true);
        crate::engine::apiserver::write_internal(&mut c, Object::Service(svc));
        // DNS answers from the EndpointSlices: the not-ready pod appears once they are updated.
        assert_eq!(lookup(&c, "default", "web-1.nginx", QType::A).answer(), &Answer::NxDomain);
        c.advance(1_000);
        assert_eq!(lookup(&c, "default", "web-1.nginx", QType::A).addresses().len(), 1);
    }

    fn srv(c: &Cluster, name: &str) -> Vec<(u16, i32, String)> {
        match query(c, name, QType::Srv) {
            Answer::Records(r) => r
                .iter()
                .filter_map(|x| match &x.data {
                    RData::Srv { weight, port, target, .. } => Some((*weight, *port, target.clone())),
                    RData::A(_) => None,
                })
                .collect(),
            other => panic!("{name}: {other:?}"),
        }
    }

    #[test]
    fn srv_records_follow_coredns_find_services() {
        // coredns kubernetes.go findServices: a headless Service's SRV records carry the
        // EndpointSlice's ports (the resolved targetPort), for every port when the name has no
        // _port._proto (matchPortAndProtocol: empty matches any), endpoint by endpoint;
        // backend_lookup.go SRV splits the weight 100 over all of them.
        let mut c = cluster();
        let mut s = headless("nginx");
        s.spec.ports[0].port = 8080;
        s.spec.ports[0].target_port = Some(crate::engine::api::IntOrString::String("web".into()));
        s.spec.ports.push(crate::engine::api::ServicePort { name: "metrics".into(), protocol: "TCP".into(), port: 9000, ..Default::default() });
        create(&mut c, Object::Service(s));
        for i in 0..2 {
            create(&mut c, Object::Pod(sts_pod(&format!("web-{i}"), "nginx", "nginx:1.27")));
        }
        c.settle_default();
        let t0 = "web-0.nginx.default.svc.cluster.local.".to_string();
        let t1 = "web-1.nginx.default.svc.cluster.local.".to_string();
        assert_eq!(
            srv(&c, "nginx.default.svc.cluster.local."),
            vec![(25, 80, t0.clone()), (25, 9000, t0.clone()), (25, 80, t1.clone()), (25, 9000, t1.clone())]
        );
        assert_eq!(srv(&c, "_web._tcp.nginx.default.svc.cluster.local."), vec![(50, 80, t0.clone()), (50, 80, t1.clone())]);
        // parseRequest strips the underscores if present; they are not required.
        assert_eq!(srv(&c, "web.tcp.nginx.default.svc.cluster.local."), vec![(50, 80, t0.clone()), (50, 80, t1.clone())]);
        // An endpoint name answers SRV too (one record per port), and an A query for the
        // _port._proto name answers with the endpoints' addresses (Services() only filters SRV).
        assert_eq!(srv(&c, "web-1.nginx.default.svc.cluster.local."), vec![(50, 80, t1.clone()), (50, 9000, t1)]);
        let ip0 = get_pod(&c, "web-0").unwrap().status.pod_ip;
        let ip1 = get_pod(&c, "web-1").unwrap().status.pod_ip;
        let a = query(&c, "_metrics._tcp.nginx.default.svc.cluster.local.", QType::A);
        assert_eq!(Lookup { server: NAMESERVER.into(), tried: vec![("x".into(), a)] }.addresses(), vec![ip0, ip1]);
        assert_eq!(query(&c, "_nope._tcp.nginx.default.svc.cluster.local.", QType::Srv), Answer::NxDomain);
    }

    #[test]
    fn endpoint_names_resolve_through_a_cluster_ip_service_too() {
        // findServices: "Endpoint query or headless service" -- a pod whose subdomain names a
        // ClusterIP Service still has <hostname>.<svc> (CoreDNS; kube-dns only for headless).
        let mut c = cluster();
        let mut s = headless("front");
        s.spec.cluster_ip = "10.96.100.1".into();
        s.spec.cluster_ips = vec!["10.96.100.1".into()];
        s.spec.ports.push(crate::engine::api::ServicePort { name: "alt".into(), protocol: "TCP".into(), port: 8080, ..Default::default() });
        create(&mut c, Object::Service(s));
        create(&mut c, Object::Pod(sts_pod("web-0", "front", "nginx:1.27")));
        c.settle_default();
        let ip0 = get_pod(&c, "web-0").unwrap().status.pod_ip;
        assert_eq!(lookup(&c, "default", "web-0.front", QType::A).addresses(), vec![ip0]);
        assert_eq!(lookup(&c, "default", "front", QType::A).addresses(), vec!["10.96.100.1".to_string()]);
        // Two ports of a ClusterIP Service: two SRV records sharing the weight.
        let base = "front.default.svc.cluster.local.".to_string();
        assert_eq!(srv(&c, "front.default.svc.cluster.local."), vec![(50, 80, base.clone()), (50, 8080, base)]);
    }

    #[test]
    fn namespace_and_apex_names_are_nodata() {
        // parseRequest: `svc.<zone>` is the apex; `<ns>.svc.<zone>` has no service name:
        // findServices answers NODATA when the namespace exists, Records NXDOMAIN when not.
        let c = setup();
        assert_eq!(query(&c, "default.svc.cluster.local.", QType::A), Answer::NoData);
        assert_eq!(query(&c, "svc.cluster.local.", QType::A), Answer::NoData);
        assert_eq!(query(&c, "kube-system.pod.cluster.local.", QType::A), Answer::NoData);
        assert_eq!(query(&c, "nope.svc.cluster.local.", QType::A), Answer::NxDomain);
        assert_eq!(query(&c, "nginx.nope.svc.cluster.local.", QType::A), Answer::NxDomain);
        assert_eq!(query(&c, "a.b.c.nginx.default.svc.cluster.local.", QType::A), Answer::NxDomain);
    }

    #[test]
    fn selector_mismatch_or_missing_service_means_nxdomain() {
        let mut c = cluster();
        create(&mut c, Object::Pod(sts_pod("web-0", "nginx", "nginx:1.27")));
        c.settle_default();
        assert_eq!(lookup(&c, "default", "web-0.nginx", QType::A).answer(), &Answer::NxDomain);
        let mut s = headless("nginx");
        s.spec.selector.insert("app".into(), "other".into());
        create(&mut c, Object::Service(s));
        assert_eq!(lookup(&c, "default", "web-0.nginx", QType::A).answer(), &Answer::NxDomain);
        assert_eq!(lookup(&c, "default", "nginx", QType::A).answer(), &Answer::NxDomain);
    }
}
