//! Channels-last (NHWC) kernels for the CPU, as candle custom ops with their gradients.
//!
//! candle's own CPU convolution is fast forward but slow backward (a direct transposed
//! convolution for the input gradient, a tiled convolution for the kernel gradient). Here a
//! convolution is an [`Im2Col`] copy followed by one large matrix product, so the forward and
//! both gradients run in candle's tuned `gemm`; [`Col2Im`] is the gradient of the copy. In the
//! channels-last layout the product's output is already the next layer's input, with no
//! transposition. [`MaxPool2`] pools 2 x 2 windows in the same layout.
//!
//! These ops have no GPU kernels: on CUDA the network uses candle's own NCHW operations.

mod im2col;
mod max_pool;

pub use im2col::{Col2Im, Im2Col};
pub use max_pool::{MaxPool2, MaxPool2Grad};

use candle_core::{CpuStorage, Layout, Result};

/// The `f32` values of a contiguous tensor's storage.
fn contiguous_f32<'a>(storage: &'a CpuStorage, layout: &Layout, op: &str) -> Result<&'a [f32]> {
    let CpuStorage::F32(values) = storage else {
        candle_core::bail!("{op} takes f32 tensors");
    };
    let Some((start, end)) = layout.contiguous_offsets() else {
        candle_core::bail!("{op} takes contiguous tensors");
    };
    Ok(&values[start..end])
}

/// The four dimensions of an NHWC tensor.
fn dims4(layout: &Layout, op: &str) -> Result<(usize, usize, usize, usize)> {
    match layout.dims() {
        &[b, h, w, c] => Ok((b, h, w, c)),
        other => candle_core::bail!("{op} takes [batch, height, width, channels], not {other:?}"),
    }
}
