//! The description of a network: what [`crate::model::FaceNet`] builds, stored in every
//! checkpoint so that a saved model can be rebuilt.

use serde::{Deserialize, Serialize};

use crate::data::FACE_SIDE;

/// How a convolution block reduces the size of its output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pooling {
    /// No pooling.
    None,
    /// 2 x 2 max pooling, stride 2.
    Max2,
}

/// One convolution stage: `convs` convolutions (each optionally batch-normalised, then ReLU),
/// then pooling and dropout.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConvBlock {
    /// Output channels of each convolution.
    pub channels: usize,
    /// How many convolutions the block stacks.
    pub convs: usize,
    /// Kernel side (odd: 3 or 5).
    pub kernel: usize,
    /// Whether the convolutions pad their input to keep its size ("same") or not ("valid").
    pub same_padding: bool,
    /// Batch normalisation after each convolution.
    pub batch_norm: bool,
    /// Pooling after the last convolution.
    pub pooling: Pooling,
    /// Dropout probability after pooling (0 for none).
    pub dropout: f32,
}

/// How the last feature map becomes a vector for the dense head.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Readout {
    /// Every value of the feature map, flattened (as Keras' `Flatten`).
    Flatten,
    /// The mean of each channel over the map (global average pooling).
    GlobalAverage,
}

/// A convolutional network for 48x48 grayscale faces and two classes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetConfig {
    /// The convolution stages, input first.
    pub blocks: Vec<ConvBlock>,
    /// How the feature map becomes a vector.
    pub readout: Readout,
    /// Widths of the hidden dense layers (ReLU), possibly none.
    pub dense: Vec<usize>,
    /// Dropout probability before the output layer.
    pub head_dropout: f32,
    /// Number of classes.
    pub classes: usize,
}

/// Why a network description cannot be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NetConfigError {
    /// The network has no convolution block.
    #[error("the network needs at least one convolution block")]
    NoBlocks,
    /// A size is zero or a kernel is even.
    #[error("block {block}: {what}")]
    BadBlock {
        /// The block, counting from 1.
        block: usize,
        /// What is wrong with it.
        what: String,
    },
    /// The blocks shrink the face to nothing.
    #[error("block {block} gets a {side}x{side} map, too small for its {kernel}x{kernel} kernel")]
    TooSmall {
        /// The block, counting from 1.
        block: usize,
        /// The side of the map it receives.
        side: usize,
        /// Its kernel side.
        kernel: usize,
    },
    /// A dropout probability outside 0 to 1.
    #[error("dropout {0} must be at least 0 and below 1")]
    BadDropout(f32),
    /// Fewer than two classes.
    #[error("a classifier needs at least two classes, not {0}")]
    BadClasses(usize),
}

impl NetConfig {
    /// The well-known Keras network for this data: 3x3 convolutions with 32, 64 and 128
    /// channels ("valid" padding, no batch norm), each followed by 2x2 max pooling, then
    /// Dense 128, dropout 0.5 and the two outputs.
    pub fn classic() -> Self {
        let block = |channels| ConvBlock {
            channels,
            convs: 1,
            kernel: 3,
            same_padding: false,
            batch_norm: false,
            pooling: Pooling::Max2,
            dropout: 0.0,
        };
        Self {
            blocks: vec![block(32), block(64), block(128)],
            readout: Readout::Flatten,
            dense: vec![128],
            head_dropout: 0.5,
            classes: 2,
        }
    }

    /// A modern small network: four stages of two "same" 3x3 convolutions with batch norm
    /// (`width`, 2x, 4x, 8x channels), each stage max-pooled, then global average pooling,
    /// dropout 0.3 and the outputs. `width` 32 is the strongest; 16 costs a quarter.
    pub fn modern(width: usize) -> Self {
        let block = |channels| ConvBlock {
            channels,
            convs: 2,
            kernel: 3,
            same_padding: true,
            batch_norm: true,
            pooling: Pooling::Max2,
            dropout: 0.0,
        };
        Self {
            blocks: vec![
                block(width),
                block(2 * width),
                block(4 * width),
                block(8 * width),
            ],
            readout: Readout::GlobalAverage,
            dense: vec![],
            head_dropout: 0.3,
            classes: 2,
        }
    }

