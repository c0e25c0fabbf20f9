//! The demo data is fixed and learnable in principle; the split is stratified and reproducible.

use facelab::data::{
    DEMO_FACES, DatasetSplit, Ethnicity, FACE_PIXELS, Gender, LabelStats, SplitConfig,
    demo_dataset, generate_demo_faces,
};

/// FNV-1a over the pixels and labels: a fingerprint that changes if any face changes.
fn fingerprint(set: &facelab::data::FaceDataset) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    let mut eat = |byte: u8| {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x100_0000_01b3);
    };
    for i in 0..set.len() {
        let labels = set.labels(i);
        eat(labels.age);
        eat(labels.gender.code());
        eat(labels.ethnicity.code());
    }
    set.pixels().iter().for_each(|p| eat(*p));
    hash
}

#[test]
fn demo_data_is_the_same_on_every_run() {
    let a = demo_dataset();
    let b = demo_dataset();
    assert_eq!(a.len(), DEMO_FACES);
    assert_eq!(fingerprint(&a), fingerprint(&b));
    // A pinned value: it changes only when the generator is changed on purpose, and it is the
    // same on every platform because the generator uses plain arithmetic only.
    assert_eq!(
        fingerprint(&generate_demo_faces(50, 7)),
        13_494_229_580_923_878_327
    );
    assert_ne!(
        fingerprint(&generate_demo_faces(50, 7)),
        fingerprint(&generate_demo_faces(50, 8))
    );
}

#[test]
fn demo_labels_are_spread_like_utkface() {
    let stats = LabelStats::of(&demo_dataset());
    let share = |count: usize| count as f64 / stats.faces as f64;
    assert!((share(stats.gender_count(Gender::Female)) - 0.5).abs() < 0.05);
    assert!(share(stats.ethnicity_count(Ethnicity::White)) > 0.35);
    assert!(
        Ethnicity::ALL
            .iter()
            .all(|e| stats.ethnicity_count(*e) > 50)
    );
    let ages = stats.age_summary().unwrap();
    assert!(ages.min <= 2 && ages.max >= 85, "{ages:?}");
}

/// A face with its own mean removed and its contrast scaled to 1, so that lighting and skin
/// tone do not drown the shapes.
fn standardized(pixels: &[u8]) -> Vec<f64> {
    let mean = pixels.iter().map(|p| f64::from(*p)).sum::<f64>() / pixels.len() as f64;
    let var = pixels
        .iter()
        .map(|p| (f64::from(*p) - mean).powi(2))
        .sum::<f64>()
        / pixels.len() as f64;
    let scale = var.sqrt().max(1.0);
    pixels
        .iter()
        .map(|p| (f64::from(*p) - mean) / scale)
        .collect()
}

#[test]
fn demo_pixels_carry_a_gender_signal() {
    // A crude learner that needs no model: the mean standardized face of each gender, learnt on
    // one half, classifies the other half well above chance.
    let set = demo_dataset();
    let half = set.len() / 2;
    let mut means = vec![vec![0f64; FACE_PIXELS]; 2];
    let mut counts = [0f64; 2];
    for i in 0..half {
        let g = set.labels(i).gender as usize;
        counts[g] += 1.0;
        for (m, p) in means[g].iter_mut().zip(standardized(set.face_pixels(i))) {
            *m += p;
        }
    }
    for g in 0..2 {
        means[g].iter_mut().for_each(|m| *m /= counts[g]);
    }
    let mut correct = 0;
    for i in half..set.len() {
        let face = standardized(set.face_pixels(i));
        let distance = |g: usize| -> f64 {
            face.iter()
                .zip(&means[g])
                .map(|(p, m)| (p - m).powi(2))
                .sum()
        };
        let guess = if distance(0) < distance(1) { 0 } else { 1 };
        correct += usize::from(guess == set.labels(i).gender as usize);
    }
    let accuracy = correct as f64 / (set.len() - half) as f64;
    assert!(accuracy > 0.7, "nearest-mean accuracy {accuracy}");
}

#[test]
fn split_is_reproducible_disjoint_and_complete() {
    let set = demo_dataset();
    let config = SplitConfig::default();
    let a = DatasetSplit::new(&set, config).unwrap();
    let b = DatasetSplit::new(&set, config).unwrap();
    assert_eq!(a, b);
    let other = DatasetSplit::new(&set, SplitConfig { seed: 43, ..config }).unwrap();
    assert_ne!(a.test, other.test);

    let mut all: Vec<u32> = a
        .train
        .iter()
        .chain(&a.validation)
        .chain(&a.test)
        .copied()
        .collect();
    all.sort_unstable();
    assert_eq!(all, (0..set.len() as u32).collect::<Vec<_>>());
    let n = set.len() as f64;
    assert!((a.test.len() as f64 / n - 0.1).abs() < 0.01);
    assert!((a.validation.len() as f64 / n - 0.1).abs() < 0.01);
}

#[test]
fn split_is_stratified_by_gender_and_ethnicity() {
    let set = demo_dataset();
    let split = DatasetSplit::new(&set, SplitConfig::default()).unwrap();
    let whole = LabelStats::of(&set);
    for part in [&split.train, &split.validation, &split.test] {
        let stats = LabelStats::of_rows(&set, part.iter().map(|i| *i as usize));
        for gender in Gender::ALL {
            let diff = stats.percent(stats.gender_count(gender))
                - whole.percent(whole.gender_count(gender));
            assert!(diff.abs() < 1.0, "{gender}: {diff}");
        }
        for ethnicity in Ethnicity::ALL {
            let diff = stats.percent(stats.ethnicity_count(ethnicity))
                - whole.percent(whole.ethnicity_count(ethnicity));
            assert!(diff.abs() < 1.5, "{ethnicity}: {diff}");
        }
    }
}

#[test]
fn bad_split_shares_are_refused() {
    let set = generate_demo_faces(10, 1);
    for (validation, test) in [(0.5, 0.5), (-0.1, 0.1), (f64::NAN, 0.1)] {
        assert!(
            DatasetSplit::new(
                &set,
                SplitConfig {
                    validation,
                    test,
                    seed: 1
                }
            )
            .is_err()
        );
    }
}
