//! `learning_curves.png`: loss and accuracy per epoch, training against validation.

use crate::tracking::EpochMetrics;
use anyhow::{anyhow, Result};
use plotters::prelude::*;
use std::path::Path;
use std::sync::Once;

/// DejaVu Sans, embedded so plots need no system fonts (license: assets/DejaVuSans-LICENSE.txt).
const FONT: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");

/// Makes the embedded font the "sans-serif" of every plot (call before drawing text).
pub fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
    });
}

/// Draws the two panels and writes the PNG atomically.
pub fn learning_curves(path: &Path, history: &[EpochMetrics]) -> Result<()> {
    register_font();
    crate::fs::replace_atomically(path, |temporary| {
        draw(temporary, history).map_err(|e| anyhow!("cannot draw {}: {e}", path.display()))
    })
}

/// A line: its points and its legend.
type Line = (Vec<(f64, f64)>, &'static str);

fn draw(path: &Path, history: &[EpochMetrics]) -> Result<(), Box<dyn std::error::Error>> {
    let root = BitMapBackend::new(path, (1100, 420)).into_drawing_area();
    root.fill(&WHITE)?;
    let (left, right) = root.split_horizontally(550);
    let series = |f: fn(&EpochMetrics) -> f64| -> Vec<(f64, f64)> {
        history.iter().map(|m| (m.epoch as f64, f(m))).collect()
    };
    let last_epoch = history.last().map_or(1, |m| m.epoch) as f64;
    let loss = [
        (series(|m| m.train_loss), "train"),
        (series(|m| m.validation_loss), "validation"),
    ];
    draw_panel(&left, "loss", loss, last_epoch)?;
    let accuracy = [
        (series(|m| m.train_accuracy), "train"),
        (series(|m| m.validation_accuracy), "validation"),
    ];
    draw_panel(&right, "accuracy", accuracy, last_epoch)?;
    root.present()?;
    Ok(())
}

fn draw_panel(
    area: &DrawingArea<BitMapBackend<'_>, plotters::coord::Shift>,
    title: &str,
    lines: [Line; 2],
    last_epoch: f64,
) -> Result<(), Box<dyn std::error::Error>> {
    let values = lines
        .iter()
        .flat_map(|(points, _)| points.iter().map(|p| p.1));
    let (low, high) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    let margin = ((high - low) * 0.1).max(1e-3);
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", 22))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(56)
        .build_cartesian_2d(1.0..last_epoch.max(2.0), (low - margin)..(high + margin))?;
    chart
        .configure_mesh()
        .x_desc("epoch")
        .label_style(("sans-serif", 13))
        .draw()?;
    for ((points, label), color) in lines.into_iter().zip([BLUE, RED]) {
        chart
            .draw_series(LineSeries::new(points.clone(), color.stroke_width(2)))?
            .label(label)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
            });
        chart.draw_series(
            points
                .into_iter()
                .map(|p| Circle::new(p, 3, color.filled())),
        )?;
    }
    chart
        .configure_series_labels()
        .border_style(BLACK)
        .background_style(WHITE.mix(0.8))
        .label_font(("sans-serif", 13))
        .draw()?;
    Ok(())
}

/// `lr_finder.png`: the smoothed loss against the learning rate (log scale), with the suggested
/// rate marked.
pub fn lr_finder(path: &Path, lrs: &[f64], losses: &[f64], suggestion: f64) -> Result<()> {
    register_font();
    crate::fs::replace_atomically(path, |temporary| {
        draw_lr_finder(temporary, lrs, losses, suggestion)
            .map_err(|e| anyhow!("cannot draw {}: {e}", path.display()))
    })
}

fn draw_lr_finder(
    path: &Path,
    lrs: &[f64],
    losses: &[f64],
    suggestion: f64,
) -> Result<(), Box<dyn std::error::Error>> {
    let root = BitMapBackend::new(path, (760, 460)).into_drawing_area();
    root.fill(&WHITE)?;
    let points: Vec<(f64, f64)> = lrs
        .iter()
        .zip(losses)
        .filter(|(_, loss)| loss.is_finite())
        .map(|(&lr, &loss)| (lr, loss))
        .collect();
    let (lo, hi) = points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
            (lo.min(p.1), hi.max(p.1))
        });
    let (first, last) = (
        points.first().map_or(1e-6, |p| p.0),
        points.last().map_or(1.0, |p| p.0),
    );
    let margin = ((hi - lo) * 0.1).max(1e-3);
    let mut chart = ChartBuilder::on(&root)
        .caption("learning-rate finder", ("sans-serif", 22))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(56)
        .build_cartesian_2d(
            (first..last.max(first * 10.0)).log_scale(),
            (lo - margin)..(hi + margin),
        )?;
    chart
        .configure_mesh()
        .x_desc("learning rate")
        .y_desc("loss (smoothed)")
        .x_label_formatter(&|x| format!("{x:.0e}"))
        .label_style(("sans-serif", 13))
        .draw()?;
    chart
        .draw_series(LineSeries::new(points, BLUE.stroke_width(2)))?
        .label("loss")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], BLUE.stroke_width(2)));
    let s = suggestion;
    chart
        .draw_series(LineSeries::new(
            vec![(s, lo - margin), (s, hi + margin)],
            RED.stroke_width(2),
        ))?
        .label(format!("suggested {s:.1e}"))
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], RED.stroke_width(2)));
    chart
        .configure_series_labels()
        .border_style(BLACK)
        .background_style(WHITE.mix(0.8))
        .label_font(("sans-serif", 13))
        .draw()?;
    root.present()?;
    Ok(())
}
