//! A field path as validation builds it (`field.Path` in
//! k8s.io/apimachinery/pkg/util/validation/field/path.go): `Child` and `Index` link onto their
//! parent and the text (`spec.containers[0].image`) is written only when an error names it, so
//! the valid fields of a pod (nearly all of them) cost no allocation.

use std::fmt;

/// One step of a field path, borrowing its parent.
#[derive(Clone, Copy, Debug)]
pub enum Path<'a> {
    /// The root (`spec`), or any prefix already written out.
    Root(&'a str),
    /// `parent.name`.
    Child(&'a Path<'a>, &'a str),
    /// `parent[i]`.
    Index(&'a Path<'a>, usize),
}

impl<'a> Path<'a> {
    /// `field.NewPath`.
    pub fn new(root: &'a str) -> Self {
        Path::Root(root)
    }

    /// `Path.Child`: `self.name`.
    pub fn child(&'a self, name: &'a str) -> Path<'a> {
        Path::Child(self, name)
    }

    /// `Path.Index`: `self[i]`.
    pub fn index(&'a self, i: usize) -> Path<'a> {
        Path::Index(self, i)
    }
}

impl fmt::Display for Path<'_> {
    /// `Path.String`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root(root) => f.write_str(root),
            Path::Child(parent, name) => write!(f, "{parent}.{name}"),
            Path::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

impl From<Path<'_>> for String {
    fn from(p: Path<'_>) -> String {
        p.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_as_upstream() {
        let spec = Path::new("spec");
        let containers = spec.child("containers");
        let first = containers.index(0);
        assert_eq!(first.child("image").to_string(), "spec.containers[0].image");
        assert_eq!(String::from(first.child("ports").index(2)), "spec.containers[0].ports[2]");
    }
}
