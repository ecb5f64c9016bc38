//! Read the 25,000 labelled reviews from the gzipped Kaggle file and fit + apply the
//! 10,000-term bag-of-words vectoriser: the data work every bag-of-words unit starts with. Then
//! the sequence units' (5-8) data path: fit the 10,000-word index (the course's Keras
//! `Tokenizer`) and encode every review as word ids, and pad them into batches of 32.
//! `python/data_pipeline.py` times pandas + scikit-learn, and the Keras tokenizer's steps in
//! plain Python + PyTorch's padding, doing the same (`make bench-data`).
//!
//! Uses the full data (IMDB_DIR or datasets/imdb; `make data`), else the bundled sample.

use course_core::data::{DataDir, KaggleFile};
use course_core::text::{BagOfWords, PaddedBatch, Truncation, WordIndex};
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

criterion_group!(benches, read_and_vectorise, word_ids_and_batches);
criterion_main!(benches);
