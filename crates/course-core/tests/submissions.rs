//! Submissions: written atomically in Kaggle's format, read back, scored offline.

use course_core::data::submission::{
    parse_submission, read_submission, score_file, score_submission, sentiment_from_id,
    write_submission,
};
use course_core::data::Review;

fn test_reviews() -> Vec<Review> {
    ["1_10", "2_7", "3_4", "4_1"]
        .iter()
        .map(|id| Review {
            id: id.to_string(),
            sentiment: None,
            review: "x".into(),
        })
        .collect()
}

#[test]
fn ratings_in_ids_give_the_true_sentiment() {
    assert_eq!(sentiment_from_id("12311_10").unwrap(), 1);
    assert_eq!(sentiment_from_id("8348_2").unwrap(), 0);
    assert!(sentiment_from_id("9_5").is_err());
    assert!(sentiment_from_id("no-rating").is_err());
}

#[test]
fn a_written_submission_reads_back_and_scores() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub/submission.csv");
    let ids: Vec<String> = test_reviews().into_iter().map(|r| r.id).collect();
    write_submission(&path, &ids, &[1, 1, 0, 1]).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("id,sentiment\n\"1_10\",1\n"), "{text}");
    assert_eq!(read_submission(&path).unwrap().len(), 4);
    let score = score_file(&path, &test_reviews()).unwrap();
    assert_eq!((score.correct, score.total), (3, 4));
    assert_eq!(score.accuracy(), 0.75);
}

#[test]
fn missing_duplicate_or_foreign_ids_are_errors() {
    let rows = |ids: &[&str]| {
        ids.iter()
            .map(|id| (id.to_string(), 1u8))
            .collect::<Vec<_>>()
    };
    let test = test_reviews();
    assert!(format!(
        "{:#}",
        score_submission(&rows(&["1_10", "2_7", "3_4"]), &test).unwrap_err()
    )
    .contains("4_1"));
    assert!(format!(
        "{:#}",
        score_submission(&rows(&["1_10", "1_10", "2_7", "3_4", "4_1"]), &test).unwrap_err()
    )
    .contains("twice"));
    assert!(score_submission(&rows(&["1_10", "2_7", "3_4", "4_1", "5_9"]), &test).is_err());
}

#[test]
fn bad_submissions_are_rejected_and_nothing_half_written_is_left() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("submission.csv");
    assert!(write_submission(&path, &["1_10".into()], &[2]).is_err());
    assert!(write_submission(&path, &["1_10".into()], &[]).is_err());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    std::fs::write(&path, "id,label\n").unwrap();
    assert!(read_submission(&path).is_err());
}

#[test]
fn a_submission_saved_by_a_spreadsheet_or_pandas_reads_as_the_same_rows() {
    let plain = parse_submission(b"id,sentiment\n\"1_10\",1\n2_7,0\n").unwrap();
    assert_eq!(plain, [("1_10".to_string(), 1), ("2_7".to_string(), 0)]);
    let with_bom_and_crlf = b"\xef\xbb\xbfid,sentiment\r\n1_10,1\r\n\"2_7\",\"0\"\r\n";
    assert_eq!(parse_submission(with_bom_and_crlf).unwrap(), plain);
    let quoted_header = b"\"id\",\"sentiment\"\n1_10,1\n2_7,0\n";
    assert_eq!(parse_submission(quoted_header).unwrap(), plain);
    // What is still refused, and says so.
    let message = |bytes: &[u8]| format!("{:#}", parse_submission(bytes).unwrap_err());
    assert!(message(b"id,sentiment\n1_10,2\n").contains("0 or 1"));
    assert!(message(b"id,label\n1_10,1\n").contains("header"));
    assert!(message(b"id,sentiment\n1_10\n").contains("line 2"));
    assert!(message(b"id,sentiment\n\xff\xfe1\n").contains("UTF-8"));
}
