//! The explorer window's state and the routing of events: loads, dialogs, dropped files, keys.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use eframe::egui;

use super::dialogs::{DialogKind, PendingDialog};
use super::grid::FaceGrid;
use super::job::Job;
use super::loading::LoadJob;
use super::model_state::{ModelJobs, OpenedModel, PhotoToClassify, ShownEvaluation};
use super::photo_textures::PhotoTextures;
use super::saving::SaveJob;
use super::textures::FaceTextures;
use super::training_runs::{RunRecord, TrainingPanel};
use super::{classify, corrections, evaluation, faces, filters, overview, status, training};
use crate::data::corrections::change_log_path;
use crate::data::face_image::decode_image_file;
use crate::data::{
    Corrections, DataError, FaceDataset, FaceFilter, FaceLabels, LabelStats, LoadReport,
    LoadedDataset, demo_dataset,
};
use crate::model::FaceModel;

/// Where the open data set came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatasetSource {
    /// The synthetic demo faces.
    Demo,
    /// A file or folder.
    Path(PathBuf),
}

/// The data set shown, with what its load skipped.
pub struct OpenDataset {
    /// The faces.
    pub dataset: FaceDataset,
    /// Where they came from.
    pub source: DatasetSource,
    /// Rows read, kept and skipped.
    pub report: LoadReport,
}

impl OpenDataset {
    /// A short name for the window: the file name, or "demo faces".
    pub fn name(&self) -> String {
        match &self.source {
            DatasetSource::Demo => "demo faces (synthetic)".into(),
            DatasetSource::Path(path) => path.file_name().map_or_else(
                || path.display().to_string(),
                |name| name.to_string_lossy().into_owned(),
            ),
        }
    }
}

/// How serious a message to the user is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageLevel {
    /// Something failed.
    Error,
    /// Something was skipped or may be wrong.
    Warning,
    /// For information.
    Info,
}

/// A message shown in the window until dismissed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserMessage {
    /// How serious it is.
    pub level: MessageLevel,
    /// What to say.
    pub text: String,
}

/// The views of the central area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// Label distributions.
    Overview,
    /// Grids of faces.
    Faces,
    /// Training a classifier, with live curves.
    Training,
    /// Where the model is right and wrong.
    Evaluation,
    /// A photo classified by the model.
    Classify,
}

/// What the explorer shows of the open data set: the filter and what passes it.
pub struct Explorer {
    /// The filter set in the side panel.
    pub filter: FaceFilter,
    /// Rows that pass the filter.
    pub matching: Vec<u32>,
    /// Label counts over `matching`.
    pub stats: LabelStats,
    /// Whether the age histogram shows the five age groups instead of single years.
    pub age_groups: bool,
    /// The faces grid.
    pub grid: FaceGrid,
    /// The face shown large, if any.
    pub large_face: Option<usize>,
}

impl Explorer {
    fn new(dataset: &FaceDataset, filter: FaceFilter, seed: u64) -> Self {
        let matching = filter.matching_rows(dataset);
        let stats = LabelStats::of_rows(dataset, matching.iter().map(|r| *r as usize));
        let grid = FaceGrid::draw(seed, &matching);
        Self {
            filter,
            matching,
            stats,
            age_groups: false,
            grid,
            large_face: None,
        }
    }

    /// Recounts after labels changed; the grid stays as it is, so a corrected face does not
    /// jump away under the user's hand.
    fn recount(&mut self, dataset: &FaceDataset) {
        self.matching = self.filter.matching_rows(dataset);
        self.stats = LabelStats::of_rows(dataset, self.matching.iter().map(|r| *r as usize));
    }
}

/// The facelab window.
pub struct FacelabApp {
    /// The data set shown.
    pub open: OpenDataset,
    /// The filter, counts and grid over it.
    pub explorer: Explorer,
    /// The central view.
    pub view: View,
    /// Messages for the user, newest last.
    pub messages: Vec<UserMessage>,
    /// Whether the skipped-rows window is open.
    pub show_skipped: bool,
    /// Label fixes made to the open data set.
    pub corrections: Corrections,
    /// Whether the corrections window is open.
    pub show_corrections: bool,
    /// Training settings and runs.
    pub training: TrainingPanel,
    /// The model the Evaluation and Classify views use, with its name.
    pub selected_model: Option<(String, Arc<FaceModel>)>,
    /// The evaluation shown.
    pub evaluation: Option<ShownEvaluation>,
    /// The photo being classified.
    pub photo: Option<PhotoToClassify>,
    /// Models, evaluations and photos being prepared in the background.
    pub model_jobs: ModelJobs,
    /// Textures of the photo and its input.
    pub photo_textures: PhotoTextures,
    loading: Option<LoadJob>,
    saving: Option<SaveJob>,
    dialog: Option<PendingDialog>,
    textures: FaceTextures,
}

