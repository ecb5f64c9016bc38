//! Unit 6's tasks, done. Try `src/exercise.rs` first!

use crate::{Answers, TimePooling};
use tch::nn::{self, Module};
use tch::{Kind, Tensor};

/// The reference answers.
pub struct Solution;

impl Answers for Solution {
    fn conv_output_length(input: i64, kernel: i64, stride: i64, padding: i64) -> i64 {
        // Windows start at 0, stride, 2 * stride, ... as long as they fit in the padded input.
        (input + 2 * padding - kernel) / stride + 1
    }

    fn conv_branch(
        conv: &nn::Conv1D,
        embedded: &Tensor,
        lengths: &Tensor,
        pooling: TimePooling,
    ) -> Tensor {
        let responses = conv.forward(embedded).relu(); // [batch, filters, positions]
        let positions = responses.size()[2];
        let kernel = conv.ws.size()[2];
        // Output t reads words t .. t + kernel - 1; it counts while it starts on a real word
        // and fits in the review (a review shorter than the window keeps output 0).
        let valid_count = (lengths - (kernel - 1)).clamp_min(1); // [batch]
        let valid = Tensor::arange(positions, (Kind::Int64, embedded.device()))
            .unsqueeze(0)
            .lt_tensor(&valid_count.unsqueeze(1)) // [batch, positions]
            .unsqueeze(1) // [batch, 1, positions]
            .to_kind(responses.kind());
        let kept = &responses * &valid;
        // After ReLU every response is >= 0, so zeroing the invalid ones never changes the max.
        let max = kept.amax(2, false);
        match pooling {
            TimePooling::Max => max,
            TimePooling::MaxMean => {
                let count = valid.sum_dim_intlist(2, false, responses.kind());
                let mean = kept.sum_dim_intlist(2, false, responses.kind()) / count;
                Tensor::cat(&[max, mean], 1)
            }
        }
    }

    fn all_branches(
        convs: &[nn::Conv1D],
        embedded: &Tensor,
        lengths: &Tensor,
        pooling: TimePooling,
    ) -> Tensor {
        let features: Vec<Tensor> = convs
            .iter()
            .map(|conv| Self::conv_branch(conv, embedded, lengths, pooling))
            .collect();
        Tensor::cat(&features, 1)
    }

    fn conv1d(x: &Tensor, weight: &Tensor, bias: &Tensor, stride: i64, padding: i64) -> Tensor {
        // y[b, o, t] = bias[o] + sum over c, j of weight[o, c, j] * x_padded[b, c, t * stride + j]:
        // every window of the padded input, flattened, meets every filter, flattened, in one
        // matrix product. (Deep learning's "convolution" does not flip the kernel.)
        let [filters, channels, kernel] = weight.size()[..] else {
            panic!(
                "weight must be [filters, channels, kernel], got {:?}",
                weight.size()
            )
        };
        let padded = x.constant_pad_nd([padding, padding]); // [batch, channels, length + 2p]
        let windows = padded
            .unfold(2, kernel, stride) // [batch, channels, outputs, kernel]
            .permute([0, 2, 1, 3]) // [batch, outputs, channels, kernel]
            .flatten(2, 3); // [batch, outputs, channels * kernel]
        let filters_flat = weight.reshape([filters, channels * kernel]);
        (windows.matmul(&filters_flat.tr()) + bias).transpose(1, 2) // [batch, filters, outputs]
    }
}
