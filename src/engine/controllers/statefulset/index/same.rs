//! Test support: whether an index kept up to date equals one built from scratch.

use super::{Member, SetIndex};

impl SetIndex {
    /// Whether two indexes hold the same members and the same facts in every index (tests: an
    /// index kept up to date must equal one built from scratch).
    pub(in crate::engine::controllers::statefulset) fn same_as(&self, other: &SetIndex) -> bool {
        let member = |m: &Member| (m.ordinal, m.facts.clone(), m.pod.metadata.resource_version.clone());
        let members = |ix: &SetIndex| crate::util::sort::btree_map(ix.members.iter().map(|(n, m)| (n.clone(), member(m))));
        // Two pods at one ordinal are listed in the order they came (the index then hands over
        // to the reference loop, which lists pods by name).
        let at = |ix: &SetIndex| -> Vec<(i64, Vec<String>)> {
            let mut v: Vec<(i64, Vec<String>)> =
                ix.at.iter().map(|(o, names)| (*o, crate::util::sort::btree_set(names.iter().cloned()).into_iter().collect())).collect();
            crate::util::sort::sort(&mut v);
            v
        };
        let revisions = |ix: &SetIndex| -> Vec<_> {
            ix.revisions.iter().map(|(r, o)| (r.clone(), o.all.clone(), o.not_terminating.clone(), o.counted)).collect()
        };
        members(self) == members(other)
            && at(self) == at(other)
            && self.needs_claim == other.needs_claim
            && (self.odd, self.duplicates, self.created, self.running_ready) == (other.odd, other.duplicates, other.created, other.running_ready)
            && self.set_claims == other.set_claims
            && self.present == other.present
            && self.monotonic_visits == other.monotonic_visits
            && self.burst_visits == other.burst_visits
            && self.unavailable == other.unavailable
            && self.ready_times == other.ready_times
            && self.ready_untimed == other.ready_untimed
            && self.not_terminating == other.not_terminating
            && self.claims_to_fix_condemned == other.claims_to_fix_condemned
            && revisions(self) == revisions(other)
    }
}
