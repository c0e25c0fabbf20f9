//! Tuning of candle's own CPU worker threads.
//!
//! Besides rayon's pool, candle 0.11 runs its element-wise operations (the sums of gradients in
//! backpropagation, the optimizer's steps) on a second pool of worker threads. After each such
//! operation a worker busy-waits for 25,000 rounds before it sleeps, while rayon's threads
//! already need both cores for the next convolution. On a 2-core machine that spinning cost
//! about an eighth of a training step (`facelab bench train --preset classic`: 1,000-1,050
//! faces/s with the default, 1,150-1,180 with a short spin; measured December 2026).

/// How long candle's workers spin before sleeping, unless the user chose otherwise.
const CANDLE_SPIN_ROUNDS: &str = "200";

/// Shortens the busy-wait of candle's element-wise worker threads (the environment variable
/// `CANDLE_BARRIER_POOL_SPIN_LIMIT`, which candle reads when it first starts them), unless the
/// variable is set already.
///
/// # Safety
/// Changes the process environment: call it at the start of `main`, before any other thread
/// runs.
pub unsafe fn shorten_candle_worker_spin() {
    const VARIABLE: &str = "CANDLE_BARRIER_POOL_SPIN_LIMIT";
    if std::env::var_os(VARIABLE).is_none() {
        // SAFETY: the caller guarantees that no other thread reads or writes the environment.
        unsafe { std::env::set_var(VARIABLE, CANDLE_SPIN_ROUNDS) };
    }
}
