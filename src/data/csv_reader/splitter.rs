//! Splits a byte stream into CSV records, block by block as the bytes arrive.
//!
//! Only record boundaries are found here (newlines outside quoted fields); fields are split
//! later, in parallel. A quote opens a quoted field only at the start of a field, so a stray
//! quote inside a pixel string cannot swallow the rest of the file, and a quoted field that runs
//! on for more than [`MAX_RECORD_BYTES`] is cut at its first newline.

use memchr::{memchr, memchr2};

/// The longest record kept; a face row of `age_gender.csv` is about 10 KB.
pub(super) const MAX_RECORD_BYTES: usize = 1 << 20;

/// One record inside a [`RecordChunk`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct RecordSpan {
    /// Offset of the record's first byte in the chunk.
    pub start: usize,
    /// Offset just past its last byte, line end (`\n` or `\r\n`) excluded.
    pub end: usize,
    /// The line the record starts on, the first line of the file being 1.
    pub line: u64,
    /// The record was longer than [`MAX_RECORD_BYTES`]; its bytes were dropped.
    pub too_long: bool,
}

/// Whole records, ready to be parsed.
#[derive(Debug, Default)]
pub(super) struct RecordChunk {
    /// The text the spans point into.
    pub bytes: Vec<u8>,
    /// The records, in file order.
    pub spans: Vec<RecordSpan>,
}

/// The state of the split between two reads.
pub(super) struct RecordSplitter {
    buf: Vec<u8>,
    scan: usize,
    record_start: usize,
    in_quote: bool,
    quote_start: usize,
    record_line: u64,
    newlines_in_record: u64,
    skipping_long_record: bool,
    spans: Vec<RecordSpan>,
}

impl Default for RecordSplitter {
    fn default() -> Self {
        Self {
            buf: Vec::new(),
            scan: 0,
            record_start: 0,
            in_quote: false,
            quote_start: 0,
            record_line: 1,
            newlines_in_record: 0,
            skipping_long_record: false,
            spans: Vec::new(),
        }
    }
}

impl RecordSplitter {
    /// Adds bytes that follow those fed before and finds the records they complete.
    pub fn feed(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
        self.scan_records(false);
    }

    /// The stream has ended: the bytes after the last newline make a last record.
    pub fn finish(&mut self) {
        self.scan_records(true);
        self.finish_last_record();
    }

    /// Finds the record ends in the bytes not yet examined.
    fn scan_records(&mut self, eof: bool) {
        loop {
            if self.skipping_long_record {
                match memchr(b'\n', &self.buf[self.scan..]) {
                    Some(i) => {
                        let newline = self.scan + i;
                        self.record_line += 1;
                        self.record_start = newline + 1;
                        self.scan = newline + 1;
                        self.skipping_long_record = false;
                    }
                    None => {
                        self.scan = self.buf.len();
                        self.record_start = self.buf.len();
                        return;
                    }
                }
            }

            self.scan_until_buffer_end(eof);

            if self.buf.len() - self.record_start <= MAX_RECORD_BYTES {
                return;
            }
            if self.in_quote && self.cut_runaway_quote() {
                continue;
            }
            self.drop_long_record();
        }
    }

    /// Scans quotes and newlines up to the end of the buffer (or a quote whose meaning depends
    /// on a byte not yet read).
    fn scan_until_buffer_end(&mut self, eof: bool) {
        let len = self.buf.len();
        while let Some(i) = memchr2(b'\n', b'"', &self.buf[self.scan..]) {
            let at = self.scan + i;
            if self.buf[at] == b'\n' {
                self.scan = at + 1;
                if self.in_quote {
                    self.newlines_in_record += 1;
                } else {
                    self.end_record(at);
                }
            } else if self.in_quote {
                if at + 1 == len && !eof {
                    // A doubled quote may continue in the next read.
                    self.scan = at;
                    return;
                }
                if at + 1 < len && self.buf[at + 1] == b'"' {
                    self.scan = at + 2;
                } else {
                    self.in_quote = false;
                    self.scan = at + 1;
                }
            } else {
                if at == self.record_start || self.buf[at - 1] == b',' {
                    self.in_quote = true;
                    self.quote_start = at;
                }
                self.scan = at + 1;
            }
        }
        self.scan = len;
    }

    /// A quoted field has run past the record limit: end the record at the first newline after
    /// the quote opened, leaving the parser to report the unclosed quote. Returns false when no
    /// newline follows the quote.
    fn cut_runaway_quote(&mut self) -> bool {
        let Some(i) = memchr(b'\n', &self.buf[self.quote_start..]) else {
            return false;
        };
        let newline = self.quote_start + i;
        self.in_quote = false;
        self.newlines_in_record = 0;
        self.end_record(newline);
        self.scan = newline + 1;
        true
    }

    /// Records an over-long record without its bytes and skips to its end.
    fn drop_long_record(&mut self) {
        self.spans.push(RecordSpan {
            start: self.record_start,
            end: self.record_start,
            line: self.record_line,
            too_long: true,
        });
        self.in_quote = false;
        self.newlines_in_record = 0;
        self.skipping_long_record = true;
        self.scan = self.buf.len();
        self.record_start = self.buf.len();
    }