impl FacelabApp {
    /// The window on the synthetic demo faces.
    pub fn with_demo_data() -> Self {
        let dataset = demo_dataset();
        let report = LoadReport {
            rows_read: dataset.len(),
            rows_kept: dataset.len(),
            ..LoadReport::default()
        };
        Self::with_dataset(DatasetSource::Demo, LoadedDataset { dataset, report })
    }

    /// The window on a data set loaded already.
    pub fn with_dataset(source: DatasetSource, loaded: LoadedDataset) -> Self {
        let LoadedDataset { dataset, report } = loaded;
        let explorer = Explorer::new(&dataset, FaceFilter::default(), 1);
        Self {
            open: OpenDataset {
                dataset,
                source,
                report,
            },
            explorer,
            view: View::Faces,
            messages: Vec::new(),
            show_skipped: false,
            corrections: Corrections::default(),
            show_corrections: false,
            training: TrainingPanel::default(),
            selected_model: None,
            evaluation: None,
            photo: None,
            model_jobs: ModelJobs::default(),
            photo_textures: PhotoTextures::default(),
            loading: None,
            saving: None,
            dialog: None,
            textures: FaceTextures::default(),
        }
    }

    /// Starts loading `path` in the background; the open data set stays until it succeeds.
    pub fn open_path(&mut self, ctx: &egui::Context, path: PathBuf) {
        if let Some(previous) = self.loading.take() {
            previous.cancel();
        }
        log::info!("opening {}", path.display());
        let repaint = ctx.clone();
        self.loading = Some(LoadJob::start(path, move || repaint.request_repaint()));
    }

    /// The load in progress, if any.
    pub fn loading(&self) -> Option<&LoadJob> {
        self.loading.as_ref()
    }

    /// Stops the load in progress.
    pub fn cancel_loading(&mut self) {
        if let Some(job) = &self.loading {
            job.cancel();
        }
    }

    /// Opens a file dialog, unless one is open already.
    pub fn open_dialog(&mut self, ctx: &egui::Context, kind: DialogKind) {
        if self.dialog.is_none() {
            let repaint = ctx.clone();
            self.dialog = Some(PendingDialog::open(kind, move || repaint.request_repaint()));
        }
    }

    /// Changes the filter and recomputes what passes it; the grid is drawn anew.
    pub fn set_filter(&mut self, filter: FaceFilter) {
        let (age_groups, seed) = (self.explorer.age_groups, self.explorer.grid.seed);
        self.explorer = Explorer::new(&self.open.dataset, filter, seed);
        self.explorer.age_groups = age_groups;
    }

    /// Corrects the labels of face `row` (setting the file's labels again undoes it).
    pub fn correct(&mut self, row: usize, labels: FaceLabels) {
        self.corrections.set(&mut self.open.dataset, row, labels);
        self.explorer.recount(&self.open.dataset);
    }

    /// Gives face `row` its labels from the file again.
    pub fn undo_correction(&mut self, row: usize) {
        self.corrections.undo(&mut self.open.dataset, row);
        self.explorer.recount(&self.open.dataset);
    }

    /// Asks where to save the corrected data set, proposing `NAME_corrected.csv` beside it.
    pub fn ask_where_to_save(&mut self, ctx: &egui::Context) {
        let (folder, stem) = match &self.open.source {
            DatasetSource::Demo => (None, "demo".to_string()),
            DatasetSource::Path(path) => {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let stem = name
                    .trim_end_matches(".gz")
                    .trim_end_matches(".csv")
                    .to_string();
                (path.parent().map(Path::to_path_buf), stem)
            }
        };
        self.open_dialog(
            ctx,
            DialogKind::SaveCorrected {
                folder,
                file_name: format!("{stem}_corrected.csv"),
            },
        );
    }

    /// Writes the data set with its corrections to `path`, and the change log beside it, in the
    /// background. The file the data set came from is never written.
    pub fn save_corrected_to(&mut self, ctx: &egui::Context, path: PathBuf) {
        let source = match &self.open.source {
            DatasetSource::Path(source) => Some(source.clone()),
            DatasetSource::Demo => None,
        };
        let repaint = ctx.clone();
        let job = SaveJob::start(
            self.open.dataset.clone(),
            self.corrections.clone(),
            path,
            source,
            move || repaint.request_repaint(),
        );
        self.saving = Some(job);
    }

