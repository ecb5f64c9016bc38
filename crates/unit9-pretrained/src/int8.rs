//! A linear layer whose weights are 8-bit integers, for predicting faster on a CPU.
//!
//! `y = x Wᵀ + b`, with `W [out, in]` stored as `W = diag(s) · V`: each output's row is divided
//! by its largest magnitude `s_o`, so every row of `V` spans -1..1, and `V` is stored as
//! `V ≈ scale · (Q − zero_point)` with `Q` in `-128..=127`. libtorch's fbgemm kernel multiplies
//! 8-bit numbers (the inputs `x` are quantized on the fly) and hands back `x Vᵀ + b / s` in
//! float32; multiplying each output by its `s_o` gives `y`. Dividing the rows first gives
//! each row the whole 8-bit range (the kernel has one `scale` per matrix): a row of small weights
//! would otherwise use a few of the 256 levels. The validation accuracy of the whole model says
//! what the lost precision costs (unit 9's README has the figures).
//!
//! This is PyTorch's "dynamic quantization" of linear layers (`torch.ao.quantization.
//! quantize_dynamic`), through the fbgemm operations tch exposes. Weights only: nothing trains
//! through it.
//!
//! fbgemm is a CPU library, and libtorch's builds for macOS and ARM Linux do not have it:
//! [`precision_here`] decides where 8-bit weights run (the CPU, where a first small product
//! through fbgemm answers) and says why float32 is used elsewhere.

use crate::configs::Precision;
use std::sync::OnceLock;
use tch::nn::{self, Module};
use tch::{Device, Kind, Scalar, TchError, Tensor};

/// A linear layer with 8-bit weights (prediction only).
#[derive(Debug)]
pub struct Int8Linear {
    /// `Q`: `[out, in]` int8.
    weights: Tensor,
    /// `s`: the largest magnitude of each row of `W`, `[out]`.
    row_scales: Tensor,
    /// `b / s`: the kernel's bias, so that scaling its output by `s` gives `x Wᵀ + b`.
    bias_scaled_down: Tensor,
    /// `Q` packed into fbgemm's own layout.
    packed: Tensor,
    /// Per output: `Σ_in Q − zero_point · in` (int32), a term of the integer product.
    column_offsets: Tensor,
    scale: f64,
    zero_point: i64,
}

impl Int8Linear {
    /// The 8-bit version of `linear` (a copy: `linear` is unchanged). Call it where
    /// [`fbgemm_answers`]; elsewhere it panics with libtorch's error.
    pub fn from_linear(linear: &nn::Linear) -> Int8Linear {
        Int8Linear::try_from_linear(linear).expect("fbgemm's 8-bit kernels (see fbgemm_answers)")
    }

    fn try_from_linear(linear: &nn::Linear) -> Result<Int8Linear, TchError> {
        let _no_grad = tch::no_grad_guard();
        let w = linear.ws.to_kind(Kind::Float);
        let row_scales = w
            .abs()
            .amax([1].as_slice(), false)
            .clamp_min(f32::MIN_POSITIVE as f64);
        let w = (&w / row_scales.unsqueeze(1)).contiguous();
        let (scale, zero_point) = quantization_parameters(&w);
        let weights = ((&w / scale).round() + zero_point as f64)
            .clamp(-128.0, 127.0)
            .to_kind(Kind::Int8);
        let inputs = w.size()[1];
        let column_offsets = (weights.sum_dim_intlist(1, false, Kind::Int64) - zero_point * inputs)
            .to_kind(Kind::Int);
        let bias = match &linear.bs {
            Some(bias) => bias.to_kind(Kind::Float),
            None => Tensor::zeros([w.size()[0]], (Kind::Float, w.device())),
        };
        Ok(Int8Linear {
            packed: weights.f_fbgemm_pack_quantized_matrix()?,
            bias_scaled_down: &bias / &row_scales,
            weights,
            row_scales,
            column_offsets,
            scale,
            zero_point,
        })
    }

    fn try_forward(&self, x: &Tensor) -> Result<Tensor, TchError> {
        let mut scaled_down = x.contiguous().f_fbgemm_linear_int8_weight_fp32_activation(
            &self.weights,
            &self.packed,
            &self.column_offsets,
            // A float scale and an integer zero point (the kernel checks).
            Scalar::float(self.scale),
            Scalar::int(self.zero_point),
            &self.bias_scaled_down,
        )?;
        // In place: the kernel's output is ours, and writing the product into a new tensor
        // would be one more pass over memory as wide as the layer's output.
        scaled_down.f_mul_(&self.row_scales)
    }
}

impl Module for Int8Linear {
    /// `x`: `[..., in]` float32, `[..., out]` back.
    fn forward(&self, x: &Tensor) -> Tensor {
        self.try_forward(x)
            .expect("fbgemm's 8-bit kernels (see fbgemm_answers)")
    }
}

/// Whether fbgemm's 8-bit kernels work in this process: a 3 -> 2 layer through them, tried
/// once (`Err` holds libtorch's first line: not built with fbgemm, or a CPU it does not support).
pub fn fbgemm_answers() -> Result<(), String> {
    static ANSWER: OnceLock<Result<(), String>> = OnceLock::new();
    ANSWER
        .get_or_init(|| {
            let _no_grad = tch::no_grad_guard();
            let cpu = nn::VarStore::new(Device::Cpu);
            let tiny = nn::linear(cpu.root(), 3, 2, Default::default());
            let x = Tensor::ones([1, 3], (Kind::Float, Device::Cpu));
            Int8Linear::try_from_linear(&tiny)
                .and_then(|layer| layer.try_forward(&x))
                .map(|_| ())
                .map_err(|error| {
                    let text = error.to_string();
                    text.lines().next().unwrap_or(&text).to_string()
                })
        })
        .clone()
}

