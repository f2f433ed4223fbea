//! The kubelet's probe runner (`pkg/kubelet/prober/prober.go` `runProbe`, with
//! `pkg/probe/http` for `httpGet`): what a probe's handler answers.
//!
//! The playground knows what serves a port in one case only: the nginx/httpd images' web server
//! on port 80 ([`crate::engine::webserver`]). An `httpGet` probe of such a container on that port
//! gets the server's real answer: `DoHTTPProbe` (`pkg/probe/http/http.go`) succeeds for a status
//! from 200 to 399 and otherwise fails with "HTTP probe failed with statuscode: N"; a redirect to
//! the same host is followed (`RedirectChecker`), which nginx's 301 for a directory without its
//! trailing slash is. So the StatefulSet tutorial's nginx, whose web root is an empty claim,
//! answers 403 and is never Ready until something writes `index.html`. A `tcpSocket` probe of
//! that port connects (nginx listens, whatever it answers). Every other probe — another image,
//! another port, `exec`, `grpc`, an `httpGet` with its own `host` or `scheme: HTTPS` — answers as
//! the playground's healthy apps always do, unless a fault says otherwise.

use crate::engine::api::{Container, Pod, Probe};
use crate::engine::kubelet::runtime::{parse_image, ImageRef};
use crate::engine::sim::Cluster;
use crate::engine::webserver;

/// A failed probe: the kubelet's event text and the plain-words cause for the why panel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// What `runProbe` reports (`HTTP probe failed with statuscode: 403`).
    pub message: String,
    /// Why, in plain words (`nginx answers 403 Forbidden for /: … has no index.html`).
    pub why: String,
}

/// `probe.ResolveContainerPort`: a number, or the name of one of the container's ports (a
/// string that names none is tried as a number). None when it resolves to no valid port.
pub fn resolve_port(port: &serde_json::Value, ctr: &Container) -> Option<i32> {
    let n = match port {
        serde_json::Value::Number(n) => n.as_i64()?,
        serde_json::Value::String(s) => match ctr.ports.iter().find(|p| p.name == *s) {
            Some(p) => p.container_port as i64,
            None => s.parse().ok()?,
        },
        _ => return None,
    };
    (1..65536).contains(&n).then_some(n as i32)
}

/// The path an `httpGet` probe of `ctr` requests from its own web server on port 80, if the
/// playground knows what answers it (see the module doc); with the server's image.
pub fn web_probe(ctr: &Container, probe: &Probe) -> Option<(String, ImageRef)> {
    let h = probe.http_get.as_deref()?;
    let image = parse_image(&ctr.image).ok().filter(|r| webserver::web_root(r).is_some())?;
    let other_host = h.get("host").and_then(|v| v.as_str()).is_some_and(|s| !s.is_empty());
    let https = h.get("scheme").and_then(|v| v.as_str()).is_some_and(|s| s.eq_ignore_ascii_case("https"));
    if other_host || https || resolve_port(h.get("port")?, ctr) != Some(80) {
        return None;
    }
    // `formatURL`: an empty path is the root.
    let path = h.get("path").and_then(|v| v.as_str()).unwrap_or("");
    let path = if path.is_empty() { "/".to_string() } else if path.starts_with('/') { path.to_string() } else { format!("/{path}") };
    Some((path, image))
}

