//! [`FaceNet`]: the convolutional network a [`NetConfig`] describes, built with candle-nn.

use candle_core::{DType, Device, Module, Tensor};
use candle_nn::{Linear, VarBuilder, VarMap};

use super::config::{NetConfig, Pooling, Readout};
use super::error::ModelError;
use super::layers;
use super::norm::NormLayer;
use crate::rng::SeededRng;

/// One convolution with its optional batch norm.
struct ConvLayer {
    weight: Tensor,
    bias: Option<Tensor>,
    batch_norm: Option<NormLayer>,
    padding: usize,
}

/// How feature maps are laid out while the network runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapLayout {
    /// `[batch, height, width, channels]` with our CPU kernels: the fast path on the CPU.
    ChannelsLast,
    /// `[batch, channels, height, width]` with candle's own operations: any device.
    ChannelsFirst,
}

/// A built network: its parameters live in the [`VarMap`] it was built with.
pub struct FaceNet {
    config: NetConfig,
    layout: MapLayout,
    blocks: Vec<(Vec<ConvLayer>, Pooling, f32)>,
    dense: Vec<Linear>,
    output: Linear,
}

/// Randomness for dropout during training; `None` runs the network for inference.
pub type DropoutRng<'a> = Option<&'a mut SeededRng>;

impl FaceNet {
    /// Builds the network described by `config` with fresh parameters in `vars`, on `device`.
    pub fn new(config: &NetConfig, vars: &VarMap, device: &Device) -> Result<Self, ModelError> {
        let head_inputs = config.validate()?;
        let vb = VarBuilder::from_varmap(vars, DType::F32, device);
        let mut blocks = Vec::with_capacity(config.blocks.len());
        let mut in_channels = 1;
        for (b, block) in config.blocks.iter().enumerate() {
            let mut convs = Vec::with_capacity(block.convs);
            for c in 0..block.convs {
                let vb = vb.pp(format!("block{b}.conv{c}"));
                let shape = (block.channels, in_channels, block.kernel, block.kernel);
                let weight = vb.get_with_hints(shape, "weight", ZERO)?;
                let (bias, batch_norm) = if block.batch_norm {
                    (None, Some(NormLayer::new(block.channels, vb.pp("bn"))?))
                } else {
                    (Some(vb.get_with_hints(block.channels, "bias", ZERO)?), None)
                };
                convs.push(ConvLayer {
                    weight,
                    bias,
                    batch_norm,
                    padding: if block.same_padding {
                        block.kernel / 2
                    } else {
                        0
                    },
                });
                in_channels = block.channels;
            }
            blocks.push((convs, block.pooling, block.dropout));
        }

        let mut dense = Vec::with_capacity(config.dense.len());
        let mut width = head_inputs;
        for (d, &units) in config.dense.iter().enumerate() {
            dense.push(candle_nn::linear(width, units, vb.pp(format!("dense{d}")))?);
            width = units;
        }
        let output = candle_nn::linear(width, config.classes, vb.pp("output"))?;
        let layout = if device.is_cpu() {
            MapLayout::ChannelsLast
        } else {
            MapLayout::ChannelsFirst
        };
        Ok(Self {
            config: config.clone(),
            layout,
            blocks,
            dense,
            output,
        })
    }

    /// The description the network was built from.
    pub fn config(&self) -> &NetConfig {
        &self.config
    }

    /// The layout the network runs in.
    pub fn layout(&self) -> MapLayout {
        self.layout
    }

    /// Runs the network in another layout (channels-last works on the CPU only); both give the
    /// same results, which the tests check.
    pub fn set_layout(&mut self, layout: MapLayout) {
        self.layout = layout;
    }

    /// The class scores (logits, `[batch, classes]`) of normalised faces `[batch, 1, 48, 48]`.
    /// With a dropout generator the network runs in training mode (dropout on, batch norm on
    /// batch statistics, updating its running statistics); without, in inference mode.
    pub fn forward(&self, faces: &Tensor, mut dropout: DropoutRng) -> Result<Tensor, ModelError> {
        let train = dropout.is_some();
        // The parameters are variables, so candle records every result's inputs for
        // backpropagation, which keeps every map of the pass alive until the scores are dropped
        // (over a gigabyte for 256 faces of `modern-small`). Inference cuts that record after each layer.
        let settle = |t: Tensor| if train { t } else { t.detach() };
        let channels_last = self.layout == MapLayout::ChannelsLast;
        let (n, _, h, w) = faces.dims4()?;
        let mut x = if channels_last {
            faces.reshape((n, h, w, 1))?
        } else {
            faces.clone()
        };
        for (convs, pooling, drop) in &self.blocks {
            let mut pooled = false;
            for (index, conv) in convs.iter().enumerate() {
                // On the CPU, ReLU joins the convolution, or the batch norm where there is one;
                // so does the block's pooling after its last convolution without batch norm.
                let fuse_relu = channels_last && conv.batch_norm.is_none();
                let fuse_pool = fuse_relu && *pooling == Pooling::Max2 && index + 1 == convs.len();
                let bias = conv.bias.as_ref();
                x = if fuse_pool {
                    pooled = true;
                    layers::conv2d_relu_pool_nhwc(&x, &conv.weight, bias, conv.padding)?
                } else if channels_last {
                    layers::conv2d_nhwc(&x, &conv.weight, bias, conv.padding, fuse_relu)?
                } else {
                    layers::conv2d(&x, &conv.weight, bias, conv.padding)?
                };
                x = match (&conv.batch_norm, channels_last) {
                    (Some(bn), true) => {
                        let (b, h, w, c) = x.dims4()?;
                        let rows = x.reshape((b * h * w, c))?;
                        bn.forward_rows_relu(&rows, train)?.reshape((b, h, w, c))?
                    }
                    (Some(bn), false) => bn.forward_nchw(&x, train)?.relu()?,
                    (None, true) => x,
                    (None, false) => x.relu()?,
                };
                x = settle(x);
            }
            if *pooling == Pooling::Max2 && !pooled {
                x = if channels_last {
                    layers::max_pool2_nhwc(&x)?
                } else {
                    layers::max_pool2(&x)?
                };
            }
            if let Some(rng) = dropout.as_deref_mut() {
                x = layers::dropout(&x, *drop, rng)?;
            }
            x = settle(x);
        }
        // The flattened order is channels-last in both layouts, as in Keras, so that weights
        // trained in one layout work in the other.
        x = match (self.config.readout, channels_last) {
            (Readout::Flatten, true) => x.flatten_from(1)?,
            (Readout::Flatten, false) => x.permute((0, 2, 3, 1))?.flatten_from(1)?,
            (Readout::GlobalAverage, true) => x.mean(2)?.mean(1)?,
            (Readout::GlobalAverage, false) => x.mean(3)?.mean(2)?,
        };
        for layer in &self.dense {
            x = layer.forward(&x)?.relu()?;
        }
        if let Some(rng) = dropout {
            x = layers::dropout(&x, self.config.head_dropout, rng)?;
        }
        Ok(self.output.forward(&x)?)
    }
}

/// Parameters are created as zeros; [`super::init::initialize`] gives them seeded values.
const ZERO: candle_nn::Init = candle_nn::Init::Const(0.0);
