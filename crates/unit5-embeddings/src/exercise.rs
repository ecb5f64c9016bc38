//! Unit 5's exercise. Check with `cargo run -p course -- verify unit5` (or `cargo test -p
//! unit5-embeddings --features exercise`); train with `cargo run -p unit5-embeddings --example
//! exercise -- train`.

use crate::{Learner, Pooling};
use tch::{nn, Tensor};

/// Your answers.
pub struct Exercise;

impl Learner for Exercise {
    fn masked_mean(vectors: &Tensor, mask: &Tensor) -> Tensor {
        // TODO (task 1): turn the mask into 0/1 floats of shape [batch, length, 1]
        // (`to_kind`, `unsqueeze(-1)`), multiply, sum over dimension 1, and divide by the number
        // of real words of each review, clamped to at least 1 (`clamp_min(1.0)`) so an empty
        // review gives zeros rather than 0 / 0 = NaN.
        let _ = (vectors, mask);
        todo!("task 1: the masked mean")
    }

    fn embed_and_pool(
        embedding: &nn::Embedding,
        ids: &Tensor,
        mask: &Tensor,
        pooling: Pooling,
    ) -> Tensor {
        // TODO (task 2): `embedding.forward(ids)` gives [batch, length, dim] (import
        // `tch::nn::Module`). Then, by `pooling`:
        // - Mean: your `Self::masked_mean`;
        // - Max: fill the padding with -inf (`masked_fill`), take `amax(1, false)`, and give
        //   reviews without any word zeros;
        // - MeanMax: both, concatenated along dimension 1;
        // - UnmaskedMean: the plain mean over all positions (the original course's bug).
        let _ = (embedding, ids, mask, pooling);
        todo!("task 2: embedding lookup and pooling")
    }

    fn skipgram_loss(centres: &Tensor, contexts: &Tensor, negatives: &Tensor) -> Tensor {
        // TODO (task 3): positive scores c . o per pair ([n]); negative scores n_k . c of every
        // centre with the k negatives of its group: view the centres as [g, n / g, dim] and
        // `bmm` them with the negatives transposed ([g, dim, k]) to get [g, n / g, k], then
        // view that as [n, k]; loss = -mean( log_sigmoid(positive) + sum_k log_sigmoid(-negative) ).
        let _ = (centres, contexts, negatives);
        todo!("task 3: skip-gram loss with negative sampling")
    }
}
