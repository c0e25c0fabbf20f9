//! Tuning of the system allocator for training.
//!
//! Candle allocates a fresh buffer for every intermediate tensor. With glibc's defaults, the
//! large ones are mapped and unmapped on every step, and the page faults and TLB shoot-downs
//! cost about a third of a training step on the CPU (measured, see the README). Keeping freed
//! memory in the process for reuse removes that cost; peak memory stays as it was, since the
//! same sizes come back every step.

/// Tells glibc's malloc to serve large blocks from the heap and to keep freed memory for
/// reuse instead of returning it to the system at once. Training calls it when it starts; it
/// is not set for everything, because loading a data set (whose buffers are freed once) would
/// then keep twice the memory. Does nothing on other platforms.
pub fn keep_freed_memory_for_reuse() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: mallopt only changes malloc's tunables; it is called once at start-up,
        // before other threads allocate.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, i32::MAX);
            libc::mallopt(libc::M_TRIM_THRESHOLD, i32::MAX);
            libc::mallopt(libc::M_TOP_PAD, 256 << 20);
        }
    }
}
