//! Where the data comes from: --data, then IMDB_DIR, then datasets/imdb, then the sample.

use course_core::data::{write_reviews, DataDir, DataOrigin, KaggleFile, Review};
use std::path::Path;

fn make_data_dir(dir: &Path) {
    let review = Review {
        id: "1_9".into(),
        sentiment: Some(1),
        review: "good".into(),
    };
    write_reviews(
        &dir.join("labeledTrainData.tsv"),
        KaggleFile::LabeledTrain,
        &[review],
    )
    .unwrap();
}

#[test]
fn the_order_is_argument_environment_full_then_sample() {
    let workspace = tempfile::tempdir().unwrap();
    let ws = workspace.path();
    let (arg, env) = (ws.join("arg"), ws.join("env"));
    for dir in [
        &arg,
        &env,
        &ws.join("datasets/imdb"),
        &ws.join("datasets/imdb-sample"),
    ] {
        make_data_dir(dir);
    }
    let origin =
        |a: Option<&Path>, e: Option<&Path>| DataDir::resolve_from(a, e, ws).unwrap().origin;
    assert_eq!(origin(Some(&arg), Some(&env)), DataOrigin::Argument);
    assert_eq!(origin(None, Some(&env)), DataOrigin::Environment);
    assert_eq!(origin(None, None), DataOrigin::FullDataset);
    std::fs::remove_dir_all(ws.join("datasets/imdb")).unwrap();
    let chosen = DataDir::resolve_from(None, None, ws).unwrap();
    assert_eq!(chosen.origin, DataOrigin::BundledSample);
    assert!(
        chosen.to_string().contains("make data"),
        "the sample should say how to get more"
    );
}

#[test]
fn a_named_folder_without_the_files_is_an_error_not_a_fallback() {
    let workspace = tempfile::tempdir().unwrap();
    make_data_dir(&workspace.path().join("datasets/imdb-sample"));
    let err =
        DataDir::resolve_from(Some(Path::new("/no/such/dir")), None, workspace.path()).unwrap_err();
    let err = format!("{err:#}");
    assert!(
        err.contains("/no/such/dir") && err.contains("from --data") && err.contains("make data"),
        "{err}"
    );
}

#[test]
fn a_missing_test_file_says_so() {
    let workspace = tempfile::tempdir().unwrap();
    make_data_dir(workspace.path());
    let data = DataDir::resolve_from(Some(workspace.path()), None, workspace.path()).unwrap();
    let err = format!("{:#}", data.test().unwrap_err());
    assert!(err.contains("testData.tsv"), "{err}");
}
