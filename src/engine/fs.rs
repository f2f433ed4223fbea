//! File contents inside the simulated cluster: a small in-memory file tree, standing in for a
//! PersistentVolume's directory on its node (kept by the provisioner, see
//! [`super::volumes::State`]) and for each container's writable root filesystem layer (kept by
//! the container runtime, see [`super::kubelet::Runtime`]).
//!
//! [`resolve`] answers "which tree does this path in this container land in?" the way the kubelet
//! mounts volumes: the mount with the longest `mountPath` prefix wins, otherwise the container's
//! own filesystem. Errors read like coreutils/busybox ones (`No such file or directory`).

use super::api::{Kind, Pod};
use super::sim::Cluster;
use std::collections::BTreeMap;

/// Largest file the playground stores, in bytes: enough for configs and small data files, small
/// enough that a browser tab never holds megabytes per volume.
pub const MAX_FILE_BYTES: usize = 64 * 1024;
/// Most bytes one tree may hold in total (a volume or a container layer).
pub const MAX_TREE_BYTES: usize = 1024 * 1024;
/// Most entries (files + directories) one tree may hold.
pub const MAX_TREE_ENTRIES: usize = 4096;

/// A filesystem error, printed like the C library's `strerror` text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FsError {
    /// ENOENT.
    NotFound,
    /// EISDIR.
    IsADirectory,
    /// ENOTDIR.
    NotADirectory,
    /// EEXIST.
    Exists,
    /// ENOTEMPTY.
    NotEmpty,
    /// ENOSPC: the playground's size limits ([`MAX_FILE_BYTES`], [`MAX_TREE_BYTES`]).
    NoSpace,
    /// EROFS: a volume mounted `readOnly`.
    ReadOnly,
    /// EINVAL: an empty or relative path.
    InvalidArgument,
}

impl FsError {
    /// The `strerror` text (`No such file or directory`).
    pub fn message(self) -> &'static str {
        match self {
            FsError::NotFound => "No such file or directory",
            FsError::IsADirectory => "Is a directory",
            FsError::NotADirectory => "Not a directory",
            FsError::Exists => "File exists",
            FsError::NotEmpty => "Directory not empty",
            FsError::NoSpace => "No space left on device",
            FsError::ReadOnly => "Read-only file system",
            FsError::InvalidArgument => "Invalid argument",
        }
    }
}

impl std::fmt::Display for FsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

/// One entry of a tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    /// A directory (its children are the entries whose path starts with it).
    Dir,
    /// A regular file and its bytes.
    File(Vec<u8>),
}

/// One listing entry of [`Tree::ls`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirEntry {
    /// Base name.
    pub name: String,
    /// Whether it is a directory.
    pub is_dir: bool,
    /// File size in bytes (0 for directories).
    pub size: usize,
}

/// An in-memory directory tree keyed by normalized absolute path (`/`, `/data`, `/data/a.txt`).
/// The root always exists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tree {
    entries: BTreeMap<String, Node>,
    bytes: usize,
}

impl Default for Tree {
    fn default() -> Self {
        let mut entries = BTreeMap::new();
        entries.insert("/".to_string(), Node::Dir);
        Tree { entries, bytes: 0 }
    }
}

/// Normalizes an absolute path: collapses `//`, resolves `.` and `..` (never above `/`).
/// Relative or empty paths are an error.
pub fn normalize(path: &str) -> Result<String, FsError> {
    if !path.starts_with('/') {
        return Err(FsError::InvalidArgument);
    }
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    Ok(format!("/{}", parts.join("/")))
}

fn parent_of(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &path[..i],
    }
}

fn base_of(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or("")
}

impl Tree {
    /// An empty tree (just `/`).
    pub fn new() -> Tree {
        Tree::default()
    }

    /// Total file bytes held.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Whether nothing but the root exists.
    pub fn is_empty(&self) -> bool {
        self.entries.len() == 1
    }

    /// The entry at a path.
    pub fn get(&self, path: &str) -> Option<&Node> {
        self.entries.get(&normalize(path).ok()?)
    }

    /// Whether a directory exists at `path`.
    pub fn is_dir(&self, path: &str) -> bool {
        matches!(self.get(path), Some(Node::Dir))
    }

