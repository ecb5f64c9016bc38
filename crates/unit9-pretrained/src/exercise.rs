//! Unit 9's exercise: your code, where each `todo!()` stands.
//!
//! * `cargo run -p course -- watch unit9` checks your tasks each time you save this file;
//!   `verify unit9` checks them once, `hint unit9` gives a hint.
//! * `cargo run -p unit9-pretrained --features exercise --example exercise -- train`
//!   trains with it.
//!
//! This file is compiled only with `--features exercise`: a mistake here never stops the
//! solutions, `make test` or another unit. `cargo run -p course -- reset unit9` brings the
//! stub back.

use crate::{Answers, Keep, SpecialTokens};
use tch::nn::VarStore;
use tch::Tensor;

pub struct Exercise;

impl Answers for Exercise {
    fn frame_review(
        tokens: &[u32],
        max_len: usize,
        keep: Keep,
        special: SpecialTokens,
    ) -> Vec<u32> {
        // TODO (task 1): frame one review for the encoder: `special.start`, then as many of its
        // tokens as fit, then `special.end`, at most `max_len` ids in all. A review that is too
        // long loses tokens: with Keep::Head, from its end; with Keep::HeadAndTail, from its middle
        // (keep a quarter of the room for the start and the rest for the end).
        let _ = (tokens, max_len, keep, special);
        todo!("task 1: frame a review for the model")
    }

    fn pad_batch(reviews: &[&[u32]], pad: u32) -> (Tensor, Tensor) {
        // TODO (task 2): a batch of reviews of different lengths as one rectangle: pad each review
        // on the right with `pad` up to the longest, and a mask that tells real tokens (1) from
        // padding (0).
        // Shapes: -> (ids [batch, longest], mask [batch, longest]), both int64.
        // Worth looking up: `Tensor::from_slice`, `view`.
        let _ = (reviews, pad);
        todo!("task 2: pad a batch and build its attention mask")
    }

    fn freeze_except(vars: &mut VarStore, trainable: &dyn Fn(&str) -> bool) -> i64 {
        // TODO (task 3): freeze the model except the variables `trainable` names: a frozen variable
        // gets no gradient, so the optimiser never changes it. Return how many numbers stay
        // trainable.
        // Worth looking up: `VarStore::variables`, `Tensor::set_requires_grad`, `numel`.
        let _ = (vars, trainable);
        todo!("task 3: freeze all but the trainable variables")
    }

    fn in_top_layers(name: &str, layer_path: &str, layers: i64, top: i64) -> bool {
        // TODO (task 4): which layers `--mode top` trains: whether the variable `name` belongs to
        // one of the last `top` of the encoder's `layers` layers (numbered 0 to layers - 1). A
        // layer's variables are named `<layer_path>.<number>.<rest>`, e.g. with layer_path
        // "bert.encoder.layer": "bert.encoder.layer.11.attention.self.query.weight" is layer 11.
        // Variables outside the layers (embeddings, the pooler, the head) are not in any.
        // Worth looking up: `str::strip_prefix`, `split`, `parse::<i64>`.
        let _ = (name, layer_path, layers, top);
        todo!("task 4: which layers train")
    }
}
