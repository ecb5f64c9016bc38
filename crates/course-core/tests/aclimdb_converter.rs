//! The Stanford aclImdb folders become the three Kaggle files.

use course_core::data::aclimdb::convert_aclimdb;
use course_core::data::{DataDir, KaggleFile};
use std::path::Path;

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn converts_the_folder_layout_into_kaggle_files() {
    let src = tempfile::tempdir().unwrap();
    let a = src.path().join("aclImdb");
    write(
        &a.join("train/pos/0_9.txt"),
        "Great \"film\".<br /><br />Loved it",
    );
    write(&a.join("train/neg/0_3.txt"), "Bad\tfilm");
    write(&a.join("train/neg/1_1.txt"), "Awful");
    write(&a.join("test/pos/0_10.txt"), "Superb");
    write(&a.join("test/neg/0_2.txt"), "Dull");
    write(&a.join("train/unsup/0_0.txt"), "Some film");
    write(&a.join("train/labeledBow.feat"), "ignored");

    let out = tempfile::tempdir().unwrap();
    let converted = convert_aclimdb(&a, out.path()).unwrap();
    assert_eq!(
        (converted.labelled, converted.test, converted.unlabelled),
        (3, 2, 1)
    );

    let data = DataDir::resolve_from(Some(out.path()), None, out.path()).unwrap();
    let labelled = data.labelled_train().unwrap();
    let great = labelled.iter().find(|r| r.id == "0_9").unwrap();
    assert_eq!(great.sentiment, Some(1));
    assert_eq!(great.review, "Great \"film\".<br /><br />Loved it");
    assert_eq!(
        labelled.iter().find(|r| r.id == "0_3").unwrap().review,
        "Bad film"
    );
    assert_eq!(data.test().unwrap().len(), 2);
    assert!(data.find(KaggleFile::UnlabeledTrain).is_some());
}

#[test]
fn a_folder_that_is_not_aclimdb_is_rejected() {
    let src = tempfile::tempdir().unwrap();
    let err = convert_aclimdb(src.path(), src.path()).unwrap_err();
    assert!(format!("{err:#}").contains("train/ and test/"));
}
