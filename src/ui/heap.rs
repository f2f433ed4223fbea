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

use core::alloc::Layout;
use core::arch::wasm32::memory_grow;
use core::ptr::NonNull;

use talc::base::binning::Binning;
use talc::base::Talc;

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
