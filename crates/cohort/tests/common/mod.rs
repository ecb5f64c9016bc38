//! What the cohort's tests share: eight test reviews and submissions with a chosen number right.

/// Eight test reviews: ratings 10, 7, 8, 9 are positive, 4, 1, 2, 3 negative.
pub const IDS: [&str; 8] = ["1_10", "2_7", "3_8", "4_9", "5_4", "6_1", "7_2", "8_3"];

/// The test ids as the server's [`cohort::scoring::TestIds`].
pub fn test_ids() -> cohort::scoring::TestIds {
    cohort::scoring::TestIds::from_ids(
        IDS.iter().map(|s| s.to_string()).collect(),
        "eight test reviews",
    )
}

/// A submission with `right` of the eight predictions right (the first `right` ids).
pub fn csv_with(right: usize) -> String {
    let mut out = String::from("id,sentiment\n");
    for (k, id) in IDS.iter().enumerate() {
        let truth = u8::from(k < 4);
        let label = if k < right { truth } else { 1 - truth };
        out.push_str(&format!("\"{id}\",{label}\n"));
    }
    out
}