    fn check_parent(&self, path: &str) -> Result<(), FsError> {
        match self.entries.get(parent_of(path)) {
            Some(Node::Dir) => Ok(()),
            Some(Node::File(_)) => Err(FsError::NotADirectory),
            None => Err(FsError::NotFound),
        }
    }

    /// Reads a file.
    pub fn read(&self, path: &str) -> Result<&[u8], FsError> {
        let p = normalize(path)?;
        match self.entries.get(&p) {
            Some(Node::File(b)) => Ok(b),
            Some(Node::Dir) => Err(FsError::IsADirectory),
            None => Err(FsError::NotFound),
        }
    }

    /// Reads a file as (lossy) UTF-8 text.
    pub fn read_text(&self, path: &str) -> Result<String, FsError> {
        self.read(path).map(|b| String::from_utf8_lossy(b).into_owned())
    }

    /// Creates or truncates a file with `data` (`>` redirection).
    pub fn write(&mut self, path: &str, data: &[u8]) -> Result<(), FsError> {
        self.put(path, data, false)
    }

    /// Appends to a file, creating it when missing (`>>` redirection).
    pub fn append(&mut self, path: &str, data: &[u8]) -> Result<(), FsError> {
        self.put(path, data, true)
    }

    fn put(&mut self, path: &str, data: &[u8], append: bool) -> Result<(), FsError> {
        let p = normalize(path)?;
        if p == "/" {
            return Err(FsError::IsADirectory);
        }
        self.check_parent(&p)?;
        let old = match self.entries.get(&p) {
            Some(Node::Dir) => return Err(FsError::IsADirectory),
            Some(Node::File(b)) => Some(b.len()),
            None => None,
        };
        let new_len = if append { old.unwrap_or(0) + data.len() } else { data.len() };
        if new_len > MAX_FILE_BYTES || self.bytes - old.unwrap_or(0) + new_len > MAX_TREE_BYTES {
            return Err(FsError::NoSpace);
        }
        if old.is_none() && self.entries.len() >= MAX_TREE_ENTRIES {
            return Err(FsError::NoSpace);
        }
        self.bytes = self.bytes - old.unwrap_or(0) + new_len;
        match self.entries.get_mut(&p) {
            Some(Node::File(b)) if append => b.extend_from_slice(data),
            _ => {
                self.entries.insert(p, Node::File(data.to_vec()));
            }
        }
        Ok(())
    }

    /// Creates a directory (`mkdir`; with `parents`, `mkdir -p`: missing parents are created and
    /// an existing directory is fine).
    pub fn mkdir(&mut self, path: &str, parents: bool) -> Result<(), FsError> {
        let p = normalize(path)?;
        match self.entries.get(&p) {
            Some(Node::Dir) if parents => return Ok(()),
            Some(_) => return Err(FsError::Exists),
            None => {}
        }
        if parents {
            let mut cur = String::new();
            for part in p.split('/').filter(|s| !s.is_empty()) {
                cur.push('/');
                cur.push_str(part);
                match self.entries.get(&cur) {
                    Some(Node::Dir) => {}
                    Some(Node::File(_)) => return Err(FsError::NotADirectory),
                    None => {
                        if self.entries.len() >= MAX_TREE_ENTRIES {
                            return Err(FsError::NoSpace);
                        }
                        self.entries.insert(cur.clone(), Node::Dir);
                    }
                }
            }
            return Ok(());
        }
        self.check_parent(&p)?;
        if self.entries.len() >= MAX_TREE_ENTRIES {
            return Err(FsError::NoSpace);
        }
        self.entries.insert(p, Node::Dir);
        Ok(())
    }

    /// Removes a file, or with `recursive` a directory and everything under it (`rm -r`).
    /// A plain `rm` of a directory is `Is a directory`.
    pub fn rm(&mut self, path: &str, recursive: bool) -> Result<(), FsError> {
        let p = normalize(path)?;
        match self.entries.get(&p) {
            None => Err(FsError::NotFound),
            Some(Node::File(b)) => {
                self.bytes -= b.len();
                self.entries.remove(&p);
                Ok(())
            }
            Some(Node::Dir) if !recursive => Err(FsError::IsADirectory),
            Some(Node::Dir) => {
                let prefix = if p == "/" { "/".to_string() } else { format!("{p}/") };
                let doomed: Vec<String> =
                    self.entries.range(prefix.clone()..).take_while(|(k, _)| k.starts_with(&prefix)).map(|(k, _)| k.clone()).collect();
                for k in doomed {
                    if let Some(Node::File(b)) = self.entries.remove(&k) {
                        self.bytes -= b.len();
                    }
                }
                if p != "/" {
                    self.entries.remove(&p);
                }
                Ok(())
            }
        }
    }

