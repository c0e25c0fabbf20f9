//! The channels-last CPU kernels against candle's own operations: outputs and gradients agree
//! within 1e-4, and the whole network gives the same scores in both layouts.

use candle_core::backprop::GradStore;
use candle_core::{D, DType, Device, Tensor, Var};
use facelab::model::layers::{
    conv2d, conv2d_nhwc, conv2d_relu_pool_nhwc, max_pool2, max_pool2_nhwc,
};
use facelab::model::{FaceModel, MapLayout, NetConfig, Normalization};

const TOLERANCE: f32 = 1e-4;

fn max_difference(a: &Tensor, b: &Tensor) -> f32 {
    assert_eq!(a.dims(), b.dims());
    (a - b)
        .unwrap()
        .abs()
        .unwrap()
        .flatten_all()
        .unwrap()
        .max(0)
        .unwrap()
        .to_scalar()
        .unwrap()
}

fn random(shape: &[usize], seed: u64) -> Tensor {
    let mut rng = facelab::rng::SeededRng::new(seed);
    let count: usize = shape.iter().product();
    let values: Vec<f32> = (0..count).map(|_| rng.range_f32(-1.0, 1.0)).collect();
    Tensor::from_vec(values, shape, &Device::Cpu).unwrap()
}

/// The gradients of a loss that weighs every value of `x` differently, so that every gradient
/// entry is tested.
fn weighted_sum_grads(x: &Tensor, weights: &Tensor) -> GradStore {
    (x * weights)
        .unwrap()
        .sum_all()
        .unwrap()
        .backward()
        .unwrap()
}

fn nchw_to_nhwc(x: &Tensor) -> Tensor {
    x.permute((0, 2, 3, 1)).unwrap().contiguous().unwrap()
}

/// Convolution outputs and the gradients of input, kernel and bias, for several shapes, with
/// and without padding.
#[test]
fn convolution_and_its_gradients_match_candle() {
    let cases = [
        // batch, in, out, side, kernel, padding
        (2, 1, 4, 9, 3, 0),
        (3, 3, 5, 8, 3, 1),
        (2, 4, 6, 7, 5, 2),
        (1, 2, 3, 5, 3, 0),
    ];
    for (seed, &(b, cin, cout, side, k, pad)) in cases.iter().enumerate() {
        let seed = seed as u64 * 10;
        let x = Var::from_tensor(&random(&[b, cin, side, side], seed)).unwrap();
        let w = Var::from_tensor(&random(&[cout, cin, k, k], seed + 1)).unwrap();
        let bias = Var::from_tensor(&random(&[cout], seed + 2)).unwrap();
        // A loss that weighs every output differently, so every gradient entry is tested.
        let out_side = side + 2 * pad + 1 - k;
        let weights = random(&[b, cout, out_side, out_side], seed + 3);

        let reference = conv2d(x.as_tensor(), w.as_tensor(), Some(bias.as_tensor()), pad).unwrap();
        let ref_grads = weighted_sum_grads(&reference, &weights);

        let x_nhwc = nchw_to_nhwc(x.as_tensor());
        let ours = conv2d_nhwc(&x_nhwc, w.as_tensor(), Some(bias.as_tensor()), pad, false).unwrap();
        let ours_nchw = ours.permute((0, 3, 1, 2)).unwrap();
        assert!(
            max_difference(&ours_nchw, &reference) < TOLERANCE,
            "output, case {seed}"
        );
        let our_grads = weighted_sum_grads(&ours_nchw, &weights);

        for (name, var) in [("kernel", &w), ("bias", &bias), ("input", &x)] {
            let a = ref_grads.get(var).unwrap();
            let g = our_grads.get(var).unwrap();
            assert!(
                max_difference(a, g) < TOLERANCE,
                "{name} gradient, case {seed}"
            );
        }
    }
}

