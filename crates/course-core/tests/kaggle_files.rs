//! Reading Kaggle's TSV files: the real format, and every way a file can be broken.

use course_core::data::kaggle::parse_reviews;
use course_core::data::{read_reviews, write_reviews, KaggleFile, Review};
use std::path::Path;

const HEADER: &str = "id\tsentiment\treview\n";

fn parse(body: &str) -> anyhow::Result<Vec<Review>> {
    parse_reviews(
        format!("{HEADER}{body}").into_bytes(),
        KaggleFile::LabeledTrain,
    )
}

fn error_of(body: &str) -> String {
    format!(
        "{:#}",
        parse(body).expect_err("this input must be rejected")
    )
}

#[test]
fn reads_quoted_ids_escapes_and_br_tags_as_kaggle_ships_them() {
    let reviews = parse(
        "\"5814_8\"\t1\t\"He said \\\"wow\\\".<br /><br />A back\\\\slash.\"\n\"2381_9\"\t0\t\"Fine\"\n",
    )
    .unwrap();
    assert_eq!(reviews.len(), 2);
    assert_eq!(reviews[0].id, "5814_8");
    assert_eq!(reviews[0].sentiment, Some(1));
    assert_eq!(
        reviews[0].review,
        "He said \"wow\".<br /><br />A back\\slash."
    );
    assert_eq!(reviews[1].sentiment, Some(0));
}

#[test]
fn the_last_line_may_lack_its_newline() {
    assert_eq!(
        parse("\"1_1\"\t0\t\"a\"\n\"2_8\"\t1\t\"b\"").unwrap().len(),
        2
    );
}

#[test]
fn a_byte_order_mark_and_crlf_line_ends_are_read_as_windows_tools_write_them() {
    let body = "\u{feff}id\tsentiment\treview\r\n\"1_1\"\t0\t\"a\"\r\n\"2_8\"\t1\t\"b\"\r\n";
    let reviews = parse_reviews(body.as_bytes().to_vec(), KaggleFile::LabeledTrain).unwrap();
    assert_eq!(reviews.len(), 2);
    assert_eq!(
        (reviews[0].id.as_str(), reviews[1].sentiment),
        ("1_1", Some(1))
    );
    // A mark anywhere but the start is still content, and a wrong header is still refused.
    let late = "id\tsentiment\treview\n\u{feff}\"1_1\"\t0\t\"a\"\n";
    assert!(parse_reviews(late.as_bytes().to_vec(), KaggleFile::LabeledTrain).is_err());
    let wrong = "\u{feff}id,sentiment,review\n";
    assert!(parse_reviews(wrong.as_bytes().to_vec(), KaggleFile::LabeledTrain).is_err());
}

#[test]
fn unlabelled_files_have_no_sentiment() {
    let body = "id\treview\n\"9_0\"\t\"text\"\n";
    let reviews = parse_reviews(body.as_bytes().to_vec(), KaggleFile::UnlabeledTrain).unwrap();
    assert_eq!(reviews[0].sentiment, None);
}

#[test]
fn a_wrong_header_is_named() {
    let err =
        parse_reviews(b"id,sentiment,review\n".to_vec(), KaggleFile::LabeledTrain).unwrap_err();
    assert!(
        format!("{err:#}").contains("line 1: expected the header"),
        "{err:#}"
    );
    let err = parse_reviews(HEADER.as_bytes().to_vec(), KaggleFile::Test).unwrap_err();
    assert!(format!("{err:#}").contains("testData"), "{err:#}");
}

#[test]
fn a_truncated_row_is_rejected_with_its_line() {
    let err = error_of("\"1_1\"\t0\t\"fine\"\n\"2_8\"\t1\t\"this review was cut");
    assert!(err.contains("line 3") && err.contains("truncated"), "{err}");
    let err = error_of("\"1_1\"\t0\t\"fine\"\n\"2_8\"\t1\n");
    assert!(err.contains("line 3"), "{err}");
}

#[test]
fn a_row_with_too_many_columns_is_rejected() {
    let err = error_of("\"1_1\"\t0\t\"fine\"\n\"2_2\"\t0\t\"fine\"\textra\n");
    assert!(err.contains("line 3: 4 columns, expected 3"), "{err}");
}