/// What the web server answers an `httpGet` probe of `ctr` (a running container of `pod`): None
/// when the playground does not know what serves the probe (the probe then answers as always),
/// else success or the failure (`DoHTTPProbe`).
pub fn answer(c: &Cluster, pod: &Pod, ctr: &Container, probe: &Probe) -> Option<Result<(), Failure>> {
    let (path, image) = web_probe(ctr, probe)?;
    let mut r = webserver::serve_from(c, pod, ctr, &image, &path).ok()?;
    let mut asked = path.clone();
    // nginx's 301 for a directory points at the same host with a slash: the prober follows it
    // (`RedirectChecker` stops only at another host, or after 10 redirects).
    if r.status == 301 && !asked.ends_with('/') {
        asked.push('/');
        r = webserver::serve_from(c, pod, ctr, &image, &asked).ok()?;
    }
    if (200..400).contains(&r.status) {
        return Some(Ok(()));
    }
    // pkg/probe/http/http.go DoHTTPProbe: the failure message carries only the status code.
    Some(Err(Failure { message: format!("HTTP probe failed with statuscode: {}", r.status), why: webserver::explain(pod, ctr, &image, &asked, &r) }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::api::{ContainerPort, Object};
    use crate::engine::testutil::*;

    fn http(v: serde_json::Value) -> Probe {
        Probe { http_get: Some(v.into()), ..Default::default() }
    }

    #[test]
    fn ports_resolve_by_number_or_container_port_name() {
        let mut x = Container { name: "nginx".into(), image: "nginx:1.27".into(), ..Default::default() };
        x.ports = vec![ContainerPort { name: "web".into(), container_port: 80, ..Default::default() }];
        assert_eq!(resolve_port(&serde_json::json!(80), &x), Some(80));
        assert_eq!(resolve_port(&serde_json::json!("web"), &x), Some(80));
        assert_eq!(resolve_port(&serde_json::json!("8080"), &x), Some(8080));
        assert_eq!(resolve_port(&serde_json::json!("metrics"), &x), None);
        assert_eq!(resolve_port(&serde_json::json!(0), &x), None);
        assert!(web_probe(&x, &http(serde_json::json!({"port": "web"}))).is_some_and(|(p, _)| p == "/"));
        // Another port, another host, HTTPS, another image: not the web server the playground knows.
        assert!(web_probe(&x, &http(serde_json::json!({"port": 8080}))).is_none());
        assert!(web_probe(&x, &http(serde_json::json!({"port": 80, "host": "example.com"}))).is_none());
        assert!(web_probe(&x, &http(serde_json::json!({"port": 80, "scheme": "HTTPS"}))).is_none());
        x.image = "busybox:1.36".into();
        assert!(web_probe(&x, &http(serde_json::json!({"port": 80}))).is_none());
    }

    #[test]
    fn the_web_server_answers_the_probe() {
        let mut c = cluster();
        create(&mut c, Object::PersistentVolumeClaim(pvc("www-web-0", Some("standard"))));
        create(&mut c, Object::Pod(with_claim(sts_pod("web-0", "nginx", "nginx:1.27"), "www-web-0", "/usr/share/nginx/html")));
        c.settle_default();
        let p = get_pod(&c, "web-0").unwrap();
        let x = p.spec.containers[0].clone();
        let root = http(serde_json::json!({"path": "/", "port": 80}));
        let e = answer(&c, &p, &x, &root).unwrap().unwrap_err();
        assert_eq!(e.message, "HTTP probe failed with statuscode: 403");
        let vol = &p.spec.containers[0].volume_mounts[0].name;
        assert_eq!(e.why, format!("nginx answers 403 Forbidden for /: /usr/share/nginx/html (the volume {vol}, claim www-web-0) has no index.html"));
        let missing = answer(&c, &p, &x, &http(serde_json::json!({"path": "/healthz", "port": 80}))).unwrap().unwrap_err();
        assert_eq!(missing.message, "HTTP probe failed with statuscode: 404");
        crate::engine::fs::write(&mut c, "default", "web-0", "nginx", "/usr/share/nginx/html/index.html", b"web-0\n", false).unwrap();
        assert_eq!(answer(&c, &p, &x, &root), Some(Ok(())));
        // A directory without its slash: nginx's 301 is followed to the directory's answer.
        crate::engine::fs::mkdir(&mut c, "default", "web-0", "nginx", "/usr/share/nginx/html/app", false).unwrap();
        let dir = answer(&c, &p, &x, &http(serde_json::json!({"path": "/app", "port": 80}))).unwrap().unwrap_err();
        assert_eq!(dir.message, "HTTP probe failed with statuscode: 403");
        assert!(dir.why.starts_with("nginx answers 403 Forbidden for /app/: /usr/share/nginx/html/app (the volume"), "{}", dir.why);
        // Not a port the playground knows: no answer of its own.
        assert_eq!(answer(&c, &p, &x, &http(serde_json::json!({"path": "/", "port": 8080}))), None);
    }
}
