//! What runs inside the playground's containers when something talks to them: the image's
//! initial files (its root filesystem layer) and, for nginx-like images, an HTTP server on
//! port 80 serving its web root (`/usr/share/nginx/html` for nginx, `/usr/local/apache2/htdocs`
//! for httpd) — so `kubectl exec … -- curl http://web-0.nginx/` answers the way the StatefulSet
//! tutorial shows, 403 included when the mounted volume is still empty.

use super::api::{Container, Kind, Pod};
use super::dns::{self, QType};
use super::fs::{self, Location, Node, Tree};
use super::kubelet::runtime::{parse_image, ImageRef};
use super::sim::Cluster;

/// nginx's default index page (1.25+).
pub const NGINX_INDEX: &str = "<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href=\"http://nginx.org/\">nginx.org</a>.<br/>
Commercial support is available at
<a href=\"http://nginx.com/\">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
";

/// httpd's default index page.
pub const HTTPD_INDEX: &str = "<html><body><h1>It works!</h1></body></html>\n";

/// The web root an image serves, if it is a web server.
pub fn web_root(image: &ImageRef) -> Option<&'static str> {
    let n = image.short_name();
    if n.starts_with("nginx") || n == "openresty" {
        Some("/usr/share/nginx/html")
    } else if n == "httpd" {
        Some("/usr/local/apache2/htdocs")
    } else {
        None
    }
}

/// The files a fresh container of this image starts with (a small, plausible subset).
pub fn image_tree(image: &ImageRef) -> Tree {
    let mut t = Tree::new();
    for d in ["/bin", "/dev", "/etc", "/home", "/proc", "/root", "/sys", "/tmp", "/usr", "/var", "/var/log"] {
        let _ = t.mkdir(d, true);
    }
    let _ = t.write("/etc/os-release", b"PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nID=debian\n");
    if let Some(root) = web_root(image) {
        let _ = t.mkdir(root, true);
        if image.short_name() == "httpd" {
            let _ = t.write(&format!("{root}/index.html"), HTTPD_INDEX.as_bytes());
        } else {
            let _ = t.write(&format!("{root}/index.html"), NGINX_INDEX.as_bytes());
            let _ = t.write(&format!("{root}/50x.html"), b"<!DOCTYPE html>\n<html>\n<head>\n<title>Error</title>\n</head>\n<body>\n<h1>An error occurred.</h1>\n</body>\n</html>\n");
            let _ = t.mkdir("/etc/nginx/conf.d", true);
            let _ = t.mkdir("/var/log/nginx", true);
        }
    }
    t
}

/// The `Server` version an nginx tag reports.
pub fn nginx_version(image: &ImageRef) -> String {
    let tag = image.tag.split('-').next().unwrap_or("");
    let v = match tag {
        "1.25" => "1.25.5",
        "1.26" | "stable" => "1.26.3",
        "1.27" => "1.27.5",
        "1.28" => "1.28.0",
        "1.29" | "latest" | "mainline" | "" => "1.29.1",
        t if t.split('.').count() == 3 && t.split('.').all(|p| p.parse::<u32>().is_ok()) => t,
        t if t.split('.').count() == 2 && t.split('.').all(|p| p.parse::<u32>().is_ok()) => return format!("{t}.0"),
        _ => "1.29.1",
    };
    v.to_string()
}

/// An HTTP response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Reason phrase.
    pub reason: &'static str,
    /// `Server` header.
    pub server: String,
    /// Body.
    pub body: String,
}

fn nginx_error(status: u16, reason: &'static str, version: &str) -> Response {
    let server = format!("nginx/{version}");
    Response {
        status,
        reason,
        body: format!(
            "<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n<center><h1>{status} {reason}</h1></center>\r\n<hr><center>{server}</center>\r\n</body>\r\n</html>\r\n"
        ),
        server,
    }
}

fn httpd_error(status: u16, reason: &'static str, text: &str) -> Response {
    Response {
        status,
        reason,
        server: "Apache/2.4.65 (Unix)".into(),
        body: format!(
            "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>{status} {reason}</title>\n</head><body>\n<h1>{reason}</h1>\n<p>{text}</p>\n</body></html>\n"
        ),
    }
}

