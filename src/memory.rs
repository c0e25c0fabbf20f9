//! The process's memory use, as Linux reports it, for benchmarks.

/// The peak resident memory of this process so far, in bytes (`VmHWM`), where the system
/// reports it.
pub fn peak_resident_bytes() -> Option<u64> {
    read_status_kib("VmHWM:").map(|kib| kib * 1024)
}

/// The resident memory of this process now, in bytes (`VmRSS`).
pub fn resident_bytes() -> Option<u64> {
    read_status_kib("VmRSS:").map(|kib| kib * 1024)
}

/// Starts a new peak: after this, [`peak_resident_bytes`] reports the peak since now. Returns
/// whether the system allowed it (Linux 4.0 and later do).
pub fn reset_peak_resident() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// A `kB` field of `/proc/self/status`.
fn read_status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line[field.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}
