//! Convolution over pixels, as the course's videos teach it: a small 2-D CNN learns to tell
//! squares, discs and crosses apart in 28 x 28 images that this module draws itself (no
//! download), with noise and random positions and sizes.

use crate::Answers;
use anyhow::{anyhow, Result};
use course_core::training::{Model, TensorDataset};
use plotters::prelude::*;
use rand::{Rng, SeedableRng};
use std::marker::PhantomData;
use std::path::Path;
use tch::nn::{self, Module};
use tch::{Kind, Tensor};

/// The classes, in label order.
pub const SHAPES: [&str; 3] = ["square", "disc", "cross"];
/// Images are `SIZE` x `SIZE` pixels.
pub const SIZE: i64 = 28;

/// `count` images `[count, 1, SIZE, SIZE]` in [0, 1] with their labels, the same for a seed.
pub fn draw_shapes(count: usize, seed: u64) -> TensorDataset {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let side = SIZE as usize;
    let mut pixels = vec![0f32; count * side * side];
    let mut labels = Vec::with_capacity(count);
    for (image, label) in pixels.chunks_mut(side * side).zip(0..) {
        let shape = label % SHAPES.len() as i64;
        let radius: i32 = rng.random_range(4..=8);
        let cx: i32 = rng.random_range(radius..side as i32 - radius);
        let cy: i32 = rng.random_range(radius..side as i32 - radius);
        let thickness = (radius / 3).max(1);
        for y in 0..side as i32 {
            for x in 0..side as i32 {
                let (dx, dy) = ((x - cx).abs(), (y - cy).abs());
                let inside = match shape {
                    0 => dx <= radius && dy <= radius,
                    1 => dx * dx + dy * dy <= radius * radius,
                    _ => (dx <= radius && dy <= thickness) || (dy <= radius && dx <= thickness),
                };
                let noise: f32 = rng.random_range(-0.25..0.25);
                let value = if inside { 0.8 } else { 0.1 };
                image[y as usize * side + x as usize] = (value + noise).clamp(0.0, 1.0);
            }
        }
        labels.push(shape);
    }
    TensorDataset {
        inputs: Tensor::from_slice(&pixels).view([count as i64, 1, SIZE, SIZE]),
        labels: Some(labels),
    }
}

/// Two blocks of 3 x 3 convolution (size kept by padding 1) -> ReLU -> 2 x 2 max-pool, then a
/// linear layer over the flattened maps.
#[derive(Debug)]
pub struct ShapeCnn<A> {
    conv1: nn::Conv2D,
    conv2: nn::Conv2D,
    output: nn::Linear,
    learner: PhantomData<A>,
}

impl<A: Answers> ShapeCnn<A> {
    pub fn new(path: &nn::Path) -> ShapeCnn<A> {
        let same = nn::ConvConfig {
            padding: 1,
            ..Default::default()
        };
        // The learner's formula sizes the flattened maps: conv (kernel 3, stride 1, padding 1)
        // then pool (window 2, stride 2), twice.
        let mut side = SIZE;
        for _ in 0..2 {
            side = A::conv_output_length(side, 3, 1, 1);
            side = A::conv_output_length(side, 2, 2, 0);
        }
        ShapeCnn {
            conv1: nn::conv2d(path / "conv1", 1, 8, 3, same),
            conv2: nn::conv2d(path / "conv2", 8, 16, 3, same),
            output: nn::linear(
                path / "output",
                16 * side * side,
                SHAPES.len() as i64,
                Default::default(),
            ),
            learner: PhantomData,
        }
    }
}

impl<A: Answers> Model for ShapeCnn<A> {
    type Input = Tensor;

    fn forward(&self, images: &Tensor, _train: bool) -> Tensor {
        let maps = self.conv1.forward(images).relu().max_pool2d_default(2);
        let maps = self.conv2.forward(&maps).relu().max_pool2d_default(2);
        maps.flatten(1, -1).apply(&self.output)
    }
}

/// A grid of the first images of `data` titled with the predicted shape (green when right,
/// red when wrong), written atomically as a PNG.
pub fn plot_predictions(path: &Path, data: &TensorDataset, predicted: &[i64]) -> Result<()> {
    course_core::tracking::plot::register_font();
    course_core::fs::replace_atomically(path, |temporary| {
        draw_grid(temporary, data, predicted)
            .map_err(|e| anyhow!("cannot draw {}: {e}", path.display()))
    })
}

fn draw_grid(
    path: &Path,
    data: &TensorDataset,
    predicted: &[i64],
) -> Result<(), Box<dyn std::error::Error>> {
    let (columns, rows, cell, scale) = (8usize, 3usize, 110i32, 3i32);
    let shown = (columns * rows).min(predicted.len());
    let root =
        BitMapBackend::new(path, (columns as u32 * 110, rows as u32 * 110)).into_drawing_area();
    root.fill(&WHITE)?;
    let labels = data.labels.as_deref().unwrap_or(&[]);
    for (i, &guess) in predicted.iter().enumerate().take(shown) {
        let (x0, y0) = (
            (i % columns) as i32 * cell + 13,
            (i / columns) as i32 * cell + 22,
        );
        let image = Vec::<f32>::try_from(data.inputs.get(i as i64).flatten(0, -1))?;
        for (p, &value) in image.iter().enumerate() {
            let (x, y) = ((p as i64 % SIZE) as i32, (p as i64 / SIZE) as i32);
            let grey = (255.0 * (1.0 - value)) as u8;
            root.draw(&Rectangle::new(
                [
                    (x0 + x * scale, y0 + y * scale),
                    (x0 + (x + 1) * scale, y0 + (y + 1) * scale),
                ],
                RGBColor(grey, grey, grey).filled(),
            ))?;
        }
        let right = labels.get(i) == Some(&guess);
        let colour = if right { RGBColor(0, 130, 0) } else { RED };
        let title = SHAPES.get(guess as usize).copied().unwrap_or("?");
        root.draw(&Text::new(
            title,
            (x0, y0 - 18),
            ("sans-serif", 15).into_font().color(&colour),
        ))?;
    }
    root.present()?;
    Ok(())
}

/// The fraction of `predicted` equal to `labels`.
pub fn accuracy(predicted: &[i64], labels: &[i64]) -> f64 {
    let right = predicted.iter().zip(labels).filter(|(p, l)| p == l).count();
    right as f64 / labels.len().max(1) as f64
}

/// The class with the highest probability, per row.
pub fn classes(probabilities: &Tensor) -> Result<Vec<i64>> {
    Ok(Vec::<i64>::try_from(
        probabilities.argmax(-1, false).to_kind(Kind::Int64),
    )?)
}