    /// The save in progress, if any.
    pub fn saving(&self) -> Option<&SaveJob> {
        self.saving.as_ref()
    }

    /// Starts a training run on the open data set (as it is now, corrections included) with
    /// the Training view's settings, unless one is running.
    pub fn start_training(&mut self, ctx: &egui::Context) {
        if self.training.active().is_some() {
            return;
        }
        let dataset = std::sync::Arc::new(self.open.dataset.clone());
        let repaint = ctx.clone();
        let run = RunRecord::start(
            self.training.runs.len() + 1,
            dataset,
            self.open.name(),
            self.training.settings.clone(),
            move || repaint.request_repaint(),
        );
        self.training.runs.push(run);
    }

    /// The model the Evaluation and Classify views use: the one opened or trained last.
    pub fn current_model(&self) -> Option<Arc<FaceModel>> {
        self.selected_model.as_ref().map(|(_, m)| Arc::clone(m))
    }

    /// The name of [`FacelabApp::current_model`].
    pub fn current_model_name(&self) -> Option<String> {
        self.selected_model.as_ref().map(|(n, _)| n.clone())
    }

    /// Loads the model in `folder` in the background; it becomes the current model.
    pub fn open_model(&mut self, ctx: &egui::Context, folder: PathBuf) {
        let repaint = ctx.clone();
        self.model_jobs.loading_model = Some(Job::start(
            "model",
            move || {
                FaceModel::load(&folder, &candle_core::Device::Cpu)
                    .map(|model| OpenedModel {
                        model: Arc::new(model),
                        folder,
                    })
                    .map_err(|e| e.to_string())
            },
            move || repaint.request_repaint(),
        ));
    }

    /// Evaluates the current model on the open data set in the background: on its test split
    /// where this is the data it was trained on, on every face otherwise.
    pub fn start_evaluation(&mut self, ctx: &egui::Context) {
        let Some((model_name, model)) = self.selected_model.clone() else {
            return;
        };
        let dataset = self.open.dataset.clone();
        let repaint = ctx.clone();
        self.model_jobs.evaluating = Some(Job::start(
            "evaluation",
            move || {
                let (rows, scope) = crate::eval::rows_to_evaluate(&model, &dataset, false)
                    .map_err(|e| e.to_string())?;
                let evaluation =
                    crate::eval::evaluate(&model, &dataset, &rows).map_err(|e| e.to_string())?;
                Ok(ShownEvaluation {
                    model_name,
                    scope,
                    evaluation,
                })
            },
            move || repaint.request_repaint(),
        ));
    }

    /// Writes the model of training run `run` (its best epoch's weights), its card and
    /// `metrics.csv` into `folder` in the background, each file through a temporary file.
    pub fn save_run_model(&mut self, ctx: &egui::Context, run: usize, folder: PathBuf) {
        let Some(model) = self.training.runs.get(run).and_then(|r| r.model.clone()) else {
            return;
        };
        let repaint = ctx.clone();
        self.model_jobs.saving_model = Some(Job::start(
            "save-model",
            move || {
                model.save(&folder).map_err(|e| e.to_string())?;
                let epochs = model
                    .card
                    .training
                    .as_ref()
                    .map_or(&[][..], |t| &t.epochs[..]);
                crate::train::metrics_file::write_metrics_csv(&folder.join("metrics.csv"), epochs)
                    .map_err(|e| e.to_string())?;
                Ok(folder)
            },
            move || repaint.request_repaint(),
        ));
    }

    /// Decodes the photo at `path` in the background and shows it in the Classify view.
    pub fn classify_photo(&mut self, ctx: &egui::Context, path: PathBuf) {
        let repaint = ctx.clone();
        self.view = View::Classify;
        self.model_jobs.decoding_photo = Some(Job::start(
            "photo",
            move || {
                decode_image_file(&path)
                    .map(|image| PhotoToClassify::new(path, image))
                    .map_err(|e| e.to_string())
            },
            move || repaint.request_repaint(),
        ));
    }

