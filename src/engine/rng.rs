//! Seeded randomness (SplitMix64): IPs, PV names, jitter. Same seed, same run.

use super::store::splitmix64;

/// A small deterministic generator. Cloned with the cluster, so replays repeat it exactly.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng { state: seed }
    }

    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        splitmix64(self.state)
    }

    /// Uniform in `lo..=hi` (returns `lo` when the range is empty).
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        lo + self.next_u64() % (hi - lo + 1)
    }

    /// `n` lowercase hex digits.
    pub fn hex(&mut self, n: usize) -> String {
        let mut s = String::with_capacity(n);
        while s.len() < n {
            s.push_str(&format!("{:016x}", self.next_u64()));
        }
        s.truncate(n);
        s
    }

    /// `n` characters from Kubernetes' `rand.String` alphabet ("bcdfghjklmnpqrstvwxz2456789").
    pub fn k8s_string(&mut self, n: usize) -> String {
        let mut s = String::with_capacity(n);
        self.push_k8s_string(&mut s, n);
        s
    }

    /// [`Rng::k8s_string`] appended to `s` (a generated name's suffix, without a String of its own).
    pub fn push_k8s_string(&mut self, s: &mut String, n: usize) {
        const ALPHA: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
        s.extend((0..n).map(|_| ALPHA[(self.next_u64() % ALPHA.len() as u64) as usize] as char));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence() {
        let (mut a, mut b) = (Rng::new(42), Rng::new(42));
        for _ in 0..10 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
        assert_eq!(a.hex(12).len(), 12);
        let r = a.range(5, 7);
        assert!((5..=7).contains(&r));
        assert_eq!(a.range(9, 3), 9);
    }
}
