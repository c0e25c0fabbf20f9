//! CPU time of the calling thread, as Linux reports it, for benchmarks.

/// Nanoseconds of CPU the calling thread has used, from `/proc/thread-self/schedstat`, where
/// the system reports it.
pub fn thread_cpu_nanos() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}