/// The precision prediction runs at, and a line saying why when it is not the one asked for:
/// 8-bit weights only on the CPU where fbgemm answers, and only for encoders written here
/// (BERT, RoBERTa; `has_int8_layers`), else float32.
pub fn precision_here(
    asked: Precision,
    device: Device,
    fbgemm: &Result<(), String>,
    has_int8_layers: bool,
) -> (Precision, Option<String>) {
    let float32 = |why: String| (Precision::Float32, Some(why));
    match (asked, fbgemm) {
        (Precision::Float32, _) => (Precision::Float32, None),
        (Precision::Bf16, _) => (Precision::Bf16, None),
        _ if !has_int8_layers => {
            float32("8-bit weights are for BERT and RoBERTa encoders: predicting in float32".into())
        }
        _ if device != Device::Cpu => float32(format!(
            "8-bit weights run on the CPU only (fbgemm's kernels); the model is on {device:?}: \
             predicting in float32"
        )),
        (_, Err(why)) => float32(format!(
            "8-bit weights need fbgemm's kernels, which this libtorch lacks ({why}; libtorch's \
             macOS and ARM builds have none): predicting in float32"
        )),
        (Precision::Int8, Ok(())) => (Precision::Int8, None),
    }
}

/// The `scale` and `zero_point` that map `w`'s range (widened to include 0) onto `-128..=127`,
/// as PyTorch's `fbgemm_linear_quantize_weight` chooses them: of the two zero points that put
/// the smallest or the largest weight exactly on the grid, the one with the smaller error,
/// rounded to an integer in range.
fn quantization_parameters(w: &Tensor) -> (f64, i64) {
    let (q_min, q_max) = (-128.0, 127.0);
    let low = w.min().double_value(&[]).min(0.0);
    let high = w.max().double_value(&[]).max(0.0);
    let scale = (high - low) / (q_max - q_min);
    if scale == 0.0 {
        // An all-zero matrix: any scale represents it.
        return (0.1, 0);
    }
    let (from_low, from_high) = (q_min - low / scale, q_max - high / scale);
    let error_low = q_min.abs() + (low / scale).abs();
    let error_high = q_max.abs() + (high / scale).abs();
    let zero_point = if error_low < error_high {
        from_low
    } else {
        from_high
    };
    (scale, zero_point.round().clamp(q_min, q_max) as i64)
}

/// For tests: fbgemm is absent from libtorch's macOS and ARM builds, so the 8-bit tests skip
/// there, saying why.
#[cfg(test)]
pub(crate) fn without_fbgemm() -> bool {
    match fbgemm_answers() {
        Ok(()) => false,
        Err(why) => {
            eprintln!("skipped: fbgemm's 8-bit kernels do not answer here ({why})");
            true
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tch::nn::VarStore;
    use tch::Device;

    #[test]
    fn eight_bit_weights_only_where_they_run_and_a_line_says_why_not() {
        let works: Result<(), String> = Ok(());
        let absent: Result<(), String> = Err("not built with FBGEMM".into());
        let (int8, f32) = (Precision::Int8, Precision::Float32);
        assert_eq!(
            precision_here(int8, Device::Cpu, &works, true),
            (int8, None)
        );
        assert_eq!(precision_here(f32, Device::Cpu, &works, true), (f32, None));
        assert_eq!(precision_here(f32, Device::Mps, &absent, true), (f32, None));
        // bfloat16 products need no fbgemm and suit every encoder.
        let bf16 = Precision::Bf16;
        assert_eq!(
            precision_here(bf16, Device::Cpu, &absent, false),
            (bf16, None)
        );
        for (device, fbgemm, layers, words) in [
            (Device::Cpu, &absent, true, "not built with FBGEMM"),
            (Device::Cuda(0), &works, true, "on the CPU only"),
            (Device::Mps, &absent, true, "on the CPU only"),
            (Device::Cpu, &works, false, "BERT and RoBERTa"),
        ] {
            let (precision, why) = precision_here(int8, device, fbgemm, layers);
            assert_eq!(precision, f32);
            let why = why.expect("a line says why");
            assert!(why.contains(words) && why.contains("float32"), "{why}");
        }
    }

    #[test]
    fn gives_the_float_layers_output_within_a_few_percent() {
        if without_fbgemm() {
            return;
        }
        let _rng = course_core::device::exclusive_torch_rng();
        tch::manual_seed(9);
        let vars = VarStore::new(Device::Cpu);
        let linear = nn::linear(vars.root() / "dense", 64, 48, Default::default());
        let x = Tensor::randn([3, 5, 64], (Kind::Float, Device::Cpu));
        let expected = tch::no_grad(|| linear.forward(&x));
        let got = Int8Linear::from_linear(&linear).forward(&x);
        assert_eq!(got.size(), [3, 5, 48]);
        let relative =
            (&got - &expected).norm().double_value(&[]) / expected.norm().double_value(&[]);
        assert!(relative < 0.03, "relative error {relative}");
        // Not the float layer by another name: 8-bit weights do change the numbers.
        assert!(relative > 1e-5, "relative error {relative}");
    }

    #[test]
    fn weights_use_the_whole_8_bit_range() {
        let w = Tensor::from_slice(&[-1.0f32, 0.0, 0.5, 2.0]).view([2, 2]);
        let (scale, zero_point) = quantization_parameters(&w);
        assert!((scale - 3.0 / 255.0).abs() < 1e-12);
        // -1 lands on -128 and 2 on 127: zero sits at -128 + 1/scale = -43.
        assert_eq!(zero_point, -43);
        assert_eq!(
            quantization_parameters(&Tensor::zeros([2, 2], (Kind::Float, Device::Cpu))).1,
            0
        );
    }
}
