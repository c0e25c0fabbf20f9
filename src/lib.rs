//! facelab: explore face-attribute data sets such as UTKFace's `age_gender.csv` and train
//! classifiers on them.
//!
//! The crate is layered: [`data`] knows faces and labels and nothing of models or windows; the
//! command line in [`cli`] and the window in [`ui`] drive it. See the README's "Architecture" section for the picture.

pub mod allocator;
pub mod cli;
pub mod cpu_time;
pub mod data;
pub mod eval;
pub mod memory;
pub mod model;
pub mod rng;
pub mod thread_tuning;
pub mod train;
pub mod ui;
