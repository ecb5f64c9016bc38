//! The bag of words matches scikit-learn's CountVectorizer on real reviews.
//!
//! Expected values were computed once with scikit-learn 1.x on the bundled sample:
//! `CountVectorizer(stop_words="english", max_features=40).fit_transform(reviews)` after
//! `pd.read_csv(path, sep="\t", quoting=3)`. (40 terms: no tie at the cut-off, so the vocabulary
//! does not depend on how ties are broken.)

use course_core::data::DataDir;
use course_core::text::BagOfWords;

const SKLEARN_TOP_40: [&str; 40] = [
    "acting",
    "bad",
    "best",
    "better",
    "br",
    "character",
    "characters",
    "did",
    "director",
    "does",
    "don",
    "end",
    "film",
    "films",
    "good",
    "great",
    "just",
    "know",
    "life",
    "like",
    "little",
    "love",
    "make",
    "man",
    "movie",
    "movies",
    "people",
    "plot",
    "really",
    "say",
    "scene",
    "scenes",
    "seen",
    "story",
    "think",
    "time",
    "ve",
    "watch",
    "way",
    "work",
];

#[test]
fn vocabulary_and_counts_match_countvectorizer_on_the_sample() {
    let reviews = DataDir::bundled_sample().labelled_train().unwrap();
    let texts: Vec<&str> = reviews.iter().map(|r| r.review.as_str()).collect();
    let bow = BagOfWords::fit(&texts, 40);
    assert_eq!(bow.vocabulary(), SKLEARN_TOP_40);
    let counts = bow.transform(&texts);
    let total: f32 = (0..counts.len())
        .flat_map(|i| counts.row(i).1.to_vec())
        .sum();
    assert_eq!(counts.nnz(), 20_041, "non-zero entries, as scipy's X.nnz");
    assert_eq!(total, 38_662.0, "sum of all counts, as X.sum()");
}
