//! `nslookup` inside a simulated container: which resolver answers depends on the image.
//! BusyBox 1.29+ brings its own (`networking/nslookup.c`); BusyBox 1.28, the one Kubernetes'
//! StatefulSet tutorial runs, asks the C library and prints each address with its reverse name;
//! other images get a plain resolver's answer through the pod's search list.

use super::shell::{fail, ProcOutput};
use crate::engine::dns::{self, Answer, QType, RData};
use crate::engine::sim::Cluster;

/// `nslookup HOST` in a container running `image`: BusyBox 1.29+'s own resolver, BusyBox 1.28's
/// C-library lookup, or (any other image) a plain resolver's answer.
pub fn nslookup(cluster: &Cluster, namespace: &str, image: &str, args: &[String], o: &mut ProcOutput) {
    let Some(name) = args.iter().find(|a| !a.starts_with('-')) else {
        fail(o, 1, "BusyBox v1.36.1 multi-call binary.\n\nUsage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]");
        return;
    };
    if is_busybox_with_own_resolver(image) {
        busybox(cluster, namespace, name, o);
        return;
    }
    if busybox_version(image).is_some() {
        busybox_libc(cluster, namespace, name, o);
        return;
    }
    let l = dns::lookup(cluster, namespace, name, QType::A);
    o.stdout.push_str(&format!("Server:\t\t{}\nAddress:\t{}:53\n\n", l.server, l.server));
    match l.answer() {
        Answer::Records(recs) => {
            for r in recs {
                if let RData::A(ip) = &r.data {
                    o.stdout.push_str(&format!("Name:\t{}\nAddress: {ip}\n", r.name.trim_end_matches('.')));
                }
            }
            o.stdout.push('\n');
        }
        Answer::NoData => o.stdout.push_str(&format!("*** Can't find {name}: No answer\n\n")),
        Answer::NxDomain => {
            o.stdout.push_str(&format!("** server can't find {name}: NXDOMAIN\n\n"));
            o.code = 1;
        }
        Answer::Upstream => {
            o.stdout.push_str(&format!("** server can't find {name}: SERVFAIL\n\n"));
            o.code = 1;
        }
    }
}

/// BusyBox 1.28's nslookup (the one Kubernetes' StatefulSet tutorial runs): the C library
/// resolves (getaddrinfo: search list, ndots:5) and reverse-resolves each address
/// (`print_host`): `Server:    IP`, `Address 1: IP NAME`, an empty line, then `Name:` as typed
/// and one `Address N:` line per address, with its PTR name when there is one. A name that
/// does not resolve: `nslookup: can't resolve 'NAME'` on stderr, exit status 1.
fn busybox_libc(cluster: &Cluster, namespace: &str, name: &str, o: &mut ProcOutput) {
    let address_line = |n: usize, ip: &str| match dns::reverse(cluster, ip).first() {
        Some(host) => format!("Address {n}: {ip} {host}\n"),
        None => format!("Address {n}: {ip}\n"),
    };
    o.stdout.push_str(&format!("{:<10} {}\n", "Server:", dns::NAMESERVER));
    o.stdout.push_str(&address_line(1, dns::NAMESERVER));
    o.stdout.push('\n');
    let addresses = dns::lookup(cluster, namespace, name, QType::A).addresses();
    if addresses.is_empty() {
        o.stderr.push_str(&format!("nslookup: can't resolve '{name}'\n"));
        o.code = 1;
        return;
    }
    o.stdout.push_str(&format!("{:<10} {name}\n", "Name:"));
    for (i, ip) in addresses.iter().enumerate() {
        o.stdout.push_str(&address_line(i + 1, ip));
    }
}

/// BusyBox 1.29+'s own nslookup (networking/nslookup.c, FEATURE_NSLOOKUP_BIG, the Docker
/// images' build): it applies the resolv.conf search list only to a name without any dot
/// (add_query_with_search; no ndots), asks A then AAAA for each name, and prints every
/// reply: `** server can't find NAME: RCODE` for an error (and exits 1), the records
/// otherwise, each followed by an empty line (an empty NODATA reply is just that line).
/// CoreDNS answers cluster names authoritatively, so no "Non-authoritative answer:". The
/// replies are printed in the order the queries were sent.
fn busybox(cluster: &Cluster, namespace: &str, name: &str, o: &mut ProcOutput) {
    let names: Vec<String> = if name.contains('.') {
        vec![name.to_string()]
    } else {
        dns::search_list(cluster, namespace).into_iter().map(|d| format!("{name}.{d}")).collect()
    };
    o.stdout.push_str(&format!("Server:\t\t{ns}\nAddress:\t{ns}:53\n\n", ns = dns::NAMESERVER));
    for aaaa in [false, true] {
        for n in &names {
            let fqdn = format!("{}.", n.trim_end_matches('.'));
            match dns::query(cluster, &fqdn, QType::A) {
                // The cluster has no IPv6 addresses: an AAAA question for a name that exists
                // is NODATA.
                Answer::Records(_) | Answer::NoData if aaaa => {}
                Answer::Records(recs) => {
                    for r in recs {
                        if let RData::A(ip) = &r.data {
                            o.stdout.push_str(&format!("Name:\t{}\nAddress: {ip}\n", r.name.trim_end_matches('.')));
                        }
                    }
                }
                Answer::NoData => {}
                Answer::NxDomain => {
                    o.stdout.push_str(&format!("** server can't find {n}: NXDOMAIN\n"));
                    o.code = 1;
                }
                Answer::Upstream => {
                    o.stdout.push_str(&format!("** server can't find {n}: SERVFAIL\n"));
                    o.code = 1;
                }
            }
            o.stdout.push('\n');
        }
    }
}