    /// Removes an empty directory (`rmdir`).
    pub fn rmdir(&mut self, path: &str) -> Result<(), FsError> {
        let p = normalize(path)?;
        match self.entries.get(&p) {
            None => Err(FsError::NotFound),
            Some(Node::File(_)) => Err(FsError::NotADirectory),
            Some(Node::Dir) if self.ls(&p).map(|v| !v.is_empty()).unwrap_or(false) || p == "/" => Err(FsError::NotEmpty),
            Some(Node::Dir) => {
                self.entries.remove(&p);
                Ok(())
            }
        }
    }

    /// Lists a directory (sorted by name), or a single file as a one-entry list, like `ls`.
    pub fn ls(&self, path: &str) -> Result<Vec<DirEntry>, FsError> {
        let p = normalize(path)?;
        match self.entries.get(&p) {
            None => Err(FsError::NotFound),
            Some(Node::File(b)) => Ok(vec![DirEntry { name: base_of(&p).to_string(), is_dir: false, size: b.len() }]),
            Some(Node::Dir) => {
                let prefix = if p == "/" { "/".to_string() } else { format!("{p}/") };
                Ok(self
                    .entries
                    .range(prefix.clone()..)
                    .take_while(|(k, _)| k.starts_with(&prefix))
                    .filter(|(k, _)| k.len() > prefix.len() && !k[prefix.len()..].contains('/'))
                    .map(|(k, n)| DirEntry {
                        name: k[prefix.len()..].to_string(),
                        is_dir: matches!(n, Node::Dir),
                        size: match n {
                            Node::File(b) => b.len(),
                            Node::Dir => 0,
                        },
                    })
                    .collect())
            }
        }
    }

    /// Every entry path under `path` (inclusive), in order: what `find` prints.
    pub fn walk(&self, path: &str) -> Result<Vec<String>, FsError> {
        let p = normalize(path)?;
        if !self.entries.contains_key(&p) {
            return Err(FsError::NotFound);
        }
        let prefix = if p == "/" { "/".to_string() } else { format!("{p}/") };
        let mut out = vec![p.clone()];
        out.extend(self.entries.range(prefix.clone()..).take_while(|(k, _)| k.starts_with(&prefix)).map(|(k, _)| k.clone()));
        out.dedup();
        Ok(out)
    }
}

/// Where a path inside a container lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// On a PersistentVolume (by PV name), at `path` relative to the volume's root.
    Volume {
        /// PV name (`pvc-<claim uid>`).
        pv: String,
        /// Path inside the volume (absolute, `/` = the volume root).
        path: String,
        /// Mounted `readOnly`.
        read_only: bool,
        /// The container's mountPath (for messages).
        mount_path: String,
    },
    /// On a pod-scoped volume that is not persistent (emptyDir, configMap, …): kept in the
    /// container's layer under this path, gone with the pod.
    Container {
        /// Pod uid.
        pod_uid: String,
        /// Container name.
        container: String,
        /// Absolute path in the container.
        path: String,
    },
}

/// Resolves `path` in `container` of `pod` to the tree that holds it: the volume mount with the
/// longest matching `mountPath` (a PVC-backed mount resolves to its bound PV), otherwise the
/// container's own filesystem. Errors: the pod or container does not exist, the path is not
/// absolute, or the claim is not bound to a volume yet.
pub fn resolve(c: &Cluster, namespace: &str, pod: &str, container: &str, path: &str) -> Result<Location, String> {
    let Some(p) = c.store.get(Kind::Pod, namespace, pod).and_then(|o| o.as_pod()) else {
        return Err(format!("pods \"{pod}\" not found"));
    };
    let path = normalize(path).map_err(|e| format!("{path}: {e}"))?;
    resolve_in(c, p, container, &path)
}

