//! The hasher of the engine's internal hash maps (no Kubernetes counterpart).

/// Builds [`rustc_hash::FxHasher`]s: deterministic (no random seed) and much cheaper than std's
/// SipHash on the short keys the engine hashes (names, uids, object keys). Maps built with it are
/// lookup indexes only: nothing iterates one into output, so its order never shows.
pub type FastBuildHasher = rustc_hash::FxBuildHasher;

/// A `HashMap` with [`FastBuildHasher`].
pub type FastMap<K, V> = std::collections::HashMap<K, V, FastBuildHasher>;

/// A `HashSet` with [`FastBuildHasher`].
pub type FastSet<K> = std::collections::HashSet<K, FastBuildHasher>;

/// A 64-bit FNV-1a hash of a string: the same on every target (FxHash is 32-bit on wasm32), so a
/// set of hashes behaves the same in the browser as in the CLI.
pub fn hash_str(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_str_is_fnv1a_64() {
        // Reference values of FNV-1a 64.
        assert_eq!(hash_str(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(hash_str("a"), 0xaf63_dc4c_8601_ec8c);
        assert_ne!(hash_str("create Pod web-1"), hash_str("create Pod web-2"));
    }
}