/// A BusyBox image's version, `(u32::MAX, 0)` for an unversioned tag such as `latest`; None for
/// other images.
fn busybox_version(image: &str) -> Option<(u32, u32)> {
    let r = crate::engine::kubelet::runtime::parse_image(image).ok()?;
    if r.repository.rsplit('/').next() != Some("busybox") {
        return None;
    }
    let mut v = r.tag.split(['.', '-']).map(|x| x.parse::<u32>().ok());
    Some(match (v.next().flatten(), v.next().flatten()) {
        (Some(major), Some(minor)) => (major, minor),
        (Some(major), None) => (major, u32::MAX),
        _ => (u32::MAX, 0),
    })
}

/// Whether an image is BusyBox 1.29 or later (or an unversioned tag such as `latest`), whose
/// nslookup has its own resolver; 1.28 and earlier used the C library's (search list, ndots).
fn is_busybox_with_own_resolver(image: &str) -> bool {
    busybox_version(image).is_some_and(|v| v >= (1, 29))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::api::Object;
    use crate::engine::testutil::{create, get_pod, nginx_pair};
    use crate::kubectl::shell::Shell;

    #[test]
    fn busybox_nslookup_searches_only_dotless_names() {
        // networking/nslookup.c add_query_with_search: the search list only for a name
        // without a dot; A then AAAA per name; every reply printed; any error rcode exits 1.
        let mut c = nginx_pair();
        let mut p = crate::engine::testutil::pod("bb", "busybox:1.36");
        p.spec.containers[0].name = "bb".into();
        p.metadata.labels.clear();
        create(&mut c, Object::Pod(p));
        c.settle_default();
        let ip0 = get_pod(&c, "web-0").unwrap().status.pod_ip;
        let ip1 = get_pod(&c, "web-1").unwrap().status.pod_ip;
        let mut sh = Shell { cluster: &mut c, namespace: "default".into(), pod: "bb".into(), container: "bb".into() };
        let mut run_bb = |argv: &[&str]| sh.exec(&argv.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
        let head = "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n";
        let o = run_bb(&["nslookup", "web-0.nginx"]);
        let nx = "** server can't find web-0.nginx: NXDOMAIN\n\n";
        assert_eq!((o.stdout, o.code), (format!("{head}{nx}{nx}"), 1));
        let o = run_bb(&["nslookup", "nginx"]);
        let miss = "** server can't find nginx.svc.cluster.local: NXDOMAIN\n\n** server can't find nginx.cluster.local: NXDOMAIN\n\n";
        let found = format!("Name:\tnginx.default.svc.cluster.local\nAddress: {ip0}\nName:\tnginx.default.svc.cluster.local\nAddress: {ip1}\n\n");
        assert_eq!((o.stdout, o.code), (format!("{head}{found}{miss}\n{miss}"), 1));
        assert!(is_busybox_with_own_resolver("busybox"));
        assert!(is_busybox_with_own_resolver("docker.io/library/busybox:1.37.0-glibc"));
        assert!(!is_busybox_with_own_resolver("busybox:1.28"));
        assert!(!is_busybox_with_own_resolver("nginx:1.27"));
    }

    #[test]
    fn busybox_1_28_nslookup_uses_the_c_library_and_reverse_names() {
        // BusyBox 1.28 networking/nslookup.c print_host: getaddrinfo (search list), then each
        // address with its PTR name; the Kubernetes StatefulSet tutorial's format.
        let mut c = nginx_pair();
        let mut p = crate::engine::testutil::pod("bb", "busybox:1.28");
        p.spec.containers[0].name = "bb".into();
        p.metadata.labels.clear();
        create(&mut c, Object::Pod(p));
        c.settle_default();
        let ip0 = get_pod(&c, "web-0").unwrap().status.pod_ip;
        let mut sh = Shell { cluster: &mut c, namespace: "default".into(), pod: "bb".into(), container: "bb".into() };
        let mut run_bb = |argv: &[&str]| sh.exec(&argv.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
        let head = "Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\n";
        let o = run_bb(&["nslookup", "web-0.nginx"]);
        assert_eq!(
            (o.stdout, o.code),
            (format!("{head}Name:      web-0.nginx\nAddress 1: {ip0} web-0.nginx.default.svc.cluster.local\n"), 0)
        );
        let o = run_bb(&["nslookup", "kubernetes.default"]);
        assert_eq!(o.stdout, format!("{head}Name:      kubernetes.default\nAddress 1: 10.96.0.1 kubernetes.default.svc.cluster.local\n"));
        let o = run_bb(&["nslookup", "nope"]);
        assert_eq!((o.stdout.as_str(), o.stderr.as_str(), o.code), (head, "nslookup: can't resolve 'nope'\n", 1));
    }
}