#[test]
fn a_bad_escape_is_rejected_with_its_line() {
    let err = error_of("\"1_1\"\t0\t\"ok\"\n\"2_2\"\t0\t\"a \\n newline\"\n");
    assert!(err.contains("line 3: bad escape \\n"), "{err}");
    let err = error_of("\"1_1\"\t0\t\"an \"unescaped\" quote\"\n");
    assert!(
        err.contains("line 2") && err.contains("not escaped"),
        "{err}"
    );
}

#[test]
fn duplicate_ids_name_both_lines() {
    let err = error_of("\"7_8\"\t1\t\"a\"\n\"3_3\"\t0\t\"b\"\n\"7_8\"\t1\t\"c\"\n");
    assert!(
        err.contains("line 4: id 7_8 already appears on line 2"),
        "{err}"
    );
}

#[test]
fn labels_other_than_0_and_1_are_rejected() {
    let err = error_of("\"1_1\"\t2\t\"a\"\n");
    assert!(
        err.contains("line 2: sentiment must be 0 or 1, found \"2\""),
        "{err}"
    );
    assert!(error_of("\"1_1\"\t\t\"a\"\n").contains("line 2"));
}

#[test]
fn empty_reviews_are_rejected() {
    let err = error_of("\"1_1\"\t0\t\"\"\n");
    assert!(err.contains("line 2: the review is empty"), "{err}");
}

#[test]
fn invalid_utf8_names_the_line() {
    let mut bytes = format!("{HEADER}\"1_1\"\t0\t\"ok\"\n\"2_2\"\t0\t\"caf").into_bytes();
    bytes.extend_from_slice(&[0xff, b'"', b'\n']);
    let err = format!(
        "{:#}",
        parse_reviews(bytes, KaggleFile::LabeledTrain).unwrap_err()
    );
    assert!(err.contains("line 3: not valid UTF-8"), "{err}");
}

#[test]
fn blank_lines_are_reported() {
    let err = error_of("\"1_1\"\t0\t\"a\"\n\n\"2_2\"\t1\t\"b\"\n");
    assert!(err.contains("line 3") && err.contains("blank"), "{err}");
}

#[test]
fn a_review_of_100000_characters_is_read_whole() {
    let long = "word ".repeat(20_000);
    let reviews = parse(&format!("\"1_10\"\t1\t\"{long}\"\n")).unwrap();
    assert_eq!(reviews[0].review.chars().count(), 100_000);
}

#[test]
fn a_missing_file_says_how_to_get_the_data() {
    let err = read_reviews(
        Path::new("/no/such/labeledTrainData.tsv"),
        KaggleFile::LabeledTrain,
    )
    .unwrap_err();
    let err = format!("{err:#}");
    assert!(
        err.contains("/no/such/labeledTrainData.tsv") && err.contains("make data"),
        "{err}"
    );
}

#[test]
fn errors_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("labeledTrainData.tsv");
    std::fs::write(&path, format!("{HEADER}\"1_1\"\t5\t\"a\"\n")).unwrap();
    let err = format!(
        "{:#}",
        read_reviews(&path, KaggleFile::LabeledTrain).unwrap_err()
    );
    assert!(
        err.contains(&path.display().to_string()) && err.contains("line 2"),
        "{err}"
    );
}

#[test]
fn writing_then_reading_gives_the_same_reviews_plain_and_gzipped() {
    let reviews = vec![
        Review {
            id: "1_10".into(),
            sentiment: Some(1),
            review: "Quote \" and back\\slash<br />ok".into(),
        },
        Review {
            id: "2_1".into(),
            sentiment: Some(0),
            review: "Tab\tbecomes a space".into(),
        },
    ];
    let dir = tempfile::tempdir().unwrap();
    for name in ["labeledTrainData.tsv", "labeledTrainData.tsv.gz"] {
        let path = dir.path().join(name);
        write_reviews(&path, KaggleFile::LabeledTrain, &reviews).unwrap();
        let back = read_reviews(&path, KaggleFile::LabeledTrain).unwrap();
        assert_eq!(back[0], reviews[0]);
        assert_eq!(back[1].review, "Tab becomes a space");
    }
}

#[test]
fn a_corrupt_gzip_file_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("testData.tsv.gz");
    std::fs::write(&path, [0x1f, 0x8b, 8, 0, 1, 2, 3]).unwrap();
    let err = format!("{:#}", read_reviews(&path, KaggleFile::Test).unwrap_err());
    assert!(err.contains("not a valid gzip file"), "{err}");
}
