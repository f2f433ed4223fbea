//! The hasher of the engine's internal hash maps (no Kubernetes counterpart).

/// Builds [`rustc_hash::FxHasher`]s: deterministic (no random seed) and much cheaper than std's
/// SipHash on the short keys the engine hashes (names, uids, object keys). Maps built with it are
/// lookup indexes only: nothing iterates one into output, so its order never shows.
pub type FastBuildHasher = rustc_hash::FxBuildHasher;

/// A `HashMap` with [`FastBuildHasher`].
pub type FastMap<K, V> = std::collections::HashMap<K, V, FastBuildHasher>;

/// A `HashSet` with [`FastBuildHasher`].
pub type FastSet<K> = std::collections::HashSet<K, FastBuildHasher>;
