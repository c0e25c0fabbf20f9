//! New `f32` buffers written on rayon's threads one chunk at a time.

use rayon::prelude::*;

/// A vector of `len` values made on rayon's threads: it is cut into chunks of `chunk` values
/// (the last may be shorter), and each chunk is zeroed and then handed to `fill` with its
/// index while it is still in the cache. Writing a large buffer this way costs one pass over
/// memory instead of two (zeroing the whole buffer first, then filling it).
pub fn fill_in_chunks<F>(len: usize, chunk: usize, fill: F) -> Vec<f32>
where
    F: Fn(usize, &mut [f32]) + Sync + Send,
{
    let mut values: Vec<f32> = Vec::with_capacity(len);
    values
        .spare_capacity_mut()
        .par_chunks_mut(chunk.max(1))
        .enumerate()
        .for_each(|(index, part)| {
            for value in part.iter_mut() {
                value.write(0.0);
            }
            // SAFETY: every value of `part` was written just above.
            let part = unsafe { part.assume_init_mut() };
            fill(index, part);
        });
    // SAFETY: the chunks cover the `len` values of the spare capacity, and each chunk was
    // written in full above.
    unsafe { values.set_len(len) };
    values
}

/// `len` zeros, written by all of rayon's threads.
pub fn parallel_zeros(len: usize) -> Vec<f32> {
    fill_in_chunks(len, 1 << 15, |_, _| {})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_chunk_is_filled_once_and_the_rest_is_zero() {
        let values = fill_in_chunks(10, 4, |index, part| {
            assert!(part.iter().all(|&v| v == 0.0));
            part[0] = index as f32 + 1.0;
        });
        assert_eq!(values, [1., 0., 0., 0., 2., 0., 0., 0., 3., 0.]);
        assert_eq!(parallel_zeros(70_000), vec![0.0; 70_000]);
        assert!(fill_in_chunks(0, 4, |_, _| unreachable!()).is_empty());
    }
}
