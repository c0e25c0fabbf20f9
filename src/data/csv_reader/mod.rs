//! Reads `age_gender.csv`: columns `age,ethnicity,gender,img_name,pixels` in any order, a header
//! line, plain or gzip-compressed.
//!
//! Two threads share the work. One only reads (and decompresses) the file, into 256 KB blocks
//! that are handed back and reused: decompressing is most of the work of loading a `.gz`, so
//! nothing else runs on that thread. The calling thread cuts the blocks into records and parses
//! their rows, pixels straight into the data set's block. The pixel parser reads up to 9 GB/s,
//! so one thread keeps up with the decompressor; splitting the rows over a rayon pool as well was
//! measured slower for a `.gz` (its workers take time from the decompressing thread on a 2-core
//! machine) and no faster for plain text. Only a few blocks are in memory at a time, so loading
//! the 167 MB text peaks near the size of its pixels (45 MB).

mod fields;
mod header;
mod pixels;
#[cfg(target_arch = "x86_64")]
mod pixels_avx512;
mod row;
mod source;
mod splitter;

use std::fs::File;
use std::io::{Cursor, Read, Seek};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender};

pub use self::pixels::{PixelError, parse_pixels};
pub use self::source::GZIP_DECODER;

use self::header::{ColumnMap, parse_header};
use self::row::{ParsedRow, parse_row};
use self::source::CsvSource;
use self::splitter::{MAX_RECORD_BYTES, RecordChunk, RecordSplitter};
use super::dataset::{FACE_PIXELS, FaceDataset};
use super::error::DataError;
use super::load::{LoadOptions, LoadedDataset};
use super::report::{LoadReport, RowOrigin};

/// Bytes the reading thread reads into one block.
const READ_BLOCK_BYTES: usize = 256 << 10;

/// Blocks read ahead of the parser; bounds the memory the reader may use.
const BLOCKS_IN_FLIGHT: usize = 4;

/// What the reading thread sends to the parser.
enum ReadEvent {
    /// The next bytes of the text.
    Block(Vec<u8>),
    /// The text is done; `ended_early` says why if it ended before its end.
    End { ended_early: Option<String> },
}

/// Reads an `age_gender.csv` file, plain or gzip-compressed.
pub fn read_csv_file(path: &Path, options: LoadOptions<'_>) -> Result<LoadedDataset, DataError> {
    let file = File::open(path).map_err(|e| DataError::io(path, e))?;
    read_csv(file, path, options)
}

/// Reads `age_gender.csv` text (or its gzip) held in memory; `name` is used in messages.
pub fn read_csv_bytes(
    bytes: &[u8],
    name: &Path,
    options: LoadOptions<'_>,
) -> Result<LoadedDataset, DataError> {
    read_csv(Cursor::new(bytes.to_vec()), name, options)
}

/// Reads CSV from any seekable source; `path` names it in messages.
fn read_csv<R: Read + Seek + Send + 'static>(
    inner: R,
    path: &Path,
    options: LoadOptions<'_>,
) -> Result<LoadedDataset, DataError> {
    let mut source = CsvSource::open(inner).map_err(|e| DataError::io(path, e))?;
    let never = AtomicBool::new(false);
    let cancel = options.cancel.unwrap_or(&never);
    let (full_sender, full_blocks) = mpsc::sync_channel::<ReadEvent>(BLOCKS_IN_FLIGHT);
    let (spare_sender, spare_blocks) = mpsc::channel::<Vec<u8>>();
    let raw = std::mem::replace(&mut source.raw, Box::new(std::io::empty()));
    let gzip = source.gzip;

    let mut parser = ChunkParser::new(path, source.text_bytes_hint);
    let outcome = std::thread::scope(|scope| {
        // Owned by this closure, so that it is dropped (and a blocked reader released) before
        // the scope waits for the reading thread.
        let full_blocks = full_blocks;
        scope.spawn(move || {
            let mut text = CsvSource::text_reader(raw, gzip);
            read_blocks(&mut text, cancel, &spare_blocks, &full_sender);
        });

        let mut splitter = RecordSplitter::default();
        let mut spare_chunk = Vec::new();
        for event in full_blocks.iter() {
            if options.is_cancelled() {
                return Err(DataError::Cancelled {
                    path: path.to_path_buf(),
                });
            }
            match event {
                ReadEvent::Block(block) => {
                    splitter.feed(&block);
                    // The reader may be gone already; then the block is simply dropped.
                    let _ = spare_sender.send(block);
                }
                ReadEvent::End { ended_early } => {
                    splitter.finish();
                    parser.report.ended_early =
                        ended_early.map(|reason| describe_early_end(&source, reason));
                }
            }
            let chunk = splitter.take_chunk(std::mem::take(&mut spare_chunk));
            parser.parse_chunk(&chunk)?;
            spare_chunk = chunk.bytes;
            options.report(source.fraction_done(), parser.dataset.len());
        }
        if options.is_cancelled() {
            return Err(DataError::Cancelled {
                path: path.to_path_buf(),
            });
        }
        Ok(())
    });
    outcome?;
    parser.finish()
}

