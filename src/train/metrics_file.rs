//! `metrics.csv`: one line per epoch, for spreadsheets and plotting scripts.

use std::io::Write;
use std::path::Path;

use crate::data::DataError;
use crate::data::csv_writer::write_atomically;
use crate::model::EpochRecord;

/// The header of `metrics.csv`.
pub const METRICS_HEADER: &str =
    "epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,learning_rate,seconds";

/// Writes `history` to `path` atomically.
pub fn write_metrics_csv(path: &Path, history: &[EpochRecord]) -> Result<(), DataError> {
    write_atomically(path, |out| {
        writeln!(out, "{METRICS_HEADER}")?;
        for r in history {
            writeln!(
                out,
                "{},{:.6},{:.6},{:.6},{:.6},{:.8},{:.3}",
                r.epoch,
                r.train_loss,
                r.train_accuracy,
                r.validation_loss,
                r.validation_accuracy,
                r.learning_rate,
                r.seconds
            )?;
        }
        Ok(())
    })
}
