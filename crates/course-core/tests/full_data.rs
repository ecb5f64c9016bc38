//! The real files: the full IMDb data when this machine has it, and the bundled sample always.

use course_core::data::kaggle::read_maybe_gzipped;
use course_core::data::{DataDir, KaggleFile};
use std::collections::HashSet;
use std::path::PathBuf;

/// The full data: IMDB_DIR, datasets/imdb, or the shared copy beside the checkout.
fn full_data() -> Option<DataDir> {
    let root = course_core::workspace_root();
    let candidates = [
        std::env::var_os("IMDB_DIR").map(PathBuf::from),
        Some(root.join("datasets/imdb")),
        Some(root.join("../shared/datasets/imdb")),
    ];
    candidates
        .into_iter()
        .flatten()
        .find_map(|dir| DataDir::resolve_from(Some(&dir), None, &root).ok())
}

#[test]
fn the_full_files_have_the_kaggle_row_counts_and_round_trip_byte_for_byte() {
    let Some(data) = full_data() else {
        eprintln!("SKIPPED: no full IMDb data here (run `make data`)");
        return;
    };
    let labelled = data.labelled_train().unwrap();
    let test = data.test().unwrap();
    let unlabelled = data.unlabelled_train().unwrap();
    assert_eq!(
        (labelled.len(), test.len(), unlabelled.len()),
        (25_000, 25_000, 50_000)
    );
    let positive = labelled.iter().filter(|r| r.sentiment == Some(1)).count();
    assert_eq!(positive, 12_500);

    // Writing the reviews back must reproduce Kaggle's bytes exactly: the escapes are undone
    // and redone without loss.
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("labeledTrainData.tsv");
    course_core::data::write_reviews(&copy, KaggleFile::LabeledTrain, &labelled).unwrap();
    let original = read_maybe_gzipped(&data.find(KaggleFile::LabeledTrain).unwrap()).unwrap();
    assert!(
        std::fs::read(&copy).unwrap() == original,
        "the round trip changed the file"
    );
}

#[test]
fn the_bundled_sample_is_drawn_from_the_full_data() {
    let sample = DataDir::bundled_sample();
    let labelled = sample.labelled_train().unwrap();
    let test = sample.test().unwrap();
    assert_eq!((labelled.len(), test.len()), (2_000, 1_000));
    let positive = labelled.iter().filter(|r| r.sentiment == Some(1)).count();
    assert!(
        (900..=1100).contains(&positive),
        "the sample should be about balanced: {positive}"
    );

    let Some(full) = full_data() else { return };
    let full_ids: HashSet<String> = full
        .labelled_train()
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert!(labelled.iter().all(|r| full_ids.contains(&r.id)));
}
