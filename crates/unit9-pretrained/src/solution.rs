//! Unit 9's tasks, done.

use crate::{Answers, Keep, SpecialTokens};
use tch::nn::VarStore;
use tch::Tensor;

pub struct Solution;

impl Answers for Solution {
    fn frame_review(
        tokens: &[u32],
        max_len: usize,
        keep: Keep,
        special: SpecialTokens,
    ) -> Vec<u32> {
        let budget = max_len.saturating_sub(2);
        let mut framed = Vec::with_capacity(tokens.len().min(budget) + 2);
        framed.push(special.start);
        if tokens.len() <= budget {
            framed.extend_from_slice(tokens);
        } else {
            match keep {
                Keep::Head => framed.extend_from_slice(&tokens[..budget]),
                Keep::HeadAndTail => {
                    let head = budget / 4;
                    let tail = budget - head;
                    framed.extend_from_slice(&tokens[..head]);
                    framed.extend_from_slice(&tokens[tokens.len() - tail..]);
                }
            }
        }
        framed.push(special.end);
        framed
    }

    fn pad_batch(reviews: &[&[u32]], pad: u32) -> (Tensor, Tensor) {
        let longest = reviews.iter().map(|r| r.len()).max().unwrap_or(0);
        let mut ids = Vec::with_capacity(reviews.len() * longest);
        let mut mask = Vec::with_capacity(reviews.len() * longest);
        for review in reviews {
            ids.extend(review.iter().map(|&id| id as i64));
            ids.extend(std::iter::repeat_n(pad as i64, longest - review.len()));
            mask.extend(std::iter::repeat_n(1i64, review.len()));
            mask.extend(std::iter::repeat_n(0i64, longest - review.len()));
        }
        let shape = [reviews.len() as i64, longest as i64];
        (
            Tensor::from_slice(&ids).view(shape),
            Tensor::from_slice(&mask).view(shape),
        )
    }

    fn freeze_except(vars: &mut VarStore, trainable: &dyn Fn(&str) -> bool) -> i64 {
        let mut kept = 0;
        for (name, tensor) in vars.variables() {
            let train = trainable(&name);
            let _ = tensor.set_requires_grad(train);
            if train {
                kept += tensor.numel() as i64;
            }
        }
        kept
    }

    fn in_top_layers(name: &str, layer_path: &str, layers: i64, top: i64) -> bool {
        // "bert.encoder.layer.11.attention..." -> "11": the number right after the path.
        let Some(rest) = name
            .strip_prefix(layer_path)
            .and_then(|r| r.strip_prefix('.'))
        else {
            return false;
        };
        let number = rest.split('.').next().unwrap_or_default();
        // The last `top` of layers 0..layers are layers - top .. layers - 1.
        number
            .parse::<i64>()
            .is_ok_and(|layer| layer >= layers - top && layer < layers)
    }
}
