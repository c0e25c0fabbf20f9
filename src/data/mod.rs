//! The data layer: faces and their labels, read from `age_gender.csv` or a UTKFace folder, or
//! made up by the demo generator. Nothing here knows of models or windows.

pub mod corrections;
pub mod csv_reader;
pub mod csv_writer;
pub mod dataset;
pub mod demo;
pub mod error;
pub mod face_image;
pub mod filter;
pub mod folder;
pub mod labels;
pub mod load;
pub mod report;
pub mod split;
pub mod stats;

pub use corrections::{Corrections, LabelCorrection, save_corrected};
pub use csv_reader::{read_csv_bytes, read_csv_file};
pub use csv_writer::{write_csv, write_csv_file};
pub use dataset::{FACE_PIXELS, FACE_SIDE, FaceDataset, FaceLabels};
pub use demo::{DEMO_FACES, DEMO_SEED, demo_dataset, generate_demo_faces};
pub use error::DataError;
pub use filter::FaceFilter;
pub use labels::{AgeGroup, Ethnicity, Gender};
pub use load::{LoadOptions, LoadProgress, LoadedDataset, load_path};
pub use report::{LoadReport, RowOrigin, SkippedRow};
pub use split::{DatasetSplit, SplitConfig, SplitError};
pub use stats::{AgeSummary, LabelStats};
