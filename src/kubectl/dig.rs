//! `dig` in the exec shell: one query to the cluster's CoreDNS ([`crate::engine::dns`]), printed
//! as BIND 9.18's dig prints it (`+short`, `+search`, A and SRV).

use super::shell::{fail, ProcOutput};
use crate::engine::api::Time;
use crate::engine::dns::{self, Answer, QType, RData};
use crate::engine::sim::Cluster;

/// `dig [@server] [-t TYPE] [TYPE] NAME [+short] [+search]`: one query to CoreDNS, printed
/// as BIND 9.18's dig prints it. Without `+search` the name is absolute, as in real dig.
pub(super) fn dig(cluster: &Cluster, namespace: &str, args: &[String], o: &mut ProcOutput) {
    let mut short = false;
    let mut search = false;
    let mut qtype = QType::A;
    let mut name: Option<String> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "+short" => short = true,
            "+search" => search = true,
            "+nosearch" => search = false,
            "-t" => match it.next().map(|t| t.to_ascii_uppercase()) {
                Some(t) if t == "A" => qtype = QType::A,
                Some(t) if t == "SRV" => qtype = QType::Srv,
                Some(t) => {
                    fail(o, 1, &format!("dig: query type {t} not supported by the StatefulSet Playground (A, SRV)"));
                    return;
                }
                None => {
                    fail(o, 1, "dig: option requires an argument -- 't'");
                    return;
                }
            },
            s if s.starts_with('+') || s.starts_with('@') || s.starts_with('-') => {}
            s if s.eq_ignore_ascii_case("srv") => qtype = QType::Srv,
            s if s.eq_ignore_ascii_case("a") && name.is_some() => qtype = QType::A,
            s if s.eq_ignore_ascii_case("in") => {}
            s => name = Some(s.to_string()),
        }
    }
    let Some(name) = name else {
        fail(o, 1, "dig: no name given (the StatefulSet Playground does not query the root zone)");
        return;
    };
    let (fqdn, answer) = if search {
        let l = dns::lookup(cluster, namespace, &name, qtype);
        let (n, a) = l.tried.iter().find(|(_, a)| matches!(a, Answer::Records(_))).or(l.tried.last()).cloned().unwrap_or_else(|| {
            (format!("{}.", name.trim_end_matches('.')), Answer::NxDomain)
        });
        (n, a)
    } else {
        let f = format!("{}.", name.trim_end_matches('.'));
        let a = dns::query(cluster, &f, qtype);
        (f, a)
    };
    let tname = if qtype == QType::Srv { "SRV" } else { "A" };
    let records = match &answer {
        Answer::Records(r) => r.clone(),
        _ => Vec::new(),
    };
    // CoreDNS adds the A records of SRV targets it knows to the additional section, each
    // (target, address) once (backend_lookup.go SRV, isDuplicate): a target serving two ports
    // has two SRV records and one A record.
    let mut additional: Vec<dns::Record> = Vec::new();
    for r in &records {
        let RData::Srv { target, .. } = &r.data else { continue };
        if let Answer::Records(a) = dns::query(cluster, target, QType::A) {
            for x in a {
                if !additional.iter().any(|y| y.name == x.name && y.data == x.data) {
                    additional.push(x);
                }
            }
        }
    }
    if short {
        for r in &records {
            o.stdout.push_str(&rdata(&r.data));
            o.stdout.push('\n');
        }
        return;
    }
    let domain = format!("{}.", cluster.config.cluster_domain);
    let status = match answer {
        Answer::Records(_) | Answer::NoData => "NOERROR",
        Answer::NxDomain => "NXDOMAIN",
        Answer::Upstream => "SERVFAIL",
    };
    let local = fqdn.to_ascii_lowercase().ends_with(".local.");
    let ours = fqdn.to_ascii_lowercase().ends_with(&domain);
    let soa = matches!(answer, Answer::NoData | Answer::NxDomain) && ours;
    // Cluster names are answered authoritatively by CoreDNS (no RA); anything else is forwarded
    // and comes back with the upstream resolver's RA.
    let flags = if ours { "qr aa rd" } else { "qr rd ra" };
    let id = dig_id(&fqdn, tname, cluster.now.secs());
    let mut out = String::new();
    out.push_str(&format!("\n; <<>> DiG {DIG_VERSION} <<>> {}\n", args.join(" ")));
    out.push_str(";; global options: +cmd\n;; Got answer:\n");
    if local {
        out.push_str(";; WARNING: .local is reserved for Multicast DNS\n;; You are currently testing what happens when an mDNS query is leaked to DNS\n");
    }
    out.push_str(&format!(";; ->>HEADER<<- opcode: QUERY, status: {status}, id: {id}\n"));
    out.push_str(&format!(
        ";; flags: {flags}; QUERY: 1, ANSWER: {}, AUTHORITY: {}, ADDITIONAL: {}\n",
        records.len(),
        usize::from(soa),
        additional.len() + 1
    ));
    if ours {
        out.push_str(";; WARNING: recursion requested but not available\n");
    }
    out.push('\n');
    out.push_str(";; OPT PSEUDOSECTION:\n; EDNS: version: 0, flags:; udp: 1232\n");
    out.push_str(&format!(";; QUESTION SECTION:\n;{fqdn}\t\tIN\t{tname}\n\n"));
    let rr = |r: &dns::Record| {
        let t = match r.data {
            RData::A(_) => "A",
            RData::Srv { .. } => "SRV",
        };
        format!("{}\t\t{}\tIN\t{t}\t{}\n", r.name, r.ttl, rdata(&r.data))
    };
    if !records.is_empty() {
        out.push_str(";; ANSWER SECTION:\n");
        records.iter().for_each(|r| out.push_str(&rr(r)));
        out.push('\n');
    }
    let serial = cluster.now.secs();
    if soa {
        out.push_str(&format!(
            ";; AUTHORITY SECTION:\n{domain}\t\t{}\tIN\tSOA\tns.dns.{domain} hostmaster.{domain} {serial} 7200 1800 86400 {}\n\n",
            dns::TTL,
            dns::TTL
        ));
    }
    if !additional.is_empty() {
        out.push_str(";; ADDITIONAL SECTION:\n");
        additional.iter().for_each(|r| out.push_str(&rr(r)));
        out.push('\n');
    }
    let size = msg_size(&fqdn, &records, &additional, soa.then_some(domain.as_str()));
    out.push_str(&format!(";; Query time: 0 msec\n;; SERVER: {ns}#53({ns}) (UDP)\n", ns = dns::NAMESERVER));
    out.push_str(&format!(";; WHEN: {}\n;; MSG SIZE  rcvd: {size}\n\n", dig_when(cluster.now)));
    o.stdout.push_str(&out);
}

