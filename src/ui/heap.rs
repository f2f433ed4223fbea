//! The browser build's heap: talc (the allocator) over WebAssembly memory that grows
//! geometrically, the way an operating system's allocator asks for address space in large
//! pieces, instead of one 64 KiB page at a time.
//!
//! talc's own `WasmGrowAndExtend` grows the memory by just what the failed allocation needs,
//! usually one page. A step that creates 1,000 pods and claims allocates tens of megabytes, so
//! that was hundreds of `memory.grow`s in one step; each one also detaches the JavaScript views
//! of the memory, and a trace put about a third of such a step in growing and allocating.
//! Growing by a quarter of the heap (at least 1 MiB) makes that a handful. Pages the engine has
//! not written yet cost the browser nothing but address space.
//!
//! Until they are first written: then the operating system supplies each 4 KiB page, and in a
//! virtual machine that costs microseconds a page. The step that creates 900 pods grows the heap
//! by ~8 MB; with those pages written beforehand it took ~2.5 ms less (37.2 against 39.5 ms,
//! medians of six page loads each way, the step clicked half a second after the command). [`warm`] writes the pages ahead of need, while the browser is idle after a frame,
//! sized by the work the cluster has pending ([`bytes_for_pods`]).

use core::alloc::Layout;
use core::arch::wasm32::memory_grow;
use core::ptr::NonNull;

use talc::base::binning::Binning;
use talc::base::Talc;

/// A page of the operating system's memory: the unit [`warm`] writes to.
const OS_PAGE: usize = 4096;
/// Heap the browser build takes per pod a step creates: the pod, its claim, their store entries,
/// events and indexes, the step's history (~8.7 KB measured: the 1,000-pod example's burst of
/// ~900 pods grew the heap by 7.8 MB).
pub const BYTES_PER_NEW_POD: usize = 9 * 1024;
/// The least [`bytes_for_pods`] asks for: the step after an ordinary command.
const MIN_WARM: usize = 1 << 20;
/// The most: a memory cost every visitor with a large pending scale-up pays.
const MAX_WARM: usize = 32 << 20;

/// Heap to keep warm while `pods` pods are yet to be created.
pub fn bytes_for_pods(pods: usize) -> usize {
    pods.saturating_mul(BYTES_PER_NEW_POD).clamp(MIN_WARM, MAX_WARM)
}

/// Makes `bytes` of free heap resident: allocates one block (growing the memory if the heap has
/// no such free run), writes a byte of each page, and frees it. The allocator then serves the
/// next step's objects from pages already written. Writing a page that is already resident is a
/// plain store, so calling this after every frame costs a few microseconds once warm.
pub fn warm(bytes: usize) {
    let mut block: Vec<u8> = Vec::new();
    if block.try_reserve_exact(bytes).is_err() {
        return;
    }
    let spare = block.spare_capacity_mut();
    for page in spare.chunks_mut(OS_PAGE) {
        page[0].write(0);
    }
    // The writes are the point: keep the optimizer from dropping them with the unread block.
    core::hint::black_box(spare);
}

/// A WebAssembly page.
const PAGE: usize = 64 * 1024;
/// The least the memory grows by: 16 pages (1 MiB).
const MIN_GROWTH_PAGES: usize = 16;

/// Pages to grow by when an allocation of `layout` failed on a heap of `current_pages`: enough
/// for the allocation with talc's bookkeeping and alignment, and at least a quarter of the heap.
pub fn growth_pages(layout: Layout, current_pages: usize) -> usize {
    // talc's chunk header, tag and alignment padding fit in the extra 64 bytes plus `align`.
    let needed = (layout.size() + layout.align() + 64).div_ceil(PAGE);
    needed.max(current_pages / 4).max(MIN_GROWTH_PAGES)
}

/// talc's `WasmGrowAndExtend` with [`growth_pages`] as its growth: one heap that each growth
/// extends (the memory only ever grows at its end, so the new pages follow the heap).
#[derive(Debug, Default)]
pub struct GrowingHeap {
    /// The heap's end, once it has one.
    end: Option<NonNull<u8>>,
}

impl GrowingHeap {
    /// A source with no heap yet: the first allocation makes one.
    pub const fn new() -> Self {
        GrowingHeap { end: None }
    }
}

// SAFETY: as talc's `WasmGrowAndExtend` (talc 5, src/wasm.rs), which this follows line for line
// but for the size of a growth: it never allocates, and it hands talc only memory that
// `memory.grow` just added, which nothing else uses.
unsafe impl talc::source::Source for GrowingHeap {
    fn acquire<B: Binning>(talc: &mut Talc<Self, B>, layout: Layout) -> Result<(), ()> {
        let current = core::arch::wasm32::memory_size::<0>();
        let delta = growth_pages(layout, current);
        let prev_end = match memory_grow::<0>(delta) {
            usize::MAX => return Err(()),
            prev => prev,
        };
        let new_base = (prev_end * PAGE) as *mut u8;
        let new_bytes = delta * PAGE;
        if let Some(old_end) = talc.source.end.take() {
            if old_end.as_ptr() == new_base {
                // SAFETY: `old_end` is the end of the heap talc has, and the pages from it to
                // `new_base + new_bytes` were just added to the memory.
                talc.source.end = Some(unsafe { talc.extend(old_end, new_base.wrapping_add(new_bytes)) });
                return Ok(());
            }
        }
        // SAFETY: the pages were just added to the memory and belong to nothing else.
        talc.source.end = unsafe { talc.claim(new_base, new_bytes) };
        Ok(())
    }
}
