//! A safe front to `gemm` for row-major matrices, and read access to a CPU tensor's values.

use candle_core::{CpuStorage, Result, Storage, StorageRef, Tensor};

/// A row-major matrix operand, possibly used transposed.
#[derive(Clone, Copy)]
pub struct Operand<'a> {
    /// The values, row after row as stored.
    pub values: &'a [f32],
    /// Whether the product uses the transpose of the stored matrix.
    pub transposed: bool,
}

/// `lhs (m x k) * rhs (k x n)` as a new row-major `m x n` matrix, computed on all of rayon's
/// threads (a transposed operand is stored the other way round).
///
/// # Panics
/// If an operand is shorter than its matrix.
pub fn matmul(m: usize, n: usize, k: usize, lhs: Operand, rhs: Operand) -> Vec<f32> {
    assert!(lhs.values.len() >= m * k && rhs.values.len() >= k * n);
    if k == 0 || m == 0 || n == 0 {
        return vec![0.0; m * n];
    }
    // (column stride, row stride) of each operand as the product sees it.
    let (lhs_cs, lhs_rs) = if lhs.transposed { (m, 1) } else { (1, k) };
    let (rhs_cs, rhs_rs) = if rhs.transposed { (k, 1) } else { (1, n) };
    let threads = rayon::current_num_threads();
    let parallelism = if m * n * k < 32 * 1024 || threads < 2 {
        gemm::Parallelism::None
    } else {
        gemm::Parallelism::Rayon(threads)
    };
    let mut dst: Vec<f32> = Vec::with_capacity(m * n);
    // SAFETY: the assert above keeps every index the strides reach inside its operand; `dst`
    // has room for m * n values, and with `read_dst` false gemm writes each of them without
    // reading it, so all m * n are initialised when the length is set.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            dst.as_mut_ptr(),
            1,
            n as isize,
            false,
            lhs.values.as_ptr(),
            lhs_cs as isize,
            lhs_rs as isize,
            rhs.values.as_ptr(),
            rhs_cs as isize,
            rhs_rs as isize,
            0.0,
            1.0,
            false,
            false,
            false,
            parallelism,
        );
        dst.set_len(m * n);
    }
    dst
}

/// Read access to the `f32` values of a contiguous CPU tensor.
pub struct CpuValues<'a> {
    storage: StorageRef<'a>,
    start: usize,
    end: usize,
}

impl<'a> CpuValues<'a> {
    /// The values of `tensor`, which must be contiguous, `f32` and on the CPU.
    pub fn of(tensor: &'a Tensor) -> Result<Self> {
        let (storage, layout) = tensor.storage_and_layout();
        let Some((start, end)) = layout.contiguous_offsets() else {
            candle_core::bail!("expected a contiguous tensor");
        };
        if !matches!(&*storage, Storage::Cpu(CpuStorage::F32(_))) {
            candle_core::bail!("expected f32 values on the CPU");
        }
        Ok(Self {
            storage,
            start,
            end,
        })
    }

    /// The values.
    pub fn slice(&self) -> &[f32] {
        match &*self.storage {
            Storage::Cpu(CpuStorage::F32(values)) => &values[self.start..self.end],
            _ => &[],
        }
    }
}