/// The BIND version `dig` reports.
const DIG_VERSION: &str = "9.18.30";

/// dig's `;; WHEN:` (`strftime("%a %b %d %H:%M:%S %Z %Y")`, the pod's TZ being UTC).
fn dig_when(t: Time) -> String {
    let c = t.civil();
    format!(
        "{} {} {:02} {:02}:{:02}:{:02} UTC {}",
        c.weekday_abbrev(),
        c.month_abbrev(),
        c.day,
        c.hour,
        c.min,
        c.sec,
        c.year
    )
}

/// A deterministic 16-bit message id (FNV-1a of the question and the virtual second).
fn dig_id(name: &str, qtype: &str, secs: u64) -> u16 {
    let mut h: u32 = 0x811c9dc5;
    for b in name.bytes().chain(qtype.bytes()).chain(secs.to_le_bytes()) {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    (h ^ (h >> 16)) as u16
}

fn rdata(d: &RData) -> String {
    match d {
        RData::A(ip) => ip.clone(),
        RData::Srv { priority, weight, port, target } => format!("{priority} {weight} {port} {target}"),
    }
}

/// Wire length of an absolute name, uncompressed.
fn wire_len(name: &str) -> usize {
    let t = name.trim_end_matches('.');
    if t.is_empty() { 1 } else { t.len() + 2 }
}

/// The response's size on the wire: header, question, records with owner names compressed to
/// the question (2-byte pointers), SRV targets uncompressed, the SOA's names uncompressed, and
/// an 11-byte OPT record (no cookie).
fn msg_size(qname: &str, answers: &[dns::Record], additional: &[dns::Record], soa_zone: Option<&str>) -> usize {
    let rr = |r: &dns::Record| {
        let owner = if r.name.eq_ignore_ascii_case(qname) { 2 } else { wire_len(&r.name) };
        owner
            + 10
            + match &r.data {
                RData::A(_) => 4,
                RData::Srv { target, .. } => 6 + wire_len(target),
            }
    };
    let soa = soa_zone.map_or(0, |z| 2 + 10 + wire_len(&format!("ns.dns.{z}")) + wire_len(&format!("hostmaster.{z}")) + 20);
    12 + wire_len(qname) + 4 + answers.iter().map(rr).sum::<usize>() + additional.iter().map(rr).sum::<usize>() + soa + 11
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::api::Object;
    use crate::engine::testutil::*;
    use crate::kubectl::shell::Shell;

    fn run(c: &mut Cluster, pod: &str, argv: &[&str]) -> ProcOutput {
        let mut sh = Shell { cluster: c, namespace: "default".into(), pod: pod.into(), container: "nginx".into() };
        sh.exec(&argv.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap()
    }

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
    fn srv_additional_section_lists_each_target_once() {
        // backend_lookup.go SRV: isDuplicate(dup, target, addr, 0) adds one address record per
        // target however many ports it serves.
        let mut c = cluster();
        let mut s = headless("nginx");
        s.spec.ports.push(crate::engine::api::ServicePort { name: "metrics".into(), protocol: "TCP".into(), port: 9000, ..Default::default() });
        create(&mut c, Object::Service(s));
        create(&mut c, Object::Pod(sts_pod("web-0", "nginx", "nginx:1.27")));
        c.settle_default();
        let out = run(&mut c, "web-0", &["dig", "SRV", "nginx.default.svc.cluster.local"]).stdout;
        assert!(out.contains(";; flags: qr aa rd; QUERY: 1, ANSWER: 2, AUTHORITY: 0, ADDITIONAL: 2\n"), "{out}");
        assert_eq!(out.matches("\tIN\tA\t").count(), 1, "{out}");
    }

    #[test]
    fn dig_when_and_msg_size() {
        assert_eq!(dig_when(Time::from_utc(2025, 1, 6, 9, 10, 28)), "Mon Jan 06 09:10:28 UTC 2025");
        assert_eq!(dig_when(Time::from_utc(2024, 2, 29, 23, 5, 0)), "Thu Feb 29 23:05:00 UTC 2024");
        // 12 header + 43 question + 16 answer + 11 OPT.
        let r = dns::Record { name: "web-0.nginx.default.svc.cluster.local.".into(), ttl: 30, data: RData::A("10.244.1.3".into()) };
        assert_eq!(msg_size("web-0.nginx.default.svc.cluster.local.", &[r], &[], None), 82);
    }

    #[test]
    fn dig_short_full_srv_and_search() {
        let mut c = setup();
        let ip0 = get_pod(&c, "web-0").unwrap().status.pod_ip;
        let ip1 = get_pod(&c, "web-1").unwrap().status.pod_ip;
        let o = run(&mut c, "web-1", &["dig", "+short", "nginx.default.svc.cluster.local"]);
        assert_eq!(o.stdout, format!("{ip0}\n{ip1}\n"));
        assert_eq!(o.code, 0);
        // Without +search the name is absolute: NXDOMAIN from upstream, nothing printed by +short.
        assert_eq!(run(&mut c, "web-1", &["dig", "+short", "web-0.nginx"]).stdout, "");
        assert_eq!(run(&mut c, "web-1", &["dig", "+short", "web-0.nginx", "+search"]).stdout, format!("{ip0}\n"));
        let srv = run(&mut c, "web-1", &["dig", "+short", "SRV", "_web._tcp.nginx.default.svc.cluster.local"]).stdout;
        assert_eq!(srv, "0 50 80 web-0.nginx.default.svc.cluster.local.\n0 50 80 web-1.nginx.default.svc.cluster.local.\n");
        let full = run(&mut c, "web-1", &["dig", "web-0.nginx.default.svc.cluster.local"]).stdout;
        let id = dig_id("web-0.nginx.default.svc.cluster.local.", "A", c.now.secs());
        let when = dig_when(c.now);
        assert_eq!(
            full,
            format!(
                "\n; <<>> DiG 9.18.30 <<>> web-0.nginx.default.svc.cluster.local\n;; global options: +cmd\n;; Got answer:\n\
;; WARNING: .local is reserved for Multicast DNS\n;; You are currently testing what happens when an mDNS query is leaked to DNS\n\
;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: {id}\n;; flags: qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1\n\
;; WARNING: recursion requested but not available\n\n;; OPT PSEUDOSECTION:\n; EDNS: version: 0, flags:; udp: 1232\n\
;; QUESTION SECTION:\n;web-0.nginx.default.svc.cluster.local.\t\tIN\tA\n\n\
;; ANSWER SECTION:\nweb-0.nginx.default.svc.cluster.local.\t\t30\tIN\tA\t{ip0}\n\n\
;; Query time: 0 msec\n;; SERVER: 10.96.0.10#53(10.96.0.10) (UDP)\n;; WHEN: {when}\n;; MSG SIZE  rcvd: 82\n\n"
            )
        );
        let nx = run(&mut c, "web-1", &["dig", "web-9.nginx.default.svc.cluster.local"]).stdout;
        assert!(nx.contains(";; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN, id: "), "{nx}");
        assert!(nx.contains(";; flags: qr aa rd; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1\n"), "{nx}");
        assert!(nx.contains(";; AUTHORITY SECTION:\ncluster.local.\t\t30\tIN\tSOA\tns.dns.cluster.local. hostmaster.cluster.local. "), "{nx}");
        // Same question, same virtual second: same output.
        assert_eq!(run(&mut c, "web-1", &["dig", "web-9.nginx.default.svc.cluster.local"]).stdout, nx);
    }
}
