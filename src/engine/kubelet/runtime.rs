//! The container runtime side of a node (containerd behind the CRI): image references and
//! pulls (serialized per node, as the kubelet's default `serializeImagePulls: true`), pod IPs
//! from the node's podCIDR (host-local IPAM: sequential, wrapping), container and image IDs, and
//! which image families handle SIGTERM.

use crate::engine::api::Time;
use crate::engine::store::splitmix64;

/// An image reference as containerd normalizes it (`nginx` → `docker.io/library/nginx:latest`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef {
    /// Registry host (`docker.io`).
    pub registry: String,
    /// Repository path (`library/nginx`).
    pub repository: String,
    /// Tag (`latest` when none was given and no digest).
    pub tag: String,
    /// Digest (`sha256:…`) when pinned.
    pub digest: String,
}

impl ImageRef {
    /// `docker.io/library/nginx:1.27` (what `status.containerStatuses[].image` shows).
    pub fn full(&self) -> String {
        if !self.digest.is_empty() {
            return format!("{}/{}@{}", self.registry, self.repository, self.digest);
        }
        format!("{}/{}:{}", self.registry, self.repository, self.tag)
    }

    /// The last path element (`nginx`), for image-family decisions.
    pub fn short_name(&self) -> &str {
        self.repository.rsplit('/').next().unwrap_or(&self.repository)
    }

    /// `docker.io/library/nginx@sha256:<digest>` (`imageID`): the digest is derived from the
    /// reference, so the same reference always has the same ID.
    pub fn image_id(&self) -> String {
        if !self.digest.is_empty() {
            return self.full();
        }
        let h = hash(&self.full());
        let mut hex = String::new();
        let mut x = h;
        while hex.len() < 64 {
            x = splitmix64(x);
            hex.push_str(&format!("{x:016x}"));
        }
        hex.truncate(64);
        format!("{}/{}@sha256:{hex}", self.registry, self.repository)
    }

    /// Compressed image size in bytes, as `Pulled` reports it: typical figures per image family,
    /// varied a little per tag.
    pub fn size_bytes(&self) -> u64 {
        let base: u64 = match self.short_name() {
            n if n.starts_with("nginx") => 72_000_000,
            "busybox" => 2_200_000,
            "alpine" => 3_600_000,
            "postgres" => 158_000_000,
            "redis" => 45_000_000,
            "mysql" | "mariadb" => 170_000_000,
            "mongo" => 290_000_000,
            "httpd" => 58_000_000,
            "ubuntu" => 29_000_000,
            "debian" => 49_000_000,
            "pause" => 320_000,
            _ => 40_000_000 + hash(&self.repository) % 80_000_000,
        };
        base + hash(&self.full()) % (base / 20 + 1)
    }

    /// Whether the image's main process exits promptly on SIGTERM, judged by image family: the
    /// fallback of [`super::stop_signal`] for a process it does not know. Servers do; shell/base
    /// images typically run `sleep` or a shell as PID 1, which ignores SIGTERM, so the kubelet
    /// waits the whole grace period and then kills it (exit code 137).
    pub fn handles_sigterm(&self) -> bool {
        !matches!(self.short_name(), "busybox" | "alpine" | "ubuntu" | "debian" | "centos" | "fedora" | "rockylinux" | "almalinux")
    }

    /// Whether the image runs a web server serving files (nginx-like): see `webserver`.
    pub fn is_web_server(&self) -> bool {
        let n = self.short_name();
        n.starts_with("nginx") || n == "httpd" || n == "openresty"
    }
}