/// Convolution, ReLU and pooling as one op against candle's three: outputs and gradients,
/// with even and odd map sides, with padding, and for an input that needs no gradient (the
/// faces), where the op skips the input's gradient.
#[test]
fn fused_convolution_relu_and_pooling_match_candle() {
    let cases = [
        // batch, in, out, side, kernel, padding, input has a gradient
        (2, 1, 4, 10, 3, 0, false),
        (2, 3, 5, 9, 3, 0, true),
        (3, 2, 4, 8, 3, 1, true),
        (1, 4, 6, 11, 5, 2, true),
    ];
    for (case, &(b, cin, cout, side, k, pad, input_grad)) in cases.iter().enumerate() {
        let seed = 100 + case as u64 * 10;
        let x = Var::from_tensor(&random(&[b, cin, side, side], seed)).unwrap();
        let w = Var::from_tensor(&random(&[cout, cin, k, k], seed + 1)).unwrap();
        let bias = Var::from_tensor(&random(&[cout], seed + 2)).unwrap();
        let pooled_side = (side + 2 * pad + 1 - k) / 2;
        let weights = random(&[b, cout, pooled_side, pooled_side], seed + 3);
        let input = if input_grad {
            x.as_tensor().clone()
        } else {
            x.as_tensor().detach()
        };

        let conv = conv2d(&input, w.as_tensor(), Some(bias.as_tensor()), pad).unwrap();
        let reference = max_pool2(&conv.relu().unwrap()).unwrap();
        let ref_grads = weighted_sum_grads(&reference, &weights);

        let ours = conv2d_relu_pool_nhwc(
            &nchw_to_nhwc(&input),
            w.as_tensor(),
            Some(bias.as_tensor()),
            pad,
        )
        .unwrap()
        .permute((0, 3, 1, 2))
        .unwrap();
        assert!(
            max_difference(&ours, &reference) < TOLERANCE,
            "output, case {case}"
        );
        let our_grads = weighted_sum_grads(&ours, &weights);
        for (name, var) in [("kernel", &w), ("bias", &bias), ("input", &x)] {
            match (ref_grads.get(var), our_grads.get(var)) {
                (Some(a), Some(g)) => assert!(
                    max_difference(a, g) < TOLERANCE,
                    "{name} gradient, case {case}"
                ),
                (None, None) => assert!(!input_grad && name == "input", "case {case}"),
                _ => panic!("{name} gradient present on one side only, case {case}"),
            }
        }
    }
}

#[test]
fn max_pooling_and_its_gradient_match_candle() {
    for (seed, &(b, c, h, w)) in [(2, 3, 8, 8), (1, 4, 7, 9), (3, 1, 2, 2)]
        .iter()
        .enumerate()
    {
        let x = Var::from_tensor(&random(&[b, c, h, w], seed as u64)).unwrap();
        let weights = random(&[b, c, h / 2, w / 2], 99);

        let reference = max_pool2(x.as_tensor()).unwrap();
        let ref_grad = weighted_sum_grads(&reference, &weights);

        let ours = max_pool2_nhwc(&nchw_to_nhwc(x.as_tensor()))
            .unwrap()
            .permute((0, 3, 1, 2))
            .unwrap();
        assert!(max_difference(&ours, &reference) < TOLERANCE);
        let our_grad = weighted_sum_grads(&ours, &weights);
        assert!(max_difference(ref_grad.get(&x).unwrap(), our_grad.get(&x).unwrap()) < TOLERANCE);
    }
}

#[test]
fn ties_in_a_pooling_window_send_the_gradient_to_one_place() {
    let x =
        Var::from_tensor(&Tensor::ones((1, 2, 2, 1), DType::F32, &Device::Cpu).unwrap()).unwrap();
    let pooled = max_pool2_nhwc(x.as_tensor()).unwrap();
    let grads = pooled.sum_all().unwrap().backward().unwrap();
    let grad: Vec<f32> = grads
        .get(&x)
        .unwrap()
        .flatten_all()
        .unwrap()
        .to_vec1()
        .unwrap();
    assert_eq!(grad, vec![1.0, 0.0, 0.0, 0.0]);
}