fn resolve_in(c: &Cluster, p: &Pod, container: &str, path: &str) -> Result<Location, String> {
    let Some(ctr) = p.spec.containers.iter().chain(p.spec.init_containers.iter()).find(|x| x.name == container) else {
        return Err(format!("container {container} is not valid for pod {}", p.metadata.name));
    };
    let mut best: Option<(&super::api::VolumeMount, String)> = None;
    for m in &ctr.volume_mounts {
        let Ok(mp) = normalize(&m.mount_path) else { continue };
        let inside = mp == "/" || path == mp || path.starts_with(&format!("{mp}/"));
        if inside && best.as_ref().is_none_or(|(_, b)| mp.len() > b.len()) {
            best = Some((m, mp));
        }
    }
    let container_loc = || Location::Container {
        pod_uid: p.metadata.uid.clone(),
        container: container.to_string(),
        path: path.to_string(),
    };
    let Some((m, mp)) = best else { return Ok(container_loc()) };
    let Some(vol) = p.spec.volumes.iter().find(|v| v.name == m.name) else { return Ok(container_loc()) };
    let Some(src) = &vol.persistent_volume_claim else { return Ok(container_loc()) };
    let claim = c
        .store
        .get(Kind::PersistentVolumeClaim, &p.metadata.namespace, &src.claim_name)
        .and_then(|o| o.as_pvc())
        .ok_or_else(|| format!("persistentvolumeclaim \"{}\" not found", src.claim_name))?;
    if claim.spec.volume_name.is_empty() {
        return Err(format!("persistentvolumeclaim \"{}\" is not bound", src.claim_name));
    }
    let rel = path.strip_prefix(mp.as_str()).unwrap_or("");
    let rel = if mp == "/" { path.to_string() } else if rel.is_empty() { "/".to_string() } else { rel.to_string() };
    let mut sub = normalize(&format!("/{}", m.sub_path)).unwrap_or_else(|_| "/".into());
    if sub != "/" {
        sub.push_str(&rel);
    } else {
        sub = rel;
    }
    Ok(Location::Volume {
        pv: claim.spec.volume_name.clone(),
        path: normalize(&sub).unwrap_or_else(|_| "/".into()),
        read_only: m.read_only == Some(true) || src.read_only == Some(true),
        mount_path: mp,
    })
}

/// The tree a location lives in, if it exists (a container's layer exists while the pod runs; a
/// volume's tree exists once provisioned).
pub fn tree<'a>(c: &'a Cluster, loc: &Location) -> Option<&'a Tree> {
    match loc {
        Location::Volume { pv, .. } => c.volumes.tree(pv),
        Location::Container { pod_uid, container, .. } => c.runtime.container_fs(pod_uid, container),
    }
}

/// The path within the tree of a location.
pub fn tree_path(loc: &Location) -> &str {
    match loc {
        Location::Volume { path, .. } | Location::Container { path, .. } => path,
    }
}

fn tree_mut<'a>(c: &'a mut Cluster, loc: &Location) -> Result<&'a mut Tree, FsError> {
    match loc {
        Location::Volume { read_only: true, .. } => Err(FsError::ReadOnly),
        Location::Volume { pv, .. } => Ok(c.volumes.tree_mut(pv)),
        Location::Container { pod_uid, container, .. } => {
            c.runtime.container_fs_mut(pod_uid, container).ok_or(FsError::NotFound)
        }
    }
}

/// Reads a file as a container sees it.
pub fn read(c: &Cluster, namespace: &str, pod: &str, container: &str, path: &str) -> Result<Vec<u8>, String> {
    let loc = resolve(c, namespace, pod, container, path)?;
    let t = tree(c, &loc).ok_or_else(|| format!("{path}: {}", FsError::NotFound))?;
    t.read(tree_path(&loc)).map(|b| b.to_vec()).map_err(|e| format!("{path}: {e}"))
}

/// Writes (or with `append`, appends to) a file as a container would.
pub fn write(c: &mut Cluster, namespace: &str, pod: &str, container: &str, path: &str, data: &[u8], append: bool) -> Result<(), String> {
    let loc = resolve(c, namespace, pod, container, path)?;
    let t = tree_mut(c, &loc).map_err(|e| format!("{path}: {e}"))?;
    let r = if append { t.append(tree_path(&loc), data) } else { t.write(tree_path(&loc), data) };
    r.map_err(|e| format!("{path}: {e}"))?;
    changed(c);
    Ok(())
}