    /// Takes the results of finished model, evaluation and photo jobs, and makes a newly
    /// trained model the current one.
    fn finish_model_jobs(&mut self) {
        if self.training.latest_model_is_new()
            && let Some((name, model)) = self.training.latest_model()
        {
            self.selected_model = Some((name.to_string(), Arc::clone(model)));
            self.evaluation = None;
            if let Some(photo) = &mut self.photo {
                photo.probabilities = None;
            }
        }
        if let Some(result) = self.model_jobs.loading_model.as_ref().and_then(Job::poll) {
            self.model_jobs.loading_model = None;
            match result {
                Ok(opened) => {
                    let folder = opened.folder.display().to_string();
                    self.tell(MessageLevel::Info, format!("Opened the model in {folder}."));
                    let name = opened.folder.file_name().map_or(folder, |n| {
                        format!("{} ({})", n.to_string_lossy(), opened.model.card.preset)
                    });
                    if let Some(photo) = &mut self.photo {
                        photo.probabilities = None;
                    }
                    self.evaluation = None;
                    self.selected_model = Some((name, opened.model));
                }
                Err(error) => self.tell(MessageLevel::Error, format!("Model not opened: {error}")),
            }
        }
        if let Some(result) = self.model_jobs.evaluating.as_ref().and_then(Job::poll) {
            self.model_jobs.evaluating = None;
            match result {
                Ok(shown) => self.evaluation = Some(shown),
                Err(error) => self.tell(MessageLevel::Error, format!("Not evaluated: {error}")),
            }
        }
        if let Some(result) = self.model_jobs.saving_model.as_ref().and_then(Job::poll) {
            self.model_jobs.saving_model = None;
            match result {
                Ok(folder) => self.tell(
                    MessageLevel::Info,
                    format!("Saved the model to {}.", folder.display()),
                ),
                Err(error) => self.tell(MessageLevel::Error, format!("Model not saved: {error}")),
            }
        }
        if let Some(result) = self.model_jobs.decoding_photo.as_ref().and_then(Job::poll) {
            self.model_jobs.decoding_photo = None;
            match result {
                Ok(photo) => self.photo = Some(photo),
                Err(error) => self.tell(MessageLevel::Error, error),
            }
        }
    }

    /// Shows a new random grid.
    pub fn reshuffle(&mut self) {
        let seed = self.explorer.grid.next_seed();
        self.show_grid_for_seed(seed);
    }

    /// Shows the grid a seed gives with the current filter.
    pub fn show_grid_for_seed(&mut self, seed: u64) {
        self.explorer.grid = FaceGrid::draw(seed, &self.explorer.matching);
    }

    /// The texture of face `row` of the open data set, uploaded once and then reused.
    pub fn face_texture(&mut self, ctx: &egui::Context, row: usize) -> egui::TextureId {
        self.textures.get(ctx, &self.open.dataset, row)
    }

    /// The face textures held now.
    pub fn textures(&self) -> &FaceTextures {
        &self.textures
    }

    /// Adds a message for the user.
    pub fn tell(&mut self, level: MessageLevel, text: impl Into<String>) {
        let text = text.into();
        match level {
            MessageLevel::Error => log::error!("{text}"),
            MessageLevel::Warning => log::warn!("{text}"),
            MessageLevel::Info => log::info!("{text}"),
        }
        self.messages.push(UserMessage { level, text });
    }

    /// Draws the whole window; called every frame.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.finish_load();
        self.finish_save();
        self.finish_dialog(&ctx);
        self.open_dropped_files(&ctx);
        self.training.poll();
        self.finish_model_jobs();
        if ui.input(|i| i.key_pressed(egui::Key::R)) && !ctx.egui_wants_keyboard_input() {
            self.reshuffle();
        }

