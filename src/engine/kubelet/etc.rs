//! The files the kubelet writes into every container's `/etc`: the managed hosts file
//! (`pkg/kubelet/kubelet_pods.go` managedHostsFileContent), `/etc/hostname`, and the
//! resolv.conf the container runtime writes from the kubelet's DNS config
//! (`pkg/kubelet/network/dns/dns.go` GetPodDNS for `dnsPolicy: ClusterFirst`; containerd writes
//! `search`, then `nameserver`, then `options`).

use crate::engine::api::Pod;
use crate::engine::dns;
use crate::engine::sim::Cluster;

/// The pod's hostname and domain (`GeneratePodHostNameAndDomain`): `spec.hostname` or the pod
/// name (at most 63 characters), and `<subdomain>.<ns>.svc.<domain>` when a subdomain is set.
pub fn host_name_and_domain(c: &Cluster, pod: &Pod) -> (String, Option<String>) {
    let name = if pod.spec.hostname.is_empty() { pod.metadata.name.as_str() } else { pod.spec.hostname.as_str() };
    // truncatePodHostnameIfNeeded: cut to 63, then trim trailing '-' and '.'.
    let host = if name.len() > 63 { name.chars().take(63).collect::<String>().trim_end_matches(['-', '.']).to_string() } else { name.to_string() };
    let domain = (!pod.spec.subdomain.is_empty())
        .then(|| format!("{}.{}.svc.{}", pod.spec.subdomain, pod.metadata.namespace, c.config.cluster_domain));
    (host, domain)
}

