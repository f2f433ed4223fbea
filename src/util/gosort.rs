//! Go's `sort.Sort` (`src/sort/sort.go`, `zsortinterface.go`: pattern-defeating quicksort), for
//! the few kubectl outputs sorted with it. The sort is not stable, so elements that compare
//! equal end up in the order Go's algorithm leaves them; reproducing that order needs the same
//! algorithm step for step (insertion sort up to 12 elements, then pdqsort with its pivots,
//! partial insertion sort and pattern breaking).
//!
//! Written over `(key, index)` pairs ordered by key, so one copy is compiled whatever is sorted.

/// Sorts `items` by key as `sort.Sort` would with `Less(i, j) = key(i) < key(j)`, returning the
/// indices of `items`' elements in sorted order.
pub fn sort_indices_by_key(keys: &[i64]) -> Vec<usize> {
    let mut d = Data(keys.iter().copied().enumerate().map(|(i, k)| (k, i)).collect());
    let n = d.0.len();
    if n > 1 {
        let limit = bits_len(n);
        pdqsort(&mut d, 0, n, limit);
    }
    d.0.into_iter().map(|(_, i)| i).collect()
}

struct Data(Vec<(i64, usize)>);

impl Data {
    fn less(&self, i: usize, j: usize) -> bool {
        self.0[i].0 < self.0[j].0
    }
    fn swap(&mut self, i: usize, j: usize) {
        self.0.swap(i, j);
    }
}