        status::top_bar(self, ui);
        status::bottom_bar(self, ui);
        if matches!(self.view, View::Overview | View::Faces) {
            egui::Panel::left("filters")
                .resizable(false)
                .show(ui, |ui| filters::ui(self, ui));
        }
        egui::CentralPanel::default().show(ui, |ui| match self.view {
            View::Overview => overview::ui(self, ui),
            View::Faces => faces::ui(self, ui),
            View::Training => training::ui(self, ui),
            View::Evaluation => evaluation::ui(self, ui),
            View::Classify => classify::ui(self, ui),
        });
        faces::large_face_window(self, &ctx);
        corrections::corrections_window(self, &ctx);
        status::skipped_rows_window(self, &ctx);
    }

    /// Takes the outcome of a finished load.
    fn finish_load(&mut self) {
        let Some(outcome) = self.loading.as_ref().and_then(LoadJob::poll) else {
            return;
        };
        let Some(job) = self.loading.take() else {
            return;
        };
        match outcome {
            Ok(loaded) => self.replace_dataset(job.path(), loaded),
            Err(DataError::Cancelled { path }) => self.tell(
                MessageLevel::Info,
                format!(
                    "Stopped loading {}; the data set shown is unchanged.",
                    path.display()
                ),
            ),
            Err(error) => self.tell(
                MessageLevel::Error,
                format!("{error}. The data set shown is unchanged."),
            ),
        }
    }

    /// Reports a finished save.
    fn finish_save(&mut self) {
        let Some(outcome) = self.saving.as_ref().and_then(SaveJob::poll) else {
            return;
        };
        let Some(job) = self.saving.take() else {
            return;
        };
        match outcome {
            Ok(()) => self.tell(
                MessageLevel::Info,
                format!(
                    "Saved the data set with {} corrected faces to {}, and the changes to {}.",
                    job.corrections(),
                    job.path().display(),
                    change_log_path(job.path()).display()
                ),
            ),
            Err(error) => self.tell(MessageLevel::Error, format!("Not saved: {error}")),
        }
    }

    /// Shows a newly loaded data set.
    fn replace_dataset(&mut self, path: &Path, loaded: LoadedDataset) {
        let LoadedDataset { dataset, report } = loaded;
        if !self.corrections.is_empty() {
            let text = format!(
                "{} corrections to {} were left unsaved.",
                self.corrections.len(),
                self.open.name()
            );
            self.tell(MessageLevel::Warning, text);
        }
        self.corrections = Corrections::default();
        let skipped = report.skipped.len();
        self.explorer = Explorer::new(&dataset, FaceFilter::default(), self.explorer.grid.seed);
        self.textures.clear();
        self.open = OpenDataset {
            dataset,
            source: DatasetSource::Path(path.to_path_buf()),
            report,
        };
        self.messages.retain(|m| m.level != MessageLevel::Info);
        if skipped > 0 {
            let text = format!(
                "{skipped} rows of {} were skipped; see \"Skipped rows\".",
                self.open.name()
            );
            self.tell(MessageLevel::Warning, text);
        }
        if let Some(reason) = self.open.report.ended_early.clone() {
            self.tell(MessageLevel::Warning, reason);
        }
    }

    /// Opens what a closed file dialog chose.
    fn finish_dialog(&mut self, ctx: &egui::Context) {
        let Some(answer) = self.dialog.as_ref().and_then(PendingDialog::poll) else {
            return;
        };
        let Some(dialog) = self.dialog.take() else {
            return;
        };
        let Some(path) = answer else {
            if dialog.closed_unseen() {
                self.tell(
                    MessageLevel::Warning,
                    "No file dialog could be shown (no file-chooser portal, and no zenity). Pass the \
                     file on the command line (facelab FILE) or drop it on the window.",
                );
            }
            return;
        };
        match dialog.kind() {
            DialogKind::SaveCorrected { .. } => self.save_corrected_to(ctx, path),
            DialogKind::DataFile | DialogKind::ImageFolder => self.open_path(ctx, path),
            DialogKind::ModelFolder => self.open_model(ctx, path),
            DialogKind::Photo => self.classify_photo(ctx, path),
            DialogKind::SaveModel { run } => self.save_run_model(ctx, *run, path),
        }
    }

    /// Opens a data file or folder dropped on the window.
    fn open_dropped_files(&mut self, ctx: &egui::Context) {
        let dropped = ctx.input(|i| i.raw.dropped_files.clone());
        for file in dropped {
            let path = file.path().to_path_buf();
            if looks_like_data(&path) {
                self.open_path(ctx, path);
                return;
            }
            if looks_like_photo(&path) {
                self.classify_photo(ctx, path);
                return;
            }
            self.tell(
                MessageLevel::Warning,
                format!(
                    "{} is neither a data set (an age_gender.csv, a .csv.gz or a UTKFace folder) \
                     nor a photo (jpg, png, webp, bmp).",
                    path.display()
                ),
            );
        }
    }
}

/// Whether a dropped path is something the loader reads: a folder, `.csv` or `.gz`.
fn looks_like_data(path: &Path) -> bool {
    path.is_dir()
        || path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("csv") || e.eq_ignore_ascii_case("gz"))
}

/// Whether a dropped path is a photo to classify.
fn looks_like_photo(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["jpg", "jpeg", "png", "webp", "bmp"]
            .iter()
            .any(|known| e.eq_ignore_ascii_case(known))
    })
}

impl eframe::App for FacelabApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        FacelabApp::ui(self, ui);
    }
}