/// `/etc/hosts` of a pod not on the host network: the localhost lines, then each pod IP with
/// the pod's FQDN and hostname (or just the hostname without a subdomain), then `hostAliases`.
pub fn hosts_file(c: &Cluster, pod: &Pod) -> String {
    let (host, domain) = host_name_and_domain(c, pod);
    let mut out = String::from("# Kubernetes-managed hosts file.\n");
    out.push_str("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
    out.push_str("fe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n");
    let mut ips: Vec<&str> = pod.status.pod_ips.iter().map(|e| e.ip.as_str()).filter(|ip| !ip.is_empty()).collect();
    if ips.is_empty() && !pod.status.pod_ip.is_empty() {
        ips.push(&pod.status.pod_ip);
    }
    for ip in ips {
        match &domain {
            Some(d) => out.push_str(&format!("{ip}\t{host}.{d}\t{host}\n")),
            None => out.push_str(&format!("{ip}\t{host}\n")),
        }
    }
    // hostsEntriesFromHostAliases.
    let aliases = pod.spec.host_aliases.as_deref().and_then(|v| v.as_array()).map(Vec::as_slice).unwrap_or(&[]);
    if !aliases.is_empty() {
        out.push_str("\n# Entries added by HostAliases.\n");
        for a in aliases {
            let ip = a.get("ip").and_then(|v| v.as_str()).unwrap_or("");
            for h in a.get("hostnames").and_then(|v| v.as_array()).map_or(&[][..], Vec::as_slice).iter().filter_map(|v| v.as_str()) {
                out.push_str(&format!("{ip}\t{h}\n"));
            }
        }
    }
    out
}

/// The address `/etc/hosts` gives `name` in the pod's containers, as glibc's `files` source reads
/// it (`nss_files` files-hosts.c: the first line naming it, names compared case-insensitively).
/// A host-network pod sees the node's file, of which only the localhost lines are modelled.
pub fn hosts_lookup(c: &Cluster, pod: &Pod, name: &str) -> Option<String> {
    let host_network = pod.spec.host_network.as_deref().and_then(|v| v.as_bool()) == Some(true);
    let text = if host_network { "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n".to_string() } else { hosts_file(c, pod) };
    let name = name.strip_suffix('.').unwrap_or(name);
    text.lines().map(|l| l.split('#').next().unwrap_or_default()).find_map(|l| {
        let mut fields = l.split_whitespace();
        let ip = fields.next()?;
        fields.any(|n| n.eq_ignore_ascii_case(name)).then(|| ip.to_string())
    })
}

/// `/etc/resolv.conf` for `dnsPolicy: ClusterFirst` without a `dnsConfig`: the cluster search
/// list, the cluster DNS Service, `ndots:5`. `None` for other policies (the node's own file).
pub fn resolv_conf(c: &Cluster, pod: &Pod) -> Option<String> {
    let host_network = pod.spec.host_network.as_deref().and_then(|v| v.as_bool()) == Some(true);
    let cluster_first = match pod.spec.dns_policy.as_str() {
        "" | "ClusterFirst" => !host_network,
        "ClusterFirstWithHostNet" => true,
        _ => false,
    };
    if !cluster_first || pod.spec.dns_config.is_some() {
        return None;
    }
    Some(format!(
        "search {}\nnameserver {}\noptions ndots:{}\n",
        dns::search_list(c, &pod.metadata.namespace).join(" "),
        dns::NAMESERVER,
        dns::NDOTS
    ))
}

/// The content of a kubelet-managed file at `path` in the pod's containers, if `path` is one.
pub fn managed_file(c: &Cluster, pod: &Pod, path: &str) -> Option<String> {
    let host_network = pod.spec.host_network.as_deref().and_then(|v| v.as_bool()) == Some(true);
    match path {
        "/etc/hosts" if !host_network => Some(hosts_file(c, pod)),
        "/etc/hostname" if !host_network => Some(format!("{}\n", host_name_and_domain(c, pod).0)),
        "/etc/resolv.conf" => resolv_conf(c, pod),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::api::Object;
    use crate::engine::testutil::*;

    #[test]
    fn hosts_and_resolv_conf_as_the_kubelet_writes_them() {
        let mut c = cluster();
        create(&mut c, Object::Service(headless("nginx")));
        create(&mut c, Object::Pod(sts_pod("web-0", "nginx", "nginx:1.27")));
        create(&mut c, Object::Pod(pod("plain", "nginx:1.27")));
        c.settle_default();
        let p = get_pod(&c, "web-0").unwrap();
        let ip = p.status.pod_ip.clone();
        // kubelet_pods.go managedHostsFileContent: a hostDomainName gives "<ip>\t<host>.<domain>\t<host>".
        assert_eq!(
            hosts_file(&c, &p),
            format!(
                "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n\
fe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n\
{ip}\tweb-0.nginx.default.svc.cluster.local\tweb-0\n"
            )
        );
        let plain = get_pod(&c, "plain").unwrap();
        assert!(hosts_file(&c, &plain).ends_with(&format!("\n{}\tplain\n", plain.status.pod_ip)));
        // dns.go ClusterFirst: the namespace's search list, the kube-dns ClusterIP, ndots:5.
        assert_eq!(
            resolv_conf(&c, &p).unwrap(),
            "search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n"
        );
        assert_eq!(managed_file(&c, &p, "/etc/hostname").unwrap(), "web-0\n");
        // The files source: localhost, and the pod's own names (short and FQDN) as its IP.
        assert_eq!(hosts_lookup(&c, &p, "localhost").as_deref(), Some("127.0.0.1"));
        assert_eq!(hosts_lookup(&c, &p, "WEB-0").as_deref(), Some(ip.as_str()));
        assert_eq!(hosts_lookup(&c, &p, "web-0.nginx.default.svc.cluster.local").as_deref(), Some(ip.as_str()));
        assert_eq!(hosts_lookup(&c, &p, "web-0.nginx"), None, "a partial name is DNS's to answer");
        assert_eq!(hosts_lookup(&c, &plain, "web-0"), None, "another pod's name is not in this file");
        assert_eq!(managed_file(&c, &p, "/etc/passwd"), None);
    }
}