/// What the web server in `pod` answers for `GET path` (port 80). Err when nothing listens
/// there (not a web server image, or its container is not running).
pub fn serve(c: &Cluster, pod: &Pod, path: &str) -> Result<Response, String> {
    let Some((ctr, image)) = pod.spec.containers.iter().find_map(|x| parse_image(&x.image).ok().filter(|r| web_root(r).is_some()).map(|r| (x, r))) else {
        return Err("connection refused".into());
    };
    let running = pod.status.container_statuses.iter().any(|s| s.name == ctr.name && s.state.running.is_some());
    if !running {
        return Err("connection refused".into());
    }
    serve_from(c, pod, ctr, &image, path)
}

/// What the web server of `image`, running as container `ctr` of `pod`, answers for `GET path`
/// (the caller knows it runs: the kubelet's prober asks its own runtime, not the pod status).
pub fn serve_from(c: &Cluster, pod: &Pod, ctr: &Container, image: &ImageRef, path: &str) -> Result<Response, String> {
    let root = web_root(image).unwrap_or("/");
    let nginx = image.short_name() != "httpd";
    let version = nginx_version(image);
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let path = if path.is_empty() { "/" } else { path };
    let Ok(norm) = fs::normalize(&format!("{root}/{path}")) else {
        return Ok(if nginx { nginx_error(400, "Bad Request", &version) } else { httpd_error(400, "Bad Request", "Your browser sent a request that this server could not understand.") });
    };
    let not_found = || if nginx { nginx_error(404, "Not Found", &version) } else { httpd_error(404, "Not Found", "The requested URL was not found on this server.") };
    let loc = fs::resolve(c, &pod.metadata.namespace, &pod.metadata.name, &ctr.name, &norm).map_err(|_| "connection refused".to_string())?;
    let Some(tree) = fs::tree(c, &loc) else { return Ok(not_found()) };
    let p = fs::tree_path(&loc).to_string();
    let ok = |body: String| Response { status: 200, reason: "OK", server: if nginx { format!("nginx/{version}") } else { "Apache/2.4.65 (Unix)".into() }, body };
    match tree.get(&p) {
        Some(Node::File(b)) => Ok(ok(String::from_utf8_lossy(b).into_owned())),
        Some(Node::Dir) => {
            if !path.ends_with('/') {
                return Ok(if nginx { nginx_error(301, "Moved Permanently", &version) } else { httpd_error(301, "Moved Permanently", "The document has moved.") });
            }
            let index = format!("{}/index.html", p.trim_end_matches('/'));
            match index_in(c, &loc, tree, &index) {
                Some(body) => Ok(ok(body)),
                None => Ok(if nginx { nginx_error(403, "Forbidden", &version) } else { httpd_error(403, "Forbidden", "You don't have permission to access this resource.") }),
            }
        }
        None => Ok(not_found()),
    }
}

fn index_in(_c: &Cluster, _loc: &Location, tree: &Tree, index: &str) -> Option<String> {
    match tree.get(index) {
        Some(Node::File(b)) => Some(String::from_utf8_lossy(b).into_owned()),
        _ => None,
    }
}

/// Why the web server of container `ctr` answered `status` for `GET path`, in plain words: which
/// file or directory (and the volume it lives on) made nginx/httpd say so. For the why panel.
pub fn explain(pod: &Pod, ctr: &Container, image: &ImageRef, path: &str, r: &Response) -> String {
    let server = if image.short_name() == "httpd" { "httpd" } else { "nginx" };
    let root = web_root(image).unwrap_or("/");
    let target = fs::normalize(&format!("{root}/{path}")).unwrap_or_else(|_| root.to_string());
    // The mount the path is on, as `fs::resolve` picks it (the longest mountPath).
    let mount = ctr
        .volume_mounts
        .iter()
        .filter(|m| fs::normalize(&m.mount_path).is_ok_and(|mp| mp == "/" || target == mp || target.starts_with(&format!("{mp}/"))))
        .max_by_key(|m| m.mount_path.len());
    let on = match mount.and_then(|m| pod.spec.volumes.iter().find(|v| v.name == m.name)) {
        Some(v) => match &v.persistent_volume_claim {
            Some(pvc) => format!(" (the volume {}, claim {})", v.name, pvc.claim_name),
            None => format!(" (the volume {})", v.name),
        },
        None => String::new(),
    };
    let head = format!("{server} answers {} {} for {path}", r.status, r.reason);
    match r.status {
        403 => format!("{head}: {target}{on} has no index.html"),
        404 => format!("{head}: {target}{on} does not exist"),
        _ => head,
    }
}

