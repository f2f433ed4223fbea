//! Cluster DNS: CoreDNS with its `kubernetes` plugin as kind configures it (`pods insecure`,
//! `ttl 30`), answering from Services and their EndpointSlices (the ready endpoints the
//! EndpointSlice controller published: pods matching the selector, with an IP, not terminating,
//! Ready — or any, with `publishNotReadyAddresses`).
//!
//! - `<svc>.<ns>.svc.<domain>`: the ClusterIP, or for a headless Service one A record per
//!   endpoint (NXDOMAIN when it has none).
//! - `<hostname>.<svc>.<ns>.svc.<domain>`: an endpoint whose pod sets `hostname` and
//!   `subdomain: <svc>` (StatefulSet pods: `web-0.nginx.default.svc.cluster.local`).
//! - `<a-b-c-d>.<svc>.<ns>.svc.<domain>` and `<a-b-c-d>.<ns>.pod.<domain>`.
//! - SRV `_<port>._<proto>.<svc>.<ns>.svc.<domain>` for named ports.
//!
//! [`lookup`] applies the pod's resolv.conf search list (`<ns>.svc.<domain> svc.<domain>
//! <domain>`, `ndots:5`) and returns every query tried, so kubectl can print nslookup or dig
//! output.

use super::api::{Kind, Pod, Service};
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

/// An endpoint of a Service: the pod, its IP and the DNS label it is published under.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// Pod name.
    pub pod: String,
    /// Pod IP.
    pub ip: String,
    /// `hostname` when the pod's subdomain is this Service, else none.
    pub hostname: Option<String>,
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
        for e in eps.iter().filter_map(PodEndpoint::from_json).filter(|e| e.ready) {
            if !out.iter().any(|x| x.ip == e.address) {
                out.push(Endpoint { pod: e.pod, ip: e.address, hostname: e.hostname });
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

/// Answers one query for an absolute name (trailing dot).
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
    match labels.as_slice() {
        [ip, ns, "pod"] => match undashed(ip) {
            Some(addr) if namespace_exists(c, ns) && qtype == QType::A => Answer::Records(vec![a(fqdn, &addr)]),
            Some(_) if namespace_exists(c, ns) => Answer::NoData,
            _ => Answer::NxDomain,
        },
        [svc, ns, "svc"] => service_answer(c, fqdn, ns, svc, qtype, None),
        [port, proto, svc, ns, "svc"] if port.starts_with('_') && proto.starts_with('_') => {
            service_answer(c, fqdn, ns, svc, qtype, Some((&port[1..], &proto[1..])))
        }
        [host, svc, ns, "svc"] => {
            let Some(s) = service(c, ns, svc) else { return Answer::NxDomain };
            if !s.spec.is_headless() {
                return Answer::NxDomain;
            }
            let eps = endpoints(c, &s);
            let hit = eps.iter().find(|e| e.hostname.as_deref() == Some(*host) || (e.hostname.is_none() && dashed(&e.ip) == *host));
            match (hit, qtype) {
                (Some(e), QType::A) => Answer::Records(vec![a(fqdn, &e.ip)]),
                (Some(_), QType::Srv) => Answer::NoData,
                (None, _) => Answer::NxDomain,
            }
        }
        ["svc"] | [_, "svc"] | [_, "pod"] | ["pod"] => Answer::NxDomain,
        _ => Answer::NxDomain,
    }
}

fn service(c: &Cluster, ns: &str, name: &str) -> Option<Service> {
    c.store.get(Kind::Service, ns, name).and_then(|o| o.as_service()).cloned()
}

fn service_answer(c: &Cluster, fqdn: &str, ns: &str, name: &str, qtype: QType, port: Option<(&str, &str)>) -> Answer {
    let Some(s) = service(c, ns, name) else { return Answer::NxDomain };
    let domain = &c.config.cluster_domain;
    let base = format!("{name}.{ns}.svc.{domain}.");
    let ports: Vec<&super::api::ServicePort> = s
        .spec
        .ports
        .iter()
        .filter(|p| match port {
            None => !p.name.is_empty(),
            Some((n, proto)) => p.name == n && p.protocol.eq_ignore_ascii_case(proto),
        })
        .collect();
    if port.is_some() && ports.is_empty() {
        return Answer::NxDomain;
    }
    if s.spec.type_ == "ExternalName" {
        return Answer::NoData;
    }
    if !s.spec.is_headless() {
        let ip = s.spec.cluster_ip.clone();
        return match qtype {
            QType::A if port.is_none() && !ip.is_empty() => Answer::Records(vec![a(fqdn, &ip)]),
            QType::A => Answer::NoData,
            QType::Srv if ports.is_empty() => Answer::NoData,
            QType::Srv => Answer::Records(
                ports
                    .iter()
                    .map(|p| Record {
                        name: fqdn.to_string(),
                        ttl: TTL,
                        data: RData::Srv { priority: 0, weight: 100, port: p.port, target: base.clone() },
                    })
                    .collect(),
            ),
        };
    }
    let eps = endpoints(c, &s);
    if eps.is_empty() {
        return Answer::NxDomain;
    }
    match qtype {
        QType::A if port.is_none() => Answer::Records(eps.iter().map(|e| a(fqdn, &e.ip)).collect()),
        QType::A => Answer::NoData,
        QType::Srv => {
            if ports.is_empty() {
                return Answer::NoData;
            }
            let n = (eps.len() * ports.len()) as u16;
            let weight = (100 / n.max(1)).max(1);
            let mut out = Vec::new();
            for p in &ports {
                for e in &eps {
                    let label = e.hostname.clone().unwrap_or_else(|| dashed(&e.ip));
                    out.push(Record {
                        name: fqdn.to_string(),
                        ttl: TTL,
                        data: RData::Srv { priority: 0, weight, port: p.port, target: format!("{label}.{base}") },
                    });
                }
            }
            Answer::Records(out)
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
