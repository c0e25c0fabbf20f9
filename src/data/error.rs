//! Errors of the data layer. Each names the file and what was wrong with it.

use std::path::PathBuf;

/// Why a data set could not be loaded or written.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// The file or folder could not be opened or read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },

    /// The file holds no header line at all.
    #[error(
        "{path} is empty: expected a header line such as `age,ethnicity,gender,img_name,pixels`"
    )]
    Empty {
        /// The file.
        path: PathBuf,
    },

    /// The header lacks columns the data set needs.
    #[error("{path}: the header (line 1) has no column {missing}; it has: {found}")]
    MissingColumns {
        /// The file.
        path: PathBuf,
        /// The missing column names, quoted and comma-separated.
        missing: String,
        /// The column names the header does have.
        found: String,
    },

    /// The header is fine but no data row follows it.
    #[error("{path} has a header but no data rows")]
    NoRows {
        /// The file.
        path: PathBuf,
    },

    /// Rows were read but none of them is a usable face.
    #[error("{path}: none of its {rows} rows is a usable face; the first problem is at {first}")]
    NoUsableRows {
        /// The file or folder.
        path: PathBuf,
        /// How many rows were read.
        rows: usize,
        /// The first skipped row, with its reason.
        first: String,
    },

    /// A folder holds no image file with a UTKFace name.
    #[error("{path} holds no images named like UTKFace's `age_gender_race_date.jpg.chip.jpg`")]
    NoImages {
        /// The folder.
        path: PathBuf,
    },

    /// The user cancelled the load.
    #[error("loading {path} was cancelled")]
    Cancelled {
        /// The file or folder.
        path: PathBuf,
    },

    /// An image could not be decoded or was refused by the decoding limits.
    #[error("cannot use image {path}: {reason}")]
    Image {
        /// The image file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
}

impl DataError {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        DataError::Io {
            path: path.into(),
            source,
        }
    }
}
