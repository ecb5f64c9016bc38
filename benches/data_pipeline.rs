//! Read the 25,000 labelled reviews from the gzipped Kaggle file and fit + apply the
//! 10,000-term bag-of-words vectoriser: the data work every bag-of-words unit starts with.
//! `python/data_pipeline.py` times pandas + scikit-learn doing the same (`make bench-data`).
//!
//! Uses the full data (IMDB_DIR or datasets/imdb; `make data`), else the bundled sample.

use course_core::data::{DataDir, KaggleFile};
use course_core::text::BagOfWords;
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

fn read_and_vectorise(c: &mut Criterion) {
    let data = DataDir::resolve(None).expect("no IMDb data found");
    let path = data
        .find(KaggleFile::LabeledTrain)
        .expect("no labeledTrainData");
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

criterion_group!(benches, read_and_vectorise);
criterion_main!(benches);
