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
    // Epochs that were not validated have no validation point.
    let series = |f: fn(&EpochMetrics) -> Option<f64>| -> Vec<(f64, f64)> {
        history
            .iter()
            .filter_map(|m| Some((m.epoch as f64, f(m)?)))
            .collect()
    };
    let last_epoch = history.last().map_or(1, |m| m.epoch) as f64;
    let loss = [
        (series(|m| Some(m.train_loss)), "train"),
        (series(|m| m.validation_loss), "validation"),
    ];
    draw_panel(&left, "loss", loss, last_epoch)?;
    let accuracy = [
        (series(|m| Some(m.train_accuracy)), "train"),
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

/// One series of a bar chart: its legend, one value (or none) per group, and optionally the
/// range behind each value (the lowest and highest of several runs), drawn as a whisker.
pub struct BarSeries<'a> {
    pub name: &'a str,
    pub values: Vec<Option<f64>>,
    pub ranges: Vec<Option<(f64, f64)>>,
}

impl<'a> BarSeries<'a> {
    /// A series of plain bars.
    pub fn new(name: &'a str, values: Vec<Option<f64>>) -> BarSeries<'a> {
        BarSeries {
            name,
            values,
            ranges: Vec::new(),
        }
    }

    /// The same bars with a whisker from `low` to `high` where a range is given.
    pub fn with_ranges(mut self, ranges: Vec<Option<(f64, f64)>>) -> BarSeries<'a> {
        self.ranges = ranges;
        self
    }

    /// The smallest value or range end of the series (`None`: no value).
    pub fn lowest(&self) -> Option<f64> {
        let ends = self.ranges.iter().flatten().map(|&(low, _)| low);
        self.values
            .iter()
            .flatten()
            .copied()
            .chain(ends)
            .reduce(f64::min)
    }
}

/// A bar chart of accuracies: for each group (a unit), one bar per series side by side, the
/// y axis from `y_from` to 1. A missing value leaves a gap.
pub fn accuracy_bars(
    path: &Path,
    title: &str,
    groups: &[String],
    series: &[BarSeries],
    y_from: f64,
) -> Result<()> {
    register_font();
    crate::fs::replace_atomically(path, |temporary| {
        draw_bars(temporary, title, groups, series, y_from)
            .map_err(|e| anyhow!("cannot draw {}: {e}", path.display()))
    })
}

/// The same bar chart as SVG text, for a page (text stays text: no font is needed to draw it).
pub fn accuracy_bars_svg(
    title: &str,
    groups: &[String],
    series: &[BarSeries],
    y_from: f64,
) -> Result<String> {
    register_font(); // plotters measures text with it, even where the SVG keeps it as text
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (900, 460)).into_drawing_area();
        draw_bars_on(root, title, groups, series, y_from)
            .map_err(|e| anyhow!("cannot draw {title}: {e}"))?;
    }
    Ok(svg)
}

fn draw_bars(
    path: &Path,
    title: &str,
    groups: &[String],
    series: &[BarSeries],
    y_from: f64,
) -> Result<(), Box<dyn std::error::Error>> {
    let root = BitMapBackend::new(path, (900, 460)).into_drawing_area();
    draw_bars_on(root, title, groups, series, y_from)
}

fn draw_bars_on<DB: DrawingBackend>(
    root: DrawingArea<DB, plotters::coord::Shift>,
    title: &str,
    groups: &[String],
    series: &[BarSeries],
    y_from: f64,
) -> Result<(), Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    const COLOURS: [RGBColor; 4] = [
        RGBColor(150, 150, 150),
        RGBColor(31, 119, 180),
        RGBColor(255, 127, 14),
        RGBColor(44, 160, 44),
    ];
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(52)
        .build_cartesian_2d(0.0..groups.len().max(1) as f64, y_from..1.0)?;
    let label_of = |x: &f64| {
        let index = x.floor() as usize;
        let centred = (x - index as f64 - 0.5).abs() < 1e-9;
        match groups.get(index) {
            Some(name) if centred => name.clone(),
            _ => String::new(),
        }
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(groups.len() * 2 + 1)
        .x_label_formatter(&label_of)
        .y_desc("test accuracy")
        .draw()?;
    let width = 0.8 / series.len().max(1) as f64;
    let left_of = |group: usize, k: usize| group as f64 + 0.1 + k as f64 * width;
    for (k, bar_series) in series.iter().enumerate() {
        let colour = COLOURS[k % COLOURS.len()];
        let bars = bar_series
            .values
            .iter()
            .enumerate()
            .filter_map(|(group, value)| {
                let left = left_of(group, k);
                Some(Rectangle::new(
                    [(left, y_from), (left + width * 0.95, (*value)?.max(y_from))],
                    colour.filled(),
                ))
            });
        chart
            .draw_series(bars)?
            .label(bar_series.name)
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], colour.filled()));
        // Whiskers: from the lowest to the highest run, with a cap at each end.
        let whiskers = bar_series
            .ranges
            .iter()
            .enumerate()
            .filter_map(|(group, range)| {
                let (low, high) = (*range)?;
                let middle = left_of(group, k) + width * 0.475;
                let cap = width * 0.2;
                let (low, high) = (low.max(y_from), high.max(y_from));
                Some([
                    vec![(middle, low), (middle, high)],
                    vec![(middle - cap, low), (middle + cap, low)],
                    vec![(middle - cap, high), (middle + cap, high)],
                ])
            })
            .flatten()
            .map(|points| PathElement::new(points, BLACK.stroke_width(2)));
        chart.draw_series(whiskers)?;
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .position(SeriesLabelPosition::UpperLeft)
        .draw()?;
    root.present()?;
    Ok(())
}
