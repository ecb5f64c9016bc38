//! The cohort's chart: per unit, the cohort's best test accuracy beside the original course's
//! and this course's reference run, drawn by the course's own bar chart as SVG.

use crate::wire::Board;
use anyhow::Result;
use course_core::tracking::plot::{accuracy_bars_svg, BarSeries};

pub fn cohort_chart(boards: &[Board]) -> Result<String> {
    let groups: Vec<String> = boards.iter().map(|b| b.unit.clone()).collect();
    let series = [
        BarSeries::new("original course", boards.iter().map(|b| b.course).collect()),
        BarSeries::new(
            "this course's reference run",
            boards.iter().map(|b| b.reference).collect(),
        ),
        BarSeries::new(
            "the cohort's best",
            boards
                .iter()
                .map(|b| b.entries.first().map(|e| e.test_accuracy))
                .collect(),
        ),
    ];
    let lowest = series
        .iter()
        .filter_map(BarSeries::lowest)
        .fold(1.0f64, f64::min);
    let y_from = (((lowest - 0.05) * 10.0).floor() / 10.0).clamp(0.0, 0.9);
    accuracy_bars_svg("Test accuracy per unit", &groups, &series, y_from)
}