/// Both presets' networks give the same scores, and the same parameter gradients in training
/// mode, in both layouts.
#[test]
fn the_network_is_the_same_in_both_layouts() {
    for config in [NetConfig::classic(), NetConfig::modern(8)] {
        let card = FaceModel::gender_card("test", config, Normalization::UNIT_SCALE, false);
        let mut model = FaceModel::fresh(card, &Device::Cpu, 3).unwrap();
        let faces = facelab::data::generate_demo_faces(6, 1);
        let input = model.input_tensor(faces.pixels()).unwrap();
        let targets = Tensor::new(&[0u32, 1, 1, 0, 1, 0], &Device::Cpu).unwrap();

        // Scores in inference mode first: training mode updates batch norm's running statistics.
        let mut logits = |layout| {
            model.net_mut().set_layout(layout);
            model.net().forward(&input, None).unwrap()
        };
        let (last, first) = (
            logits(MapLayout::ChannelsLast),
            logits(MapLayout::ChannelsFirst),
        );
        let difference = max_difference(&last, &first);
        assert!(difference < TOLERANCE, "scores differ by {difference}");

        // Training mode: batch statistics, and dropout masks drawn from the same seed.
        let mut gradients = |layout| {
            model.net_mut().set_layout(layout);
            let mut rng = facelab::rng::SeededRng::new(5);
            let train_logits = model.net().forward(&input, Some(&mut rng)).unwrap();
            let loss = candle_nn::loss::cross_entropy(&train_logits, &targets).unwrap();
            let grads = loss.backward().unwrap();
            let list: Vec<Tensor> = model
                .vars()
                .all_vars()
                .iter()
                .filter_map(|v| grads.get(v).cloned())
                .collect();
            list
        };
        let (last_grads, first_grads) = (
            gradients(MapLayout::ChannelsLast),
            gradients(MapLayout::ChannelsFirst),
        );
        assert!(!last_grads.is_empty());
        for (a, b) in last_grads.iter().zip(&first_grads) {
            let difference = max_difference(a, b);
            assert!(difference < TOLERANCE, "gradients differ by {difference}");
        }
        assert_eq!(last.argmax(D::Minus1).unwrap().dims(), &[6]);
    }
}

/// One training pass updates batch norm's running statistics the same way in both layouts.
#[test]
fn batch_norm_running_statistics_match_candle() {
    let faces = facelab::data::generate_demo_faces(8, 2);
    let mut stats = Vec::new();
    for layout in [MapLayout::ChannelsLast, MapLayout::ChannelsFirst] {
        let card = FaceModel::gender_card(
            "test",
            NetConfig::modern(4),
            Normalization::UNIT_SCALE,
            false,
        );
        let mut model = FaceModel::fresh(card, &Device::Cpu, 9).unwrap();
        model.net_mut().set_layout(layout);
        let input = model.input_tensor(faces.pixels()).unwrap();
        let mut rng = facelab::rng::SeededRng::new(1);
        model.net().forward(&input, Some(&mut rng)).unwrap();
        let data = model.vars().data().lock().unwrap();
        let mut named: Vec<(String, Tensor)> = data
            .iter()
            .filter(|(name, _)| name.contains("running"))
            .map(|(name, var)| (name.clone(), var.as_tensor().copy().unwrap()))
            .collect();
        named.sort_by(|a, b| a.0.cmp(&b.0));
        stats.push(named);
    }
    assert_eq!(
        stats[0].len(),
        16,
        "two statistics for each of 8 batch norms"
    );
    for ((name, a), (_, b)) in stats[0].iter().zip(&stats[1]) {
        let difference = max_difference(a, b);
        assert!(difference < TOLERANCE, "{name} differs by {difference}");
    }
}