/// `bits.Len(uint(n))`.
fn bits_len(n: usize) -> usize {
    (usize::BITS - n.leading_zeros()) as usize
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum Hint {
    Unknown,
    Increasing,
    Decreasing,
}

fn insertion_sort(d: &mut Data, a: usize, b: usize) {
    for i in a + 1..b {
        let mut j = i;
        while j > a && d.less(j, j - 1) {
            d.swap(j, j - 1);
            j -= 1;
        }
    }
}

fn sift_down(d: &mut Data, lo: usize, hi: usize, first: usize) {
    let mut root = lo;
    loop {
        let mut child = 2 * root + 1;
        if child >= hi {
            return;
        }
        if child + 1 < hi && d.less(first + child, first + child + 1) {
            child += 1;
        }
        if !d.less(first + root, first + child) {
            return;
        }
        d.swap(first + root, first + child);
        root = child;
    }
}

fn heap_sort(d: &mut Data, a: usize, b: usize) {
    let first = a;
    let hi = b - a;
    let mut i = (hi as isize - 1) / 2;
    while i >= 0 {
        sift_down(d, i as usize, hi, first);
        i -= 1;
    }
    let mut i = hi as isize - 1;
    while i >= 0 {
        d.swap(first, first + i as usize);
        sift_down(d, 0, i as usize, first);
        i -= 1;
    }
}

fn pdqsort(d: &mut Data, mut a: usize, mut b: usize, mut limit: usize) {
    const MAX_INSERTION: usize = 12;
    let mut was_balanced = true;
    let mut was_partitioned = true;
    loop {
        let length = b - a;
        if length <= MAX_INSERTION {
            insertion_sort(d, a, b);
            return;
        }
        if limit == 0 {
            heap_sort(d, a, b);
            return;
        }
        if !was_balanced {
            break_patterns(d, a, b);
            limit -= 1;
        }
        let (mut pivot, mut hint) = choose_pivot(d, a, b);
        if hint == Hint::Decreasing {
            reverse_range(d, a, b);
            pivot = (b - 1) - (pivot - a);
            hint = Hint::Increasing;
        }
        if was_balanced && was_partitioned && hint == Hint::Increasing && partial_insertion_sort(d, a, b) {
            return;
        }
        if a > 0 && !d.less(a - 1, pivot) {
            a = partition_equal(d, a, b, pivot);
            continue;
        }
        let (mid, already) = partition(d, a, b, pivot);
        was_partitioned = already;
        let (left, right) = (mid - a, b - mid);
        let balance_threshold = length / 8;
        if left < right {
            was_balanced = left >= balance_threshold;
            pdqsort(d, a, mid, limit);
            a = mid + 1;
        } else {
            was_balanced = right >= balance_threshold;
            pdqsort(d, mid + 1, b, limit);
            b = mid;
        }
    }
}

fn partition(d: &mut Data, a: usize, b: usize, pivot: usize) -> (usize, bool) {
    d.swap(a, pivot);
    // i and j are inclusive; j may step below a+1 (to a), never below a.
    let (mut i, mut j) = (a + 1, b - 1);
    while i <= j && d.less(i, a) {
        i += 1;
    }
    while i <= j && !d.less(j, a) {
        j -= 1;
    }
    if i > j {
        d.swap(j, a);
        return (j, true);
    }
    d.swap(i, j);
    i += 1;
    j -= 1;
    loop {
        while i <= j && d.less(i, a) {
            i += 1;
        }
        while i <= j && !d.less(j, a) {
            j -= 1;
        }
        if i > j {
            break;
        }
        d.swap(i, j);
        i += 1;
        j -= 1;
    }
    d.swap(j, a);
    (j, false)
}

fn partition_equal(d: &mut Data, a: usize, b: usize, pivot: usize) -> usize {
    d.swap(a, pivot);
    let (mut i, mut j) = (a + 1, b - 1);
    loop {
        while i <= j && !d.less(a, i) {
            i += 1;
        }
        while i <= j && d.less(a, j) {
            j -= 1;
        }
        if i > j {
            break;
        }
        d.swap(i, j);
        i += 1;
        j -= 1;
    }
    i
}

fn partial_insertion_sort(d: &mut Data, a: usize, b: usize) -> bool {
    const MAX_STEPS: usize = 5;
    const SHORTEST_SHIFTING: usize = 50;
    let mut i = a + 1;
    for _ in 0..MAX_STEPS {
        while i < b && !d.less(i, i - 1) {
            i += 1;
        }
        if i == b {
            return true;
        }
        if b - a < SHORTEST_SHIFTING {
            return false;
        }
        d.swap(i, i - 1);
        if i - a >= 2 {
            let mut j = i - 1;
            while j >= 1 {
                if !d.less(j, j - 1) {
                    break;
                }
                d.swap(j, j - 1);
                j -= 1;
            }
        }
        if b - i >= 2 {
            let mut j = i + 1;
            while j < b {
                if !d.less(j, j - 1) {
                    break;
                }
                d.swap(j, j - 1);
                j += 1;
            }
        }
    }
    false
}

fn break_patterns(d: &mut Data, a: usize, b: usize) {
    let length = b - a;
    if length >= 8 {
        // xorshift seeded with the length (sort.go `xorshift`: 13, 7, 17).
        let mut random = length as u64;
        let modulus = 1usize << bits_len(length);
        let start = a + (length / 4) * 2 - 1;
        for idx in start..=a + (length / 4) * 2 + 1 {
            random ^= random << 13;
            random ^= random >> 7;
            random ^= random << 17;
            let mut other = (random as usize) & (modulus - 1);
            if other >= length {
                other -= length;
            }
            d.swap(idx, a + other);
        }
    }
}

fn choose_pivot(d: &mut Data, a: usize, b: usize) -> (usize, Hint) {
    const SHORTEST_NINTHER: usize = 50;
    const MAX_SWAPS: usize = 4 * 3;
    let l = b - a;
    let mut swaps = 0;
    let mut i = a + l / 4;
    let mut j = a + l / 4 * 2;
    let mut k = a + l / 4 * 3;
    if l >= 8 {
        if l >= SHORTEST_NINTHER {
            i = median(d, i - 1, i, i + 1, &mut swaps);
            j = median(d, j - 1, j, j + 1, &mut swaps);
            k = median(d, k - 1, k, k + 1, &mut swaps);
        }
        j = median(d, i, j, k, &mut swaps);
    }
    match swaps {
        0 => (j, Hint::Increasing),
        MAX_SWAPS => (j, Hint::Decreasing),
        _ => (j, Hint::Unknown),
    }
}

fn order2(d: &Data, a: usize, b: usize, swaps: &mut usize) -> (usize, usize) {
    if d.less(b, a) {
        *swaps += 1;
        return (b, a);
    }
    (a, b)
}

fn median(d: &Data, a: usize, b: usize, c: usize, swaps: &mut usize) -> usize {
    let (a, b) = order2(d, a, b, swaps);
    let (b, c) = order2(d, b, c, swaps);
    let _ = c;
    let (_, b) = order2(d, a, b, swaps);
    b
}

fn reverse_range(d: &mut Data, a: usize, b: usize) {
    let (mut i, mut j) = (a, b - 1);
    while i < j {
        d.swap(i, j);
        i += 1;
        j -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_and_keeps_small_inputs_stable() {
        // Up to 12 elements sort.Sort is an insertion sort: equal keys keep their order.
        assert_eq!(sort_indices_by_key(&[3, 1, 2, 1]), [1, 3, 2, 0]);
        assert_eq!(sort_indices_by_key(&[]), Vec::<usize>::new());
        let keys: Vec<i64> = (0..300).map(|i| (i * 7919 % 13) as i64).collect();
        let order = sort_indices_by_key(&keys);
        assert!(order.windows(2).all(|w| keys[w[0]] <= keys[w[1]]));
        let mut seen = order.clone();
        seen.sort();
        assert_eq!(seen, (0..300).collect::<Vec<_>>());
    }

    #[test]
    fn equal_keys_past_twelve_follow_pdqsort() {
        // 13 equal keys: choosePivot sees no swaps (increasing hint), partialInsertionSort finds
        // the run sorted and returns: the input order stays.
        assert_eq!(sort_indices_by_key(&[5; 13]), (0..13).collect::<Vec<_>>());
        // One smaller key at the end of 13: partialInsertionSort gives up on a short slice and
        // partition moves elements, so ties do not keep their order.
        let mut keys = vec![5; 13];
        keys[12] = 1;
        // Traced by hand through zsortinterface.go: partition swaps the pivot (6) to the front,
        // then 12 with 1, and the rest is insertion-sorted in place.
        assert_eq!(sort_indices_by_key(&keys), [12, 6, 2, 3, 4, 5, 0, 7, 8, 9, 10, 11, 1]);
    }
}
