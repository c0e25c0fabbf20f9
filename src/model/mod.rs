//! The model layer: Candle and nothing else. A [`NetConfig`] describes a CNN, [`FaceNet`]
//! builds it, [`FaceModel`] holds it with its parameters and its [`ModelCard`] and saves and
//! loads it; optimizers, learning-rate schedules and the device choice live here too.

pub mod card;
pub mod config;
pub mod cpu_ops;
pub mod device;
pub mod error;
pub mod face_model;
pub mod init;
pub mod layers;
pub mod net;
pub mod norm;
pub mod optim;
pub mod schedule;

pub use card::{EpochRecord, ModelCard, Normalization, TrainingRecord};
pub use config::{ConvBlock, NetConfig, NetConfigError, Pooling, Readout};
pub use device::{ChosenDevice, DeviceRequest, choose_device};
pub use error::ModelError;
pub use face_model::{CARD_FILE, FaceModel, WEIGHTS_FILE, read_card};
pub use net::{FaceNet, MapLayout};
pub use optim::{
    AnyOptimizer, OptimizerKind, RmsProp, RmsPropConfig, SgdMomentum, SgdMomentumConfig,
};
pub use schedule::LrSchedule;