/// Files changed: web servers may answer their probes differently now.
fn changed(c: &mut Cluster) {
    super::kubelet::probes::files_changed(c);
}

/// `mkdir [-p]` as a container would.
pub fn mkdir(c: &mut Cluster, namespace: &str, pod: &str, container: &str, path: &str, parents: bool) -> Result<(), String> {
    let loc = resolve(c, namespace, pod, container, path)?;
    let t = tree_mut(c, &loc).map_err(|e| format!("{path}: {e}"))?;
    t.mkdir(tree_path(&loc), parents).map_err(|e| format!("{path}: {e}"))?;
    changed(c);
    Ok(())
}

/// `rm [-r]` as a container would. Removing a mount point itself is refused (`Device or resource
/// busy` in a real container; here reported as the directory being busy).
pub fn rm(c: &mut Cluster, namespace: &str, pod: &str, container: &str, path: &str, recursive: bool) -> Result<(), String> {
    let loc = resolve(c, namespace, pod, container, path)?;
    if let Location::Volume { path: p, mount_path, .. } = &loc {
        if p == "/" {
            return Err(format!("can't remove '{mount_path}': Device or resource busy"));
        }
    }
    let t = tree_mut(c, &loc).map_err(|e| format!("{path}: {e}"))?;
    t.rm(tree_path(&loc), recursive).map_err(|e| format!("{path}: {e}"))?;
    changed(c);
    Ok(())
}

/// `ls` as a container would.
pub fn ls(c: &Cluster, namespace: &str, pod: &str, container: &str, path: &str) -> Result<Vec<DirEntry>, String> {
    let loc = resolve(c, namespace, pod, container, path)?;
    let t = tree(c, &loc).ok_or_else(|| format!("{path}: {}", FsError::NotFound))?;
    t.ls(tree_path(&loc)).map_err(|e| format!("{path}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_read_append_and_errors() {
        let mut t = Tree::new();
        assert_eq!(t.read("/a"), Err(FsError::NotFound));
        t.write("/a", b"hi").unwrap();
        t.append("/a", b" there").unwrap();
        assert_eq!(t.read_text("/a").unwrap(), "hi there");
        assert_eq!(t.bytes(), 8);
        assert_eq!(t.write("/d/x", b"1"), Err(FsError::NotFound));
        t.mkdir("/d", false).unwrap();
        assert_eq!(t.mkdir("/d", false), Err(FsError::Exists));
        t.mkdir("/d", true).unwrap();
        t.write("/d/x", b"1").unwrap();
        assert_eq!(t.read("/d"), Err(FsError::IsADirectory));
        assert_eq!(t.write("/a/b", b"1"), Err(FsError::NotADirectory));
        assert_eq!(t.rm("/d", false), Err(FsError::IsADirectory));
        assert_eq!(t.rmdir("/d"), Err(FsError::NotEmpty));
        t.rm("/d", true).unwrap();
        assert!(t.get("/d/x").is_none());
        assert_eq!(t.bytes(), 8);
    }

    #[test]
    fn ls_lists_direct_children_only_and_paths_normalize() {
        let mut t = Tree::new();
        t.mkdir("/x/y/z", true).unwrap();
        t.write("/x/f.txt", b"abc").unwrap();
        let names: Vec<_> = t.ls("/x").unwrap().into_iter().map(|e| (e.name, e.is_dir, e.size)).collect();
        assert_eq!(names, vec![("f.txt".to_string(), false, 3), ("y".to_string(), true, 0)]);
        assert_eq!(normalize("/x//y/../f.txt").unwrap(), "/x/f.txt");
        assert_eq!(normalize("/..").unwrap(), "/");
        assert_eq!(normalize("rel"), Err(FsError::InvalidArgument));
        assert_eq!(t.walk("/x").unwrap(), vec!["/x", "/x/f.txt", "/x/y", "/x/y/z"]);
    }

    #[test]
    fn limits_are_enforced() {
        let mut t = Tree::new();
        assert_eq!(t.write("/big", &vec![0u8; MAX_FILE_BYTES + 1]), Err(FsError::NoSpace));
        t.write("/ok", &vec![0u8; MAX_FILE_BYTES]).unwrap();
        assert_eq!(t.append("/ok", b"x"), Err(FsError::NoSpace));
    }
}
