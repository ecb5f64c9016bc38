//! Unit 9: your part. Replace each `todo!()`; `cargo run -p course -- verify unit9` says which
//! task is next and what is still wrong.

use crate::{Keep, Learner, SpecialTokens};
use tch::nn::VarStore;
use tch::Tensor;

pub struct Exercise;

impl Learner for Exercise {
    fn frame_review(
        tokens: &[u32],
        max_len: usize,
        keep: Keep,
        special: SpecialTokens,
    ) -> Vec<u32> {
        // TODO (task 1): `special.start`, then the tokens that fit, then `special.end`: at most
        // `max_len` ids in all, so `budget = max_len - 2` tokens. When the review is longer,
        // Keep::Head keeps its first `budget` tokens; Keep::HeadAndTail keeps the first
        // `budget / 4` and the last `budget - budget / 4`.
        let _ = (tokens, max_len, keep, special);
        todo!("task 1: frame a review for the model")
    }

    fn pad_batch(reviews: &[&[u32]], pad: u32) -> (Tensor, Tensor) {
        // TODO (task 2): pad every review on the right with `pad` to the longest one; return
        // (ids, mask), both `[batch, longest]` int64 (`Tensor::from_slice(..).view([b, t])`),
        // the mask 1 on real tokens and 0 on padding.
        let _ = (reviews, pad);
        todo!("task 2: pad a batch and build its attention mask")
    }

    fn freeze_except(vars: &mut VarStore, trainable: &dyn Fn(&str) -> bool) -> i64 {
        // TODO (task 3): for each `(name, tensor)` of `vars.variables()`, turn gradients off
        // (`tensor.set_requires_grad(false)`) unless `trainable(&name)`; return the number of
        // numbers (`numel`) left trainable.
        let _ = (vars, trainable);
        todo!("task 3: freeze all but the trainable variables")
    }
}