/// Parses an image reference the way `reference.ParseNormalizedNamed` does (enough of it to
/// reject what containerd would reject). Errors carry the parser's text.
pub fn parse_image(s: &str) -> Result<ImageRef, String> {
    if s.is_empty() || s.trim() != s || s.contains(char::is_whitespace) {
        return Err("invalid reference format".into());
    }
    let (name_tag, digest) = match s.split_once('@') {
        Some((n, d)) => {
            let ok = d.strip_prefix("sha256:").is_some_and(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()));
            if !ok {
                return Err("invalid reference format".into());
            }
            (n, d.to_string())
        }
        None => (s, String::new()),
    };
    let (name, tag) = match name_tag.rsplit_once(':') {
        Some((n, t)) if !t.contains('/') => (n, t.to_string()),
        _ => (name_tag, String::new()),
    };
    if name.is_empty() || name.ends_with('/') || name.starts_with('/') || name.contains("//") {
        return Err("invalid reference format".into());
    }
    if !tag.is_empty() || name_tag.ends_with(':') {
        let valid = !tag.is_empty()
            && tag.len() <= 128
            && tag.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-')
            && !tag.starts_with('.')
            && !tag.starts_with('-');
        if !valid {
            return Err("invalid reference format".into());
        }
    }
    let mut parts: Vec<&str> = name.split('/').collect();
    let registry = if parts.len() > 1 && (parts[0].contains('.') || parts[0].contains(':') || parts[0] == "localhost") {
        parts.remove(0).to_string()
    } else {
        "docker.io".to_string()
    };
    let repo = parts.join("/");
    if repo.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err(format!("invalid reference format: repository name ({repo}) must be lowercase"));
    }
    let component_ok = |p: &str| {
        !p.is_empty()
            && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'_' || b == b'-')
            && p.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
            && p.bytes().last().is_some_and(|b| b.is_ascii_alphanumeric())
    };
    if !parts.iter().all(|p| component_ok(p)) {
        return Err("invalid reference format".into());
    }
    let repository = if registry == "docker.io" && parts.len() == 1 { format!("library/{repo}") } else { repo };
    let tag = if tag.is_empty() && digest.is_empty() { "latest".to_string() } else { tag };
    Ok(ImageRef { registry, repository, tag, digest })
}

/// The pull policy the API server defaults when none is given: `Always` for `:latest` (or no
/// tag), `IfNotPresent` otherwise.
pub fn effective_pull_policy(spec_policy: &str, image: &str) -> String {
    if !spec_policy.is_empty() {
        return spec_policy.to_string();
    }
    let tagged = image.rsplit_once(':').is_some_and(|(_, t)| !t.contains('/')) || image.contains('@');
    let latest = !tagged || image.ends_with(":latest");
    if latest { "Always".into() } else { "IfNotPresent".into() }
}

/// containerd's error for a tag that does not exist in the registry.
pub fn not_found_error(image: &ImageRef) -> String {
    let r = image.full();
    format!("rpc error: code = NotFound desc = failed to pull and unpack image \"{r}\": failed to resolve reference \"{r}\": {r}: not found")
}

/// Go's `time.Duration.String()` for a millisecond count (`2.512s`, `850ms`, `1m20s`, `5m0s`).
pub fn go_duration(ms: u64) -> String {
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let total_secs = ms / 1000;
    let frac = ms % 1000;
    let secs_str = |s: u64| {
        if frac == 0 {
            format!("{s}s")
        } else {
            let f = format!("{frac:03}");
            format!("{s}.{}s", f.trim_end_matches('0'))
        }
    };
    if total_secs < 60 {
        return secs_str(total_secs);
    }
    let h = total_secs / 3600;
    let m = total_secs / 60 % 60;
    let s = total_secs % 60;
    if h > 0 {
        format!("{h}h{m}m{}", secs_str(s))
    } else {
        format!("{m}m{}", secs_str(s))
    }
}

/// A stable 64-bit hash of a string (FNV-1a then mixed).
pub fn hash(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    splitmix64(h)
}

/// Per-node runtime facts: pulled images, the serialized image puller, IP allocation.
#[derive(Clone, Debug, Default)]
pub struct NodeRuntime {
    /// Images present on the node (full references).
    pub images: std::collections::BTreeSet<String>,
    /// When the (serialized) image puller is free again.
    pub puller_free_at: Time,
    /// Images being pulled and when each pull finishes.
    pub pulling: crate::util::hash::FastMap<String, Time>,
    /// Next host index to try in the podCIDR.
    pub next_ip: u32,
    /// Host indexes in use.
    pub ips: HostIndexes,
}

/// The host indexes of a /24 in use, one bit each: a bitmap rather than a `BTreeSet<u32>`, whose
/// B-tree code (for this one key type) was 3.7 KB of wasm.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct HostIndexes([u64; 4]);

impl HostIndexes {
    /// Word and bit of `i`; None past the /24.
    fn slot(i: u32) -> Option<(usize, u64)> {
        (i < 256).then(|| ((i / 64) as usize, 1u64 << (i % 64)))
    }

