//! Opens a CSV source, plain or gzip-compressed, and counts the bytes read for progress.

#[cfg(not(feature = "fast-gzip"))]
use std::io::BufReader;
use std::io::{self, Read, Seek, SeekFrom};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// The two bytes every gzip member starts with.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// A byte stream ready to be split into records.
pub(super) struct CsvSource {
    /// The file's bytes as stored (compressed for gzip); [`CsvSource::text_reader`]
    /// decompresses them.
    pub raw: Box<dyn Read + Send>,
    /// Bytes of the underlying file consumed so far (compressed bytes for gzip).
    pub consumed: Arc<AtomicU64>,
    /// Size of the underlying file.
    pub total_bytes: u64,
    /// Expected size of the decompressed text, a hint for reserving memory.
    pub text_bytes_hint: u64,
    /// Whether the bytes are gzip-compressed (recognised by their magic bytes).
    pub gzip: bool,
}

impl CsvSource {
    /// Wraps `inner`, recognising gzip by its first two bytes rather than by a file name.
    pub fn open<R: Read + Seek + Send + 'static>(mut inner: R) -> io::Result<Self> {
        let total_bytes = inner.seek(SeekFrom::End(0))?;
        let mut magic = [0u8; 2];
        inner.seek(SeekFrom::Start(0))?;
        let got = read_up_to(&mut inner, &mut magic)?;
        let gzip = got == 2 && magic == GZIP_MAGIC;

        let text_bytes_hint = if gzip {
            gzip_size_hint(&mut inner, total_bytes)?
        } else {
            total_bytes
        };
        inner.seek(SeekFrom::Start(0))?;

        let consumed = Arc::new(AtomicU64::new(0));
        let counted = CountingReader {
            inner,
            consumed: Arc::clone(&consumed),
        };
        Ok(Self {
            raw: Box::new(counted),
            consumed,
            total_bytes,
            text_bytes_hint,
            gzip,
        })
    }

    /// The text of the file, decompressed if it is gzip. Call it on the thread that reads: a
    /// decoder need not be movable between threads.
    pub fn text_reader(raw: Box<dyn Read + Send>, gzip: bool) -> Box<dyn Read> {
        if gzip { gzip_decoder(raw) } else { raw }
    }

    /// The share of the underlying file consumed so far, 0 to 1.
    pub fn fraction_done(&self) -> f32 {
        if self.total_bytes == 0 {
            return 1.0;
        }
        (self.consumed.load(Ordering::Relaxed) as f64 / self.total_bytes as f64).min(1.0) as f32
    }
}

/// The name of the gzip decoder this build uses, for benchmarks and logs.
pub const GZIP_DECODER: &str = if cfg!(feature = "fast-gzip") {
    "ISA-L"
} else {
    "zlib-rs"
};

/// A decoder for gzip data, one member after another (as `gzip -d` reads concatenated files).
#[cfg(not(feature = "fast-gzip"))]
fn gzip_decoder(compressed: Box<dyn Read + Send>) -> Box<dyn Read> {
    Box::new(flate2::read::MultiGzDecoder::new(BufReader::with_capacity(
        1 << 16,
        compressed,
    )))
}

/// A decoder for gzip data, one member after another, with Intel's ISA-L.
#[cfg(feature = "fast-gzip")]
fn gzip_decoder(compressed: Box<dyn Read + Send>) -> Box<dyn Read> {
    Box::new(isal::read::GzipDecoder::new(compressed))
}

/// Reads until `buf` is full or the stream ends; returns the bytes read.
fn read_up_to(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// The uncompressed size a gzip trailer announces (modulo 4 GiB), or a guess where the trailer
/// looks implausible. Only used to reserve memory, never trusted for correctness.
fn gzip_size_hint(inner: &mut (impl Read + Seek), total_bytes: u64) -> io::Result<u64> {
    if total_bytes < 18 {
        return Ok(0);
    }
    inner.seek(SeekFrom::End(-4))?;
    let mut trailer = [0u8; 4];
    let got = read_up_to(inner, &mut trailer)?;
    let announced = u64::from(u32::from_le_bytes(trailer));
    let plausible = got == 4 && announced >= total_bytes && announced <= total_bytes * 20;
    Ok(if plausible {
        announced
    } else {
        total_bytes * 3
    })
}

/// Passes reads through and adds their sizes to a shared counter.
struct CountingReader<R> {
    inner: R,
    consumed: Arc<AtomicU64>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.consumed.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}