/// The reading thread: fills blocks (reusing those the parser hands back) and sends them on,
/// until the text ends, the parser goes away or the load is cancelled.
fn read_blocks(
    text: &mut dyn Read,
    cancel: &AtomicBool,
    spare: &Receiver<Vec<u8>>,
    send: &SyncSender<ReadEvent>,
) {
    loop {
        if cancel.load(Ordering::Relaxed) {
            return;
        }
        let mut block = spare.try_recv().unwrap_or_default();
        block.resize(READ_BLOCK_BYTES, 0);
        let (filled, error) = fill_block(text, &mut block);
        block.truncate(filled);
        let ended = filled < READ_BLOCK_BYTES;
        if filled > 0 && send.send(ReadEvent::Block(block)).is_err() {
            return;
        }
        if ended {
            let _ = send.send(ReadEvent::End {
                ended_early: error.map(|e| e.to_string()),
            });
            return;
        }
    }
}

/// Reads until `block` is full or the text ends; returns the bytes read and the error that
/// ended the text early, if one did.
fn fill_block(text: &mut dyn Read, block: &mut [u8]) -> (usize, Option<std::io::Error>) {
    let mut filled = 0;
    while filled < block.len() {
        match text.read(&mut block[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return (filled, Some(e)),
        }
    }
    (filled, None)
}

/// Words for a read error that cut the file short.
fn describe_early_end(source: &CsvSource, reason: String) -> String {
    if source.gzip {
        format!(
            "the gzip data ends early or is corrupt ({reason}); the rows before that point were read"
        )
    } else {
        format!("reading stopped early ({reason}); the rows before that point were read")
    }
}

/// The parsing side of a load: the header, the data set so far and the report.
struct ChunkParser<'p> {
    path: &'p Path,
    columns: Option<ColumnMap>,
    dataset: FaceDataset,
    report: LoadReport,
    text_bytes_hint: u64,
    reserved: bool,
}

impl<'p> ChunkParser<'p> {
    fn new(path: &'p Path, text_bytes_hint: u64) -> Self {
        Self {
            path,
            columns: None,
            dataset: FaceDataset::new(),
            report: LoadReport::default(),
            text_bytes_hint,
            reserved: false,
        }
    }

    /// Parses every row of `chunk` into the data set.
    fn parse_chunk(&mut self, chunk: &RecordChunk) -> Result<(), DataError> {
        let mut spans = chunk
            .spans
            .iter()
            .filter(|s| s.too_long || !is_blank(&chunk.bytes[s.start..s.end]));
        let columns = match self.columns {
            Some(columns) => columns,
            None => {
                let Some(header) = spans.next() else {
                    return Ok(());
                };
                let columns = if header.too_long {
                    return Err(DataError::MissingColumns {
                        path: self.path.to_path_buf(),
                        missing: "\"age\", \"ethnicity\", \"gender\", \"pixels\"".into(),
                        found: format!("a header line longer than {MAX_RECORD_BYTES} bytes"),
                    });
                } else {
                    parse_header(&chunk.bytes[header.start..header.end], self.path)?
                };
                self.columns = Some(columns);
                columns
            }
        };
        let rows: Vec<_> = spans.collect();
        self.reserve_once(chunk, rows.len());

        let pixels = self.dataset.pixels_mut_vec();
        let base = pixels.len();
        pixels.resize(base + rows.len() * FACE_PIXELS, 0);
        let results: Vec<Result<ParsedRow, String>> = pixels[base..]
            .chunks_mut(FACE_PIXELS)
            .zip(rows.iter())
            .map(|(slot, span)| {
                if span.too_long {
                    return Err(format!("the line is longer than {MAX_RECORD_BYTES} bytes; a face row is about 10 KB"));
                }
                parse_row(&chunk.bytes[span.start..span.end], &columns, slot)
            })
            .collect();

        let quote_joined_lines = results.iter().zip(&rows).any(|(result, span)| {
            result.is_err() && memchr::memchr(b'\n', &chunk.bytes[span.start..span.end]).is_some()
        });
        if quote_joined_lines {
            self.keep_rows_reparsing_lines(base, chunk, &rows, results, &columns);
        } else {
            self.keep_good_rows(base, &rows, results);
        }
        Ok(())
    }