    /// Ends the current record at the newline at `newline`.
    fn end_record(&mut self, newline: usize) {
        let mut end = newline;
        if end > self.record_start && self.buf[end - 1] == b'\r' {
            end -= 1;
        }
        self.push_span(end);
        self.record_line += 1 + self.newlines_in_record;
        self.newlines_in_record = 0;
        self.record_start = newline + 1;
    }

    /// Records the record from `record_start` to `end`, or only its line if it is too long.
    fn push_span(&mut self, end: usize) {
        let too_long = end - self.record_start > MAX_RECORD_BYTES;
        self.spans.push(RecordSpan {
            start: self.record_start,
            end: if too_long { self.record_start } else { end },
            line: self.record_line,
            too_long,
        });
    }

    /// At the end of the stream, the bytes after the last newline are a record too.
    fn finish_last_record(&mut self) {
        if self.skipping_long_record || self.record_start >= self.buf.len() {
            return;
        }
        let mut end = self.buf.len();
        if self.buf[end - 1] == b'\r' {
            end -= 1;
        }
        self.push_span(end);
        self.record_start = self.buf.len();
        self.scan = self.buf.len();
    }

    /// Hands over the whole records found so far and keeps the unfinished one. `spare` is the
    /// bytes buffer of an earlier chunk, reused so that no new memory is touched.
    pub fn take_chunk(&mut self, mut spare: Vec<u8>) -> RecordChunk {
        spare.clear();
        spare.extend_from_slice(&self.buf[self.record_start..]);
        let mut bytes = std::mem::replace(&mut self.buf, spare);
        bytes.truncate(self.record_start);

        self.scan -= self.record_start;
        self.quote_start = self.quote_start.saturating_sub(self.record_start);
        self.record_start = 0;
        RecordChunk {
            bytes,
            spans: std::mem::take(&mut self.spans),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Splits `text` fed in pieces of `piece` bytes.
    fn split_in_pieces(text: &[u8], piece: usize) -> Vec<(String, u64, bool)> {
        let mut splitter = RecordSplitter::default();
        let mut out = Vec::new();
        let mut collect = |chunk: RecordChunk| {
            for span in &chunk.spans {
                let text = String::from_utf8_lossy(&chunk.bytes[span.start..span.end]);
                out.push((text.into_owned(), span.line, span.too_long));
            }
            chunk.bytes
        };
        let mut spare = Vec::new();
        for bytes in text.chunks(piece.max(1)) {
            splitter.feed(bytes);
            spare = collect(splitter.take_chunk(spare));
        }
        splitter.finish();
        collect(splitter.take_chunk(spare));
        out
    }

    fn split(text: &[u8]) -> Vec<(String, u64, bool)> {
        let whole = split_in_pieces(text, 256 << 10);
        for piece in [1, 2, 3, 7] {
            if text.len() < 10_000 {
                assert_eq!(
                    split_in_pieces(text, piece),
                    whole,
                    "fed in pieces of {piece}"
                );
            }
        }
        whole
    }

    #[test]
    fn doubled_quotes_split_across_pieces() {
        let records = split(b"h\n\"a\"\"b\",1\nnext");
        assert_eq!(records[1].0, "\"a\"\"b\",1");
        assert_eq!(records[2].0, "next");
    }

    #[test]
    fn splits_lines_and_strips_crlf() {
        let records = split(b"a,b\r\n1,2\r\n3,4");
        let texts: Vec<_> = records.iter().map(|r| (r.0.as_str(), r.1)).collect();
        assert_eq!(texts, [("a,b", 1), ("1,2", 2), ("3,4", 3)]);
    }

    #[test]
    fn newline_inside_quotes_stays_in_the_record_and_counts_lines() {
        let records = split(b"h\n\"x\ny\",1\nnext\n");
        assert_eq!(records[1].0, "\"x\ny\",1");
        assert_eq!(records[1].1, 2);
        assert_eq!(records[2], ("next".to_string(), 4, false));
    }

    #[test]
    fn stray_quote_inside_a_field_is_literal() {
        let records = split(b"h\n1,2 3\"4,5\n6\n");
        assert_eq!(records.len(), 3);
        assert_eq!(records[2].0, "6");
    }

    #[test]
    fn over_long_record_is_dropped_and_the_next_kept() {
        let mut text = b"h\n".to_vec();
        text.extend(std::iter::repeat_n(b'7', MAX_RECORD_BYTES + 10));
        text.extend_from_slice(b"\nlast\n");
        let records = split(&text);
        assert_eq!(records.len(), 3);
        assert!(records[1].2);
        assert_eq!(records[1].1, 2);
        assert_eq!(records[2], ("last".to_string(), 3, false));
    }

    #[test]
    fn runaway_quote_is_cut_at_its_first_newline() {
        let mut text = b"h\n1,\"open\n".to_vec();
        for i in 0..200_000 {
            text.extend_from_slice(format!("row{i}\n").as_bytes());
        }
        let records = split(&text);
        assert_eq!(records[1].0, "1,\"open");
        assert_eq!(records[2], ("row0".to_string(), 3, false));
        assert_eq!(records.len(), 200_002);
    }
}
