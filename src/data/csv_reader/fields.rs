//! Walks the fields of one CSV record, left to right.

use std::borrow::Cow;

/// Reads the fields of a record one at a time, unquoting quoted fields (`"a ""b"" c"`).
///
/// Fields borrow the record's bytes wherever no doubled quote has to be undone. A quote that is
/// not at the start of a field is an ordinary character; a quoted field that is never closed
/// runs to the end of the record and sets [`FieldCursor::unclosed_quote`].
pub(super) struct FieldCursor<'r> {
    record: &'r [u8],
    /// Start of the next field; `None` once the last field has been read.
    next: Option<usize>,
    /// Whether a quoted field lacked its closing quote.
    pub unclosed_quote: bool,
}

impl<'r> FieldCursor<'r> {
    /// A cursor before the first field of `record`.
    pub fn new(record: &'r [u8]) -> Self {
        Self {
            record,
            next: Some(0),
            unclosed_quote: false,
        }
    }

    /// The next field, or `None` after the last.
    pub fn next_field(&mut self) -> Option<Cow<'r, [u8]>> {
        let start = self.next?;
        if self.record.get(start) == Some(&b'"') {
            let (field, next, closed) = quoted_field(self.record, start + 1);
            self.unclosed_quote |= !closed;
            self.next = next;
            return Some(field);
        }
        let rest = &self.record[start..];
        match memchr::memchr(b',', rest) {
            Some(i) => {
                self.next = Some(start + i + 1);
                Some(Cow::Borrowed(&rest[..i]))
            }
            None => {
                self.next = None;
                Some(Cow::Borrowed(rest))
            }
        }
    }

    /// Hands the next field to `parse` without finding its end first: for an unquoted field,
    /// `parse` gets the rest of the record and returns where the field ended (at a comma or the
    /// end) with its result, so a long field is scanned once. A quoted field is unquoted first
    /// and given whole, which `parse` learns from its second argument. `None` after the last
    /// field.
    pub fn parse_next_field<T>(
        &mut self,
        parse: impl FnOnce(&[u8], bool) -> (usize, T),
    ) -> Option<T> {
        let start = self.next?;
        if self.record.get(start) == Some(&b'"') {
            let field = self.next_field()?;
            return Some(parse(&field, true).1);
        }
        let (length, result) = parse(&self.record[start..], false);
        let end = start + length;
        self.next = (self.record.get(end) == Some(&b',')).then_some(end + 1);
        Some(result)
    }
}

/// Reads a quoted field whose content starts at `start`; returns the content, the start of the
/// next field (`None` at the end of the record) and whether the closing quote was found. Bytes
/// between the closing quote and the next comma are kept, as spreadsheets write them.
fn quoted_field(record: &[u8], start: usize) -> (Cow<'_, [u8]>, Option<usize>, bool) {
    let mut owned: Option<Vec<u8>> = None;
    let mut pos = start;
    let mut piece_start = start;
    loop {
        let Some(i) = memchr::memchr(b'"', &record[pos..]) else {
            return (append(owned, &record[piece_start..]), None, false);
        };
        let quote = pos + i;
        if record.get(quote + 1) == Some(&b'"') {
            let buf = owned.get_or_insert_with(Vec::new);
            buf.extend_from_slice(&record[piece_start..=quote]);
            pos = quote + 2;
            piece_start = pos;
            continue;
        }
        let mut content = append(owned, &record[piece_start..quote]);
        let after = quote + 1;
        let (stray, next) = match memchr::memchr(b',', &record[after..]) {
            Some(j) => (&record[after..after + j], Some(after + j + 1)),
            None => (&record[after..], None),
        };
        if !stray.is_empty() {
            content.to_mut().extend_from_slice(stray);
        }
        return (content, next, true);
    }
}

/// The field content: `tail` alone, borrowed, unless doubled quotes made an owned buffer.
fn append<'r>(owned: Option<Vec<u8>>, tail: &'r [u8]) -> Cow<'r, [u8]> {
    match owned {
        Some(mut buf) => {
            buf.extend_from_slice(tail);
            Cow::Owned(buf)
        }
        None => Cow::Borrowed(tail),
    }
}

/// Every field of `record`, and whether a quote was left open.
pub(super) fn split_fields(record: &[u8]) -> (Vec<Cow<'_, [u8]>>, bool) {
    let mut cursor = FieldCursor::new(record);
    let mut fields = Vec::new();
    while let Some(field) = cursor.next_field() {
        fields.push(field);
    }
    (fields, cursor.unclosed_quote)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields_of(record: &str) -> (Vec<String>, bool) {
        let (fields, unclosed) = split_fields(record.as_bytes());
        let texts = fields
            .iter()
            .map(|f| String::from_utf8_lossy(f).into_owned())
            .collect();
        (texts, unclosed)
    }

    #[test]
    fn plain_fields() {
        assert_eq!(fields_of("1,2,,x").0, ["1", "2", "", "x"]);
        assert_eq!(fields_of("1,").0, ["1", ""]);
        assert_eq!(fields_of("").0, [""]);
    }

    #[test]
    fn quoted_fields_with_commas_and_doubled_quotes() {
        let (fields, unclosed) = fields_of(r#""a,b","say ""hi""",3"#);
        assert_eq!(fields, ["a,b", r#"say "hi""#, "3"]);
        assert!(!unclosed);
    }

    #[test]
    fn quote_inside_a_field_is_literal() {
        assert_eq!(fields_of(r#"ab"c,d"#).0, [r#"ab"c"#, "d"]);
    }

    #[test]
    fn unclosed_quote_is_flagged() {
        let (fields, unclosed) = fields_of(r#"1,"2 3"#);
        assert_eq!(fields, ["1", "2 3"]);
        assert!(unclosed);
    }

    #[test]
    fn parse_next_field_continues_after_the_field() {
        let mut cursor = FieldCursor::new(b"1 2 3,next");
        let seen = cursor.parse_next_field(|rest, _| {
            (memchr::memchr(b',', rest).unwrap_or(rest.len()), rest.len())
        });
        assert_eq!(seen, Some(10));
        assert_eq!(cursor.next_field().as_deref(), Some(&b"next"[..]));
        assert_eq!(cursor.next_field(), None);
    }
}