    /// Marks `i` in use; false if it already was (or is not a host index of a /24).
    pub fn insert(&mut self, i: u32) -> bool {
        let Some((w, bit)) = Self::slot(i) else { return false };
        let fresh = self.0[w] & bit == 0;
        self.0[w] |= bit;
        fresh
    }

    /// Frees `i`; false if it was not in use.
    pub fn remove(&mut self, i: u32) -> bool {
        let Some((w, bit)) = Self::slot(i) else { return false };
        let used = self.0[w] & bit != 0;
        self.0[w] &= !bit;
        used
    }

    /// Whether `i` is in use.
    pub fn contains(&self, i: u32) -> bool {
        Self::slot(i).is_some_and(|(w, bit)| self.0[w] & bit != 0)
    }
}

/// Formats like the `BTreeSet<u32>` it replaced (`{2, 3}`).
impl std::fmt::Debug for HostIndexes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries((0..256u32).filter(|i| self.contains(*i))).finish()
    }
}

impl NodeRuntime {
    /// Allocates the next free address of a /24 pod CIDR (`10.244.1.0/24` → `10.244.1.2`, …),
    /// sequentially and wrapping like host-local IPAM. None when the range is exhausted.
    pub fn allocate_ip(&mut self, cidr: &str) -> Option<String> {
        let base = cidr.split('/').next()?;
        let octets: Vec<&str> = base.split('.').collect();
        if octets.len() != 4 {
            return None;
        }
        if self.next_ip < 2 {
            self.next_ip = 2;
        }
        for _ in 0..253 {
            let candidate = self.next_ip;
            self.next_ip = if self.next_ip >= 254 { 2 } else { self.next_ip + 1 };
            if self.ips.insert(candidate) {
                return Some(format!("{}.{}.{}.{candidate}", octets[0], octets[1], octets[2]));
            }
        }
        None
    }

    /// Returns an address to the pool.
    pub fn release_ip(&mut self, ip: &str) {
        if let Some(last) = ip.rsplit('.').next().and_then(|s| s.parse::<u32>().ok()) {
            self.ips.remove(last);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_indexes_behave_like_a_set() {
        let mut s = HostIndexes::default();
        assert!(s.insert(2) && s.insert(254) && s.insert(64) && !s.insert(2));
        assert_eq!(format!("{s:?}"), "{2, 64, 254}");
        assert!(s.remove(64) && !s.remove(64) && !s.remove(300) && !s.insert(256));
        assert!(s.contains(254) && !s.contains(3));
    }

    #[test]
    fn image_references_normalize_like_containerd() {
        assert_eq!(parse_image("nginx:1.27").unwrap().full(), "docker.io/library/nginx:1.27");
        assert_eq!(parse_image("nginx").unwrap().full(), "docker.io/library/nginx:latest");
        assert_eq!(parse_image("registry.k8s.io/pause:3.10").unwrap().full(), "registry.k8s.io/pause:3.10");
        assert_eq!(parse_image("bitnami/redis:7").unwrap().full(), "docker.io/bitnami/redis:7");
        assert!(parse_image("Nginx:1").unwrap_err().contains("must be lowercase"));
        assert!(parse_image("nginx:").is_err());
        assert!(parse_image("nginx 1.27").is_err());
        assert_eq!(parse_image("nginx:1.27").unwrap().image_id(), parse_image("nginx:1.27").unwrap().image_id());
    }

    #[test]
    fn pull_policy_defaults_and_durations() {
        assert_eq!(effective_pull_policy("", "nginx"), "Always");
        assert_eq!(effective_pull_policy("", "nginx:latest"), "Always");
        assert_eq!(effective_pull_policy("", "nginx:1.27"), "IfNotPresent");
        assert_eq!(go_duration(2512), "2.512s");
        assert_eq!(go_duration(850), "850ms");
        assert_eq!(go_duration(10_000), "10s");
        assert_eq!(go_duration(80_000), "1m20s");
        assert_eq!(go_duration(300_000), "5m0s");
    }

    #[test]
    fn ips_are_sequential_and_wrap() {
        let mut n = NodeRuntime::default();
        assert_eq!(n.allocate_ip("10.244.1.0/24").as_deref(), Some("10.244.1.2"));
        assert_eq!(n.allocate_ip("10.244.1.0/24").as_deref(), Some("10.244.1.3"));
        n.release_ip("10.244.1.2");
        assert_eq!(n.allocate_ip("10.244.1.0/24").as_deref(), Some("10.244.1.4"));
    }
}
