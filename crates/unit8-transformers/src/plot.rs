//! `attention.png`: which words each word of one review looks at, one panel per head.

use anyhow::{anyhow, Result};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;

/// Draws `weights` (`[heads][query][key]`, rows summing to 1) over `words`, atomically.
pub fn attention_map(path: &Path, words: &[String], weights: &[Vec<Vec<f32>>]) -> Result<()> {
    course_core::tracking::plot::register_font();
    course_core::fs::replace_atomically(path, |temporary| {
        draw(temporary, words, weights).map_err(|e| anyhow!("cannot draw {}: {e}", path.display()))
    })
}

fn draw(
    path: &Path,
    words: &[String],
    weights: &[Vec<Vec<f32>>],
) -> Result<(), Box<dyn std::error::Error>> {
    let n = words.len() as i32;
    let (cell, margin, top) = (22i32, 110i32, 130i32);
    let panel = margin + n * cell + 20;
    let size = (
        (panel * weights.len() as i32).max(200) as u32,
        (top + n * cell + 20) as u32,
    );
    let root = BitMapBackend::new(path, size).into_drawing_area();
    root.fill(&WHITE)?;
    let left =
        TextStyle::from(("sans-serif", 13).into_font()).pos(Pos::new(HPos::Right, VPos::Center));
    let up = TextStyle::from(
        ("sans-serif", 13)
            .into_font()
            .transform(FontTransform::Rotate270),
    )
    .pos(Pos::new(HPos::Left, VPos::Center));
    for (head, map) in weights.iter().enumerate() {
        let x0 = head as i32 * panel + margin;
        root.draw(&Text::new(
            format!(
                "head {}: row = the word looking, column = the word looked at",
                head + 1
            ),
            (x0 - margin + 8, 8),
            ("sans-serif", 14),
        ))?;
        // The largest weight of the panel is black, so small maps stay readable.
        let peak = map
            .iter()
            .flatten()
            .cloned()
            .fold(f32::MIN, f32::max)
            .max(1e-6);
        for (q, row) in map.iter().enumerate() {
            for (k, &w) in row.iter().enumerate() {
                let shade = (255.0 * (1.0 - w / peak)).clamp(0.0, 255.0) as u8;
                let (x, y) = (x0 + k as i32 * cell, top + q as i32 * cell);
                root.draw(&Rectangle::new(
                    [(x, y), (x + cell - 1, y + cell - 1)],
                    RGBColor(shade, shade, 255).filled(),
                ))?;
            }
        }
        for (i, word) in words.iter().enumerate() {
            let middle = i as i32 * cell + cell / 2;
            root.draw(&Text::new(
                word.clone(),
                (x0 - 6, top + middle),
                left.clone(),
            ))?;
            root.draw(&Text::new(word.clone(), (x0 + middle, top - 6), up.clone()))?;
        }
    }
    root.present()?;
    Ok(())
}
