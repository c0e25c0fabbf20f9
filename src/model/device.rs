//! Which device runs a model: the CPU by default, a CUDA GPU where facelab was built with the
//! `cuda` feature and one is present.

use candle_core::Device;
use serde::{Deserialize, Serialize};

/// The device a user asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum DeviceRequest {
    /// The CPU.
    #[default]
    Cpu,
    /// The first CUDA GPU, falling back to the CPU where there is none.
    Cuda,
}

impl DeviceRequest {
    /// The name used on the command line and in the window.
    pub fn name(self) -> &'static str {
        match self {
            DeviceRequest::Cpu => "cpu",
            DeviceRequest::Cuda => "cuda",
        }
    }
}

/// The device chosen, its name for people, and a note when it is not the one asked for.
#[derive(Debug, Clone)]
pub struct ChosenDevice {
    /// The device.
    pub device: Device,
    /// "CPU (2 threads)" or "CUDA GPU 0".
    pub description: String,
    /// Why the CPU runs although a GPU was asked for.
    pub fallback_note: Option<String>,
}

/// Whether this build can use CUDA at all.
pub fn cuda_built_in() -> bool {
    cfg!(feature = "cuda")
}

/// Picks the device for `request`. Never fails: where CUDA is asked for but cannot be used,
/// the CPU is chosen and the note says why.
pub fn choose_device(request: DeviceRequest) -> ChosenDevice {
    let cpu = |note: Option<String>| ChosenDevice {
        device: Device::Cpu,
        description: format!("CPU ({} threads)", rayon::current_num_threads()),
        fallback_note: note,
    };
    match request {
        DeviceRequest::Cpu => cpu(None),
        DeviceRequest::Cuda if !cuda_built_in() => cpu(Some(
            "this facelab was built without CUDA (scripts/build-cuda.sh builds it with CUDA); \
             training on the CPU"
                .to_string(),
        )),
        DeviceRequest::Cuda => match Device::new_cuda(0) {
            Ok(device) => ChosenDevice {
                device,
                description: "CUDA GPU 0".to_string(),
                fallback_note: None,
            },
            Err(error) => cpu(Some(format!(
                "no usable CUDA GPU ({}); training on the CPU",
                without_backtrace(&error)
            ))),
        },
    }
}

/// A candle error's message without the backtrace candle attaches when `RUST_BACKTRACE` is set.
fn without_backtrace(error: &candle_core::Error) -> String {
    match error {
        candle_core::Error::WithBacktrace { inner, .. } => without_backtrace(inner),
        other => other.to_string(),
    }
}