    /// Like [`ChunkParser::keep_good_rows`], for a chunk where a bad record spans several lines:
    /// most likely an unclosed quote joined rows, so each of its lines is parsed on its own and
    /// one broken quote costs one row. Rare, so it may copy the chunk's pixels once.
    fn keep_rows_reparsing_lines(
        &mut self,
        base: usize,
        chunk: &RecordChunk,
        rows: &[&splitter::RecordSpan],
        results: Vec<Result<ParsedRow, String>>,
        columns: &ColumnMap,
    ) {
        let parsed_pixels = self.dataset.pixels_mut_vec().split_off(base);
        let mut face = vec![0u8; FACE_PIXELS];
        for (i, (span, result)) in rows.iter().zip(results).enumerate() {
            let record = &chunk.bytes[span.start..span.end];
            match result {
                Ok((labels, image_name)) => {
                    self.report.rows_read += 1;
                    self.report.rows_kept += 1;
                    let pixels = &parsed_pixels[i * FACE_PIXELS..(i + 1) * FACE_PIXELS];
                    self.dataset.push(labels, image_name, span.line, pixels);
                }
                Err(reason) if memchr::memchr(b'\n', record).is_none() => {
                    self.report.rows_read += 1;
                    self.report.skip(RowOrigin::Line(span.line), reason);
                }
                Err(_) => {
                    for (offset, line) in record.split(|b| *b == b'\n').enumerate() {
                        let line = line.strip_suffix(b"\r").unwrap_or(line);
                        if is_blank(line) {
                            continue;
                        }
                        let number = span.line + offset as u64;
                        self.report.rows_read += 1;
                        match parse_row(line, columns, &mut face) {
                            Ok((labels, image_name)) => {
                                self.report.rows_kept += 1;
                                self.dataset.push(labels, image_name, number, &face);
                            }
                            Err(reason) => self.report.skip(RowOrigin::Line(number), reason),
                        }
                    }
                }
            }
        }
    }

    /// Moves the pixels of good rows together and records the bad ones.
    fn keep_good_rows(
        &mut self,
        base: usize,
        rows: &[&splitter::RecordSpan],
        results: Vec<Result<ParsedRow, String>>,
    ) {
        let mut write = base;
        for (i, (span, result)) in rows.iter().zip(results).enumerate() {
            self.report.rows_read += 1;
            match result {
                Ok((labels, image_name)) => {
                    let read = base + i * FACE_PIXELS;
                    if read != write {
                        self.dataset
                            .pixels_mut_vec()
                            .copy_within(read..read + FACE_PIXELS, write);
                    }
                    write += FACE_PIXELS;
                    self.dataset.push_labels(labels, image_name, span.line);
                    self.report.rows_kept += 1;
                }
                Err(reason) => self.report.skip(RowOrigin::Line(span.line), reason),
            }
        }
        self.dataset.pixels_mut_vec().truncate(write);
    }

    /// Reserves the pixel block once, from the first chunk's bytes per row and the expected
    /// size of the whole text, so the block does not double (and briefly triple) while growing.
    fn reserve_once(&mut self, chunk: &RecordChunk, rows: usize) {
        if self.reserved || rows == 0 {
            return;
        }
        self.reserved = true;
        let bytes_per_row = (chunk.bytes.len() / rows).max(1) as u64;
        let expected_rows = (self.text_bytes_hint / bytes_per_row) as usize;
        let expected_rows = expected_rows.min(10_000_000) + expected_rows / 50 + 16;
        self.dataset
            .pixels_mut_vec()
            .reserve_exact(expected_rows * FACE_PIXELS);
    }

    /// Ends the load: a file without header or rows is an error, otherwise the data set.
    fn finish(mut self) -> Result<LoadedDataset, DataError> {
        let path = self.path.to_path_buf();
        if self.columns.is_none() {
            return Err(match self.report.ended_early {
                Some(reason) => DataError::Io {
                    path,
                    source: std::io::Error::other(reason),
                },
                None => DataError::Empty { path },
            });
        }
        if self.report.rows_read == 0 {
            return Err(match self.report.ended_early {
                Some(reason) => DataError::Io {
                    path,
                    source: std::io::Error::other(reason),
                },
                None => DataError::NoRows { path },
            });
        }
        if self.report.rows_kept == 0 {
            let first = self
                .report
                .skipped
                .first()
                .map(ToString::to_string)
                .unwrap_or_default();
            return Err(DataError::NoUsableRows {
                path,
                rows: self.report.rows_read,
                first,
            });
        }
        self.dataset.shrink_to_fit();
        Ok(LoadedDataset {
            dataset: self.dataset,
            report: self.report,
        })
    }
}

/// Whether a record holds nothing but blanks (an empty line is not a row).
fn is_blank(record: &[u8]) -> bool {
    record.iter().all(u8::is_ascii_whitespace)
}
