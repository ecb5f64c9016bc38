//! A PNG of the toy points (one colour per class) and a decision boundary.

use anyhow::{anyhow, Result};
use plotters::prelude::*;
use std::path::Path;

/// Draws `points` and, if given, the line `w0 x + w1 y + b = 0` from `[w0, w1, b]`.
pub fn decision_boundary(
    path: &Path,
    title: &str,
    points: &[[f64; 2]],
    labels: &[u8],
    boundary: Option<[f64; 3]>,
) -> Result<()> {
    course_core::tracking::plot::register_font();
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder)?;
    }
    course_core::fs::replace_atomically(path, |temporary| {
        draw(temporary, title, points, labels, boundary)
            .map_err(|e| anyhow!("cannot draw {}: {e}", path.display()))
    })
}

fn draw(
    path: &Path,
    title: &str,
    points: &[[f64; 2]],
    labels: &[u8],
    boundary: Option<[f64; 3]>,
) -> Result<(), Box<dyn std::error::Error>> {
    let range = |axis: usize| {
        let (lo, hi) = points.iter().fold((f64::MAX, f64::MIN), |(lo, hi), p| {
            (lo.min(p[axis]), hi.max(p[axis]))
        });
        // A margin of a tenth of the spread on each side, whatever the feature's scale.
        let margin = ((hi - lo) * 0.1).max(1e-6);
        (lo - margin)..(hi + margin)
    };
    let (x_range, y_range) = (range(0), range(1));
    let root = BitMapBackend::new(path, (640, 560)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 22))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(44)
        .build_cartesian_2d(x_range.clone(), y_range.clone())?;
    chart
        .configure_mesh()
        .x_desc("feature 1")
        .y_desc("feature 2")
        .label_style(("sans-serif", 13))
        .draw()?;
    for (class, color) in [(0u8, BLUE), (1u8, RED)] {
        let class_points = points
            .iter()
            .zip(labels)
            .filter(|(_, &l)| l == class)
            .map(|(p, _)| Circle::new((p[0], p[1]), 5, color.filled()));
        chart
            .draw_series(class_points)?
            .label(format!("class {class}"))
            .legend(move |(x, y)| Circle::new((x + 8, y), 5, color.filled()));
    }
    if let Some([w0, w1, b]) = boundary {
        // Sample the line across the plot; keep the points inside the frame.
        let line: Vec<(f64, f64)> = if w1.abs() > 1e-12 {
            (0..=200)
                .map(|i| x_range.start + (x_range.end - x_range.start) * i as f64 / 200.0)
                .map(|x| (x, -(w0 * x + b) / w1))
                .filter(|(_, y)| y_range.contains(y))
                .collect()
        } else if w0.abs() > 1e-12 {
            vec![(-b / w0, y_range.start), (-b / w0, y_range.end)]
        } else {
            Vec::new()
        };
        chart
            .draw_series(LineSeries::new(line, BLACK.stroke_width(2)))?
            .label("decision boundary")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], BLACK.stroke_width(2)));
    }
    chart
        .configure_series_labels()
        .border_style(BLACK)
        .background_style(WHITE.mix(0.8))
        .label_font(("sans-serif", 13))
        .draw()?;
    root.present()?;
    Ok(())
}
