//! What a load kept and what it skipped, row by row.

use std::fmt;
use std::path::PathBuf;

/// Where a skipped row came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowOrigin {
    /// A line of a CSV file, counting the header as line 1.
    Line(u64),
    /// An image file of a UTKFace folder.
    File(PathBuf),
}

impl fmt::Display for RowOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RowOrigin::Line(line) => write!(f, "line {line}"),
            RowOrigin::File(path) => write!(f, "{}", path.display()),
        }
    }
}

/// One row the load could not use, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedRow {
    /// Where the row is.
    pub origin: RowOrigin,
    /// Why it was skipped, in words a user can act on.
    pub reason: String,
}

impl SkippedRow {
    /// The CSV line of the row, if it came from a CSV file.
    pub fn line(&self) -> Option<u64> {
        match self.origin {
            RowOrigin::Line(line) => Some(line),
            RowOrigin::File(_) => None,
        }
    }
}

impl fmt::Display for SkippedRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.origin, self.reason)
    }
}

/// The account of one load: how many rows were read and kept, and every skipped row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadReport {
    /// Data rows read (CSV records after the header, or image files of a folder).
    pub rows_read: usize,
    /// Rows that became faces of the data set.
    pub rows_kept: usize,
    /// Every row that was not kept, in file order.
    pub skipped: Vec<SkippedRow>,
    /// A problem that ended reading early (a truncated or corrupt `.gz`, an I/O error); the rows
    /// read before it are kept.
    pub ended_early: Option<String>,
}

impl LoadReport {
    /// Records a skipped row.
    pub fn skip(&mut self, origin: RowOrigin, reason: impl Into<String>) {
        self.skipped.push(SkippedRow {
            origin,
            reason: reason.into(),
        });
    }

    /// Whether every row was kept and the file was read to its end.
    pub fn is_clean(&self) -> bool {
        self.skipped.is_empty() && self.ended_early.is_none()
    }
}