/// A curl failure, with curl's exit code and message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CurlError {
    /// curl's exit status (6: could not resolve, 7: could not connect).
    pub code: i32,
    /// `curl: (7) Failed to connect to web-0.nginx port 80 after 0 ms: Couldn't connect to server`.
    pub message: String,
}

/// `curl http://<host>[:port]/<path>` run inside the pod `from`. The host resolves as
/// getaddrinfo does in the images (`hosts: files dns` in nsswitch.conf): the pod's
/// kubelet-managed `/etc/hosts` first (`localhost`, the pod's own hostname and FQDN), then
/// cluster DNS through its resolv.conf (search list, ndots). A loopback address (127.0.0.0/8,
/// `::1`) is the pod's own network namespace: whichever of its containers listens on the port.
/// Otherwise the address is a pod, or a Service's ClusterIP (its first ready endpoint).
pub fn curl(c: &Cluster, from: &Pod, url: &str) -> Result<Response, CurlError> {
    let namespace = from.metadata.namespace.as_str();
    let rest = url.strip_prefix("http://").unwrap_or(url);
    let (hostport, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    // `[::1]:8080`: an IPv6 literal is bracketed (RFC 3986).
    let (host, port) = match hostport.strip_prefix('[').and_then(|h| h.split_once(']')) {
        Some((h, p)) => (h, p.strip_prefix(':').map_or(80, |p| p.parse::<i32>().unwrap_or(-1))),
        None => match hostport.rsplit_once(':') {
            Some((h, p)) => (h, p.parse::<i32>().unwrap_or(-1)),
            None => (hostport, 80),
        },
    };
    let refused = || CurlError {
        code: 7,
        message: format!("curl: (7) Failed to connect to {host} port {port} after 0 ms: Couldn't connect to server"),
    };
    let is_ip = host.contains(':') || host.split('.').count() == 4 && host.split('.').all(|p| p.parse::<u8>().is_ok());
    let ips = if is_ip {
        vec![host.to_string()]
    } else if let Some(ip) = super::kubelet::etc::hosts_lookup(c, from, host) {
        vec![ip]
    } else {
        let l = dns::lookup(c, namespace, host, QType::A);
        let ips = l.addresses();
        if ips.is_empty() {
            return Err(CurlError { code: 6, message: format!("curl: (6) Could not resolve host: {host}") });
        }
        ips
    };
    let ip = &ips[0];
    if ip.starts_with("127.") || ip == "::1" {
        if port != 80 {
            return Err(refused());
        }
        return serve(c, from, path).map_err(|_| refused());
    }
    let ip = &ips[0];
    let (pod, target_port) = match pod_by_ip(c, ip) {
        Some(p) => (p, port),
        // kube-proxy sends a ClusterIP's port to an endpoint's port of the same name: the
        // EndpointSlice's resolved targetPort (a named targetPort is the pod's container port
        // of that name).
        None => match service_by_ip(c, ip) {
            Some((svc, Some((p, ports)))) => {
                let Some(sp) = svc.spec.ports.iter().find(|x| x.port == port) else { return Err(refused()) };
                let Some(tp) = ports.iter().find(|x| x.name == sp.name).map(|x| x.port) else { return Err(refused()) };
                (p, tp)
            }
            _ => return Err(refused()),
        },
    };
    if target_port != 80 {
        return Err(refused());
    }
    serve(c, &pod, path).map_err(|_| refused())
}

/// A Service's backend: a ready endpoint's pod and the endpoint's ports.
type Backend = (Pod, Vec<super::controllers::endpointslice::utils::Port>);

fn pod_by_ip(c: &Cluster, ip: &str) -> Option<Pod> {
    c.store.list(Kind::Pod, None).filter_map(|o| o.as_pod()).find(|p| p.status.pod_ip == ip).cloned()
}

/// The Service with this ClusterIP, and its first ready endpoint's pod with the endpoint's ports.
fn service_by_ip(c: &Cluster, ip: &str) -> Option<(super::api::Service, Option<Backend>)> {
    let svc = c.store.list(Kind::Service, None).filter_map(|o| o.as_service()).find(|s| s.spec.cluster_ip == ip)?.clone();
    let pod = dns::endpoints(c, &svc).into_iter().next().and_then(|e| {
        let p = c.store.get(Kind::Pod, &svc.metadata.namespace, &e.pod).and_then(|o| o.as_pod()).cloned()?;
        Some((p, e.ports))
    });
    Some((svc, pod))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_trees_and_versions() {
        let r = parse_image("nginx:1.27").unwrap();
        let t = image_tree(&r);
        assert!(t.read_text("/usr/share/nginx/html/index.html").unwrap().contains("Welcome to nginx!"));
        assert_eq!(nginx_version(&r), "1.27.5");
        assert_eq!(nginx_version(&parse_image("nginx:1.27.3-alpine").unwrap()), "1.27.3");
        assert!(web_root(&parse_image("busybox:1.36").unwrap()).is_none());
        let e = nginx_error(403, "Forbidden", "1.27.5");
        assert!(e.body.contains("<center><h1>403 Forbidden</h1></center>"));
    }

    use crate::engine::api::{Kind, Object};
    use crate::engine::testutil::*;

    #[test]
    fn curl_serves_default_page_403_on_empty_volume_then_written_file() {
        let mut c = cluster();
        create(&mut c, Object::Service(headless("nginx")));
        create(&mut c, Object::Pod(sts_pod("plain", "nginx", "nginx:1.27")));
        create(&mut c, Object::PersistentVolumeClaim(pvc("www-web-0", Some("standard"))));
        create(&mut c, Object::Pod(with_claim(sts_pod("web-0", "nginx", "nginx:1.27"), "www-web-0", "/usr/share/nginx/html")));
        c.settle_default();
        let from = get_pod(&c, "plain").unwrap();
        let r = curl(&c, &from, "http://plain.nginx/").unwrap();
        assert_eq!(r.status, 200);
        assert_eq!(r.body, NGINX_INDEX);
        let r = curl(&c, &from, "http://web-0.nginx/").unwrap();
        assert_eq!(r.status, 403);
        assert!(r.body.contains("<center>nginx/1.27.5</center>"));
        crate::engine::fs::write(&mut c, "default", "web-0", "nginx", "/usr/share/nginx/html/index.html", b"web-0\n", false).unwrap();
        assert_eq!(curl(&c, &from, "web-0.nginx").unwrap().body, "web-0\n");
        assert_eq!(curl(&c, &from, "http://web-0.nginx/missing").unwrap().status, 404);
        let e = curl(&c, &from, "http://web-9.nginx/").unwrap_err();
        assert_eq!(e.message, "curl: (6) Could not resolve host: web-9.nginx");
        let e = curl(&c, &from, "http://web-0.nginx:8080/").unwrap_err();
        assert_eq!(e.code, 7);
        let ip = c.store.get(Kind::Pod, "default", "web-0").and_then(|o| o.as_pod()).unwrap().status.pod_ip.clone();
        assert_eq!(curl(&c, &from, &format!("http://{ip}/")).unwrap().body, "web-0\n");
    }

    #[test]
    fn localhost_and_the_pods_own_names_resolve_through_its_etc_hosts() {
        let mut c = cluster();
        create(&mut c, Object::Service(headless("nginx")));
        create(&mut c, Object::PersistentVolumeClaim(pvc("www-web-0", Some("standard"))));
        create(&mut c, Object::Pod(with_claim(sts_pod("web-0", "nginx", "nginx:1.27"), "www-web-0", "/usr/share/nginx/html")));
        create(&mut c, Object::Pod(sts_pod("plain", "nginx", "nginx:1.27")));
        create(&mut c, Object::Pod(pod("box", "busybox:1.36")));
        c.settle_default();
        let web0 = get_pod(&c, "web-0").unwrap();
        // The tutorial: nginx answers 403 for the empty claim, then serves what was written.
        assert_eq!(curl(&c, &web0, "http://localhost/").unwrap().status, 403);
        crate::engine::fs::write(&mut c, "default", "web-0", "nginx", "/usr/share/nginx/html/index.html", b"web-0\n", false).unwrap();
        for url in ["http://localhost/", "localhost", "http://127.0.0.1/", "http://[::1]/", "http://web-0/", "http://web-0.nginx.default.svc.cluster.local/"] {
            assert_eq!(curl(&c, &web0, url).map(|r| r.body), Ok("web-0\n".to_string()), "{url}");
        }
        // Each pod's loopback is its own.
        let plain = get_pod(&c, "plain").unwrap();
        assert_eq!(curl(&c, &plain, "http://localhost/").unwrap().body, NGINX_INDEX);
        // Another pod's bare hostname is not in this pod's hosts file, and DNS does not know it
        // (web-0.default.svc.cluster.local … are not names).
        assert_eq!(curl(&c, &plain, "http://web-0/").unwrap_err().message, "curl: (6) Could not resolve host: web-0");
        // Nothing listens on the loopback of a pod without a web server, nor on another port.
        let bx = get_pod(&c, "box").unwrap();
        assert_eq!(
            curl(&c, &bx, "http://localhost/").unwrap_err().message,
            "curl: (7) Failed to connect to localhost port 80 after 0 ms: Couldn't connect to server"
        );
        assert_eq!(curl(&c, &web0, "http://localhost:8080/").unwrap_err().code, 7);
    }

    #[test]
    fn a_cluster_ip_reaches_the_named_target_port() {
        // kube-proxy forwards to the endpoint port of the same name: a named targetPort is the
        // pod's container port with that name (80), not the Service's port (8080).
        let mut c = cluster();
        let mut svc = headless("front");
        svc.spec.cluster_ip = String::new();
        svc.spec.cluster_ips.clear();
        svc.spec.ports = vec![crate::engine::api::ServicePort {
            port: 8080,
            target_port: Some(crate::engine::api::IntOrString::String("http".into())),
            ..Default::default()
        }];
        create(&mut c, Object::Service(svc));
        let mut p = sts_pod("web-0", "front", "nginx:1.27");
        p.spec.containers[0].ports = vec![crate::engine::api::ContainerPort { container_port: 80, name: "http".into(), ..Default::default() }];
        create(&mut c, Object::Pod(p));
        c.settle_default();
        let from = get_pod(&c, "web-0").unwrap();
        assert_eq!(curl(&c, &from, "http://front:8080/").unwrap().body, NGINX_INDEX);
        assert_eq!(curl(&c, &from, "http://front/").unwrap_err().code, 7);
    }

    #[test]
    fn volume_files_survive_pod_recreation_and_container_files_do_not() {
        let mut c = cluster();
        create(&mut c, Object::PersistentVolumeClaim(pvc("www-web-0", Some("standard"))));
        let p = with_claim(sts_pod("web-0", "nginx", "nginx:1.27"), "www-web-0", "/usr/share/nginx/html");
        create(&mut c, Object::Pod(p.clone()));
        c.settle_default();
        let w = crate::engine::fs::write;
        w(&mut c, "default", "web-0", "nginx", "/usr/share/nginx/html/index.html", b"kept", false).unwrap();
        w(&mut c, "default", "web-0", "nginx", "/root/notes", b"lost", false).unwrap();
        delete(&mut c, Kind::Pod, "web-0", None);
        c.settle_default();
        create(&mut c, Object::Pod(p));
        c.settle_default();
        let r = |c: &crate::engine::sim::Cluster, path: &str| crate::engine::fs::read(c, "default", "web-0", "nginx", path);
        assert_eq!(r(&c, "/usr/share/nginx/html/index.html").unwrap(), b"kept");
        assert!(r(&c, "/root/notes").is_err());
        let ls = crate::engine::fs::ls(&c, "default", "web-0", "nginx", "/usr/share/nginx/html").unwrap();
        assert_eq!(ls.len(), 1);
        assert_eq!(crate::engine::fs::rm(&mut c, "default", "web-0", "nginx", "/usr/share/nginx/html", true).unwrap_err(), "can't remove '/usr/share/nginx/html': Device or resource busy");
    }
}
