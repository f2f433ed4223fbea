//! The playground's own resource limits: what a browser tab can hold. These are *not* Kubernetes
//! limits; every error that one of them causes says so and names the limit, so a learner never
//! mistakes a playground guard for real API server behaviour.

/// Largest manifest file accepted, in bytes. The real API server refuses request bodies over
/// 3 MiB (`MaxRequestBodyBytes`) and etcd objects over 1.5 MiB; a learner's manifest is far
/// smaller, and parsing more than this in a browser tab freezes the page.
pub const MAX_MANIFEST_BYTES: usize = 1024 * 1024;

/// Most YAML documents (`---` separated) in one file.
pub const MAX_DOCUMENTS_PER_FILE: usize = 500;

/// Most YAML nodes one document may expand to, counting every alias expansion. Stops a
/// "billion laughs" alias bomb (each level doubling the tree) after a few milliseconds instead
/// of exhausting memory. Real manifests have a few hundred nodes.
pub const MAX_YAML_NODES: usize = 200_000;

/// Deepest nesting of mappings and sequences in a document. A pod template is about 12 levels
/// deep; this protects the recursive decoders from a stack overflow on hostile input.
pub const MAX_NESTING_DEPTH: usize = 100;

/// Largest `spec.replicas` the playground simulates. Kubernetes accepts any int32 ≥ 0; a browser
/// tab holds about this many simulated pods (plus their PVCs and events) before it slows down.
pub const MAX_REPLICAS: i32 = 10_000;

/// Most objects the simulated cluster stores (pods, PVCs, PVs, events, revisions, …).
pub const MAX_OBJECTS: usize = 100_000;

/// The message for a limit that was hit: names the limit, its value, and makes clear it is the
/// playground's, not Kubernetes'.
pub fn exceeded(what: &str, limit_name: &str, limit: impl std::fmt::Display) -> String {
    format!(
        "{what}: exceeds the playground limit {limit_name} = {limit} (a limit of this simulator to keep the browser \
         responsive, not a Kubernetes limit)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_messages_name_the_limit_and_say_whose_it_is() {
        let m = exceeded("spec.replicas 50000", "MAX_REPLICAS", MAX_REPLICAS);
        assert!(m.contains("MAX_REPLICAS = 10000"));
        assert!(m.contains("not a Kubernetes limit"));
    }
}
