//! Read the 25,000 labelled reviews from the gzipped Kaggle file and fit + apply the
//! 10,000-term bag-of-words vectoriser: the data work every bag-of-words unit starts with. Then
//! the sequence units' (5-8) data path: fit the 10,000-word index (the course's Keras
//! `Tokenizer`) and encode every review as word ids, and pad them into batches of 32.
//! `python/data_pipeline.py` times pandas + scikit-learn, and the Keras tokenizer's steps in
//! plain Python + PyTorch's padding, doing the same (`make bench-data`).
//!
//! Last, one mini-batch of units 3-4 (32 reviews as dense counts of 100,000 words and pairs),
//! built as the course does (libtorch's zeros, counts put in place) and as it did before (a Rust
//! `vec![0.0; n]`, which jemalloc's `calloc` zeroes by handing the pages back to the system).
//!
//! Uses the full data (IMDB_DIR or datasets/imdb; `make data`), else the bundled sample.

use course_core::data::{DataDir, KaggleFile};
use course_core::text::{BagOfWords, PaddedBatch, SparseCounts, Terms, Truncation, WordIndex};
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::path::PathBuf;

/// The labelled reviews' file, of the full data when present.
fn labelled_file() -> PathBuf {
    let data = DataDir::resolve(None).expect("no IMDb data found");
    data.find(KaggleFile::LabeledTrain)
        .expect("no labeledTrainData")
}

fn read_and_vectorise(c: &mut Criterion) {
    let path = labelled_file();
    eprintln!("benchmarking on {}", path.display());

    let mut group = c.benchmark_group("data_pipeline");
    group.sample_size(10);
    group.bench_function("read_labelled", |b| {
        b.iter(|| {
            course_core::data::read_reviews(black_box(&path), KaggleFile::LabeledTrain).unwrap()
        })
    });
    let reviews = course_core::data::read_reviews(&path, KaggleFile::LabeledTrain).unwrap();
    group.bench_function("fit_transform_10000", |b| {
        b.iter(|| {
            let texts: Vec<&str> = reviews.iter().map(|r| r.review.as_str()).collect();
            let bow = BagOfWords::fit(&texts, 10_000);
            bow.transform(&texts)
        })
    });
    group.bench_function("read_fit_transform_10000", |b| {
        b.iter(|| {
            let reviews = course_core::data::read_reviews(&path, KaggleFile::LabeledTrain).unwrap();
            let texts: Vec<&str> = reviews.iter().map(|r| r.review.as_str()).collect();
            let bow = BagOfWords::fit(&texts, 10_000);
            bow.transform(&texts)
        })
    });
    group.finish();
}

/// Units 5-8: reviews to word ids, ids to padded batches (as the units' batching does: each
/// batch padded to its longest review, cut at 500 words).
fn word_ids_and_batches(c: &mut Criterion) {
    let reviews = DataDir::resolve(None)
        .and_then(|data| data.labelled_train())
        .expect("no IMDb data found");
    let texts: Vec<&str> = reviews.iter().map(|r| r.review.as_str()).collect();

    let mut group = c.benchmark_group("data_pipeline");
    group.sample_size(10);
    group.bench_function("word_index_fit_encode_10000", |b| {
        b.iter(|| {
            let index = WordIndex::fit(black_box(&texts), 10_000);
            index.encode_all(texts.iter().copied())
        })
    });
    let index = WordIndex::fit(&texts, 10_000);
    let sequences = index.encode_all(texts.iter().copied());
    group.bench_function("pad_batches_32", |b| {
        b.iter(|| {
            for chunk in black_box(&sequences).chunks(32) {
                let batch: Vec<&[u32]> = chunk.iter().map(|s| s.as_slice()).collect();
                black_box(PaddedBatch::new(
                    &batch,
                    Some(500),
                    false,
                    Truncation::KeepStart,
                    tch::Device::Cpu,
                ));
            }
        })
    });
    group.finish();
}

/// Units 3-4's batches: 32 reviews' counts over 100,000 words and pairs, dense.
fn dense_batches(c: &mut Criterion) {
    let reviews = course_core::data::read_reviews(&labelled_file(), KaggleFile::LabeledTrain)
        .expect("cannot read the labelled reviews");
    let texts: Vec<&str> = reviews.iter().map(|r| r.review.as_str()).collect();
    let counts = BagOfWords::fit_terms(&texts, 100_000, Terms::WORDS_AND_PAIRS).transform(&texts);
    let rows: Vec<usize> = (0..32).collect();
    let (course, before) = (
        counts.dense_batch(&rows, tch::Device::Cpu).unwrap(),
        dense_batch_before(&counts, &rows),
    );
    assert!(
        course.equal(&before),
        "the two ways must build the same batch"
    );

    let mut group = c.benchmark_group("data_pipeline");
    group.bench_function("dense_batch_32_of_100000_terms", |b| {
        b.iter(|| {
            counts
                .dense_batch(black_box(&rows), tch::Device::Cpu)
                .unwrap()
        })
    });
    group.bench_function("dense_batch_32_of_100000_terms_rust_vec_before", |b| {
        b.iter(|| dense_batch_before(&counts, black_box(&rows)))
    });
    group.finish();
}

/// How `SparseCounts::dense_batch` built a batch until 2026-12-04.
fn dense_batch_before(counts: &SparseCounts, rows: &[usize]) -> tch::Tensor {
    let n = counts.n_features();
    let mut dense = vec![0f32; rows.len() * n];
    for (b, &i) in rows.iter().enumerate() {
        let (columns, values) = counts.row(i);
        for (&c, &v) in columns.iter().zip(values) {
            dense[b * n + c as usize] = v;
        }
    }
    tch::Tensor::from_slice(&dense).view([rows.len() as i64, n as i64])
}

criterion_group!(
    benches,
    read_and_vectorise,
    word_ids_and_batches,
    dense_batches
);
criterion_main!(benches);