    /// Checks the description and returns the length of the vector the dense head receives.
    pub fn validate(&self) -> Result<usize, NetConfigError> {
        if self.blocks.is_empty() {
            return Err(NetConfigError::NoBlocks);
        }
        if self.classes < 2 {
            return Err(NetConfigError::BadClasses(self.classes));
        }
        let dropout_ok = |p: f32| (0.0..1.0).contains(&p);
        if !dropout_ok(self.head_dropout) {
            return Err(NetConfigError::BadDropout(self.head_dropout));
        }
        let mut side = FACE_SIDE;
        for (i, block) in self.blocks.iter().enumerate() {
            let number = i + 1;
            let bad = |what: &str| NetConfigError::BadBlock {
                block: number,
                what: what.to_string(),
            };
            if block.channels == 0 || block.convs == 0 {
                return Err(bad("channels and convolutions must be at least 1"));
            }
            if block.kernel % 2 == 0 {
                return Err(bad("the kernel side must be odd"));
            }
            if !dropout_ok(block.dropout) {
                return Err(NetConfigError::BadDropout(block.dropout));
            }
            for _ in 0..block.convs {
                if !block.same_padding {
                    if side < block.kernel {
                        return Err(NetConfigError::TooSmall {
                            block: number,
                            side,
                            kernel: block.kernel,
                        });
                    }
                    side = side + 1 - block.kernel;
                }
            }
            if block.pooling == Pooling::Max2 {
                if side < 2 {
                    return Err(NetConfigError::TooSmall {
                        block: number,
                        side,
                        kernel: 2,
                    });
                }
                side /= 2;
            }
        }
        let channels = self.blocks.last().map_or(1, |b| b.channels);
        Ok(match self.readout {
            Readout::Flatten => channels * side * side,
            Readout::GlobalAverage => channels,
        })
    }

    /// Multiply-adds of one forward pass for one face, for speed estimates.
    pub fn forward_macs(&self) -> u64 {
        let mut side = FACE_SIDE as u64;
        let mut channels = 1u64;
        let mut macs = 0u64;
        for block in &self.blocks {
            for _ in 0..block.convs {
                if !block.same_padding {
                    side = side + 1 - block.kernel as u64;
                }
                let k = block.kernel as u64;
                macs += side * side * channels * block.channels as u64 * k * k;
                channels = block.channels as u64;
            }
            if block.pooling == Pooling::Max2 {
                side /= 2;
            }
        }
        let mut width = match self.readout {
            Readout::Flatten => channels * side * side,
            Readout::GlobalAverage => channels,
        };
        for &dense in self.dense.iter().chain([self.classes].iter()) {
            macs += width * dense as u64;
            width = dense as u64;
        }
        macs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classic_feeds_a_4x4x128_map_to_the_head() {
        assert_eq!(NetConfig::classic().validate(), Ok(128 * 4 * 4));
        // About 13.7 million multiply-adds (27 MFLOP), nearly all in the convolutions.
        let macs = NetConfig::classic().forward_macs();
        assert!((10_000_000..20_000_000).contains(&macs), "{macs}");
    }

    #[test]
    fn modern_reads_out_one_value_per_channel() {
        assert_eq!(NetConfig::modern(16).validate(), Ok(128));
    }

    #[test]
    fn impossible_networks_are_refused() {
        let mut config = NetConfig::classic();
        config.blocks[0].kernel = 4;
        assert!(matches!(
            config.validate(),
            Err(NetConfigError::BadBlock { block: 1, .. })
        ));

        let mut config = NetConfig::classic();
        for _ in 0..4 {
            config.blocks.push(config.blocks[0].clone());
        }
        assert!(matches!(
            config.validate(),
            Err(NetConfigError::TooSmall { .. })
        ));

        let mut config = NetConfig::classic();
        config.head_dropout = 1.0;
        assert_eq!(config.validate(), Err(NetConfigError::BadDropout(1.0)));
    }
}
