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

use tch::nn::{self, Module};
use tch::{Kind, Scalar, Tensor};

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
    /// The 8-bit version of `linear` (a copy: `linear` is unchanged).
    pub fn from_linear(linear: &nn::Linear) -> Int8Linear {
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
        Int8Linear {
            packed: weights.fbgemm_pack_quantized_matrix(),
            bias_scaled_down: &bias / &row_scales,
            weights,
            row_scales,
            column_offsets,
            scale,
            zero_point,
        }
    }
}

impl Module for Int8Linear {
    /// `x`: `[..., in]` float32, `[..., out]` back.
    fn forward(&self, x: &Tensor) -> Tensor {
        let scaled_down = x.contiguous().fbgemm_linear_int8_weight_fp32_activation(
            &self.weights,
            &self.packed,
            &self.column_offsets,
            // A float scale and an integer zero point (the kernel checks).
            Scalar::float(self.scale),
            Scalar::int(self.zero_point),
            &self.bias_scaled_down,
        );
        scaled_down * &self.row_scales
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

#[cfg(test)]
mod tests {
    use super::*;
    use tch::nn::VarStore;
    use tch::Device;

    #[test]
    fn gives_the_float_layers_output_within_a_few_percent() {
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
