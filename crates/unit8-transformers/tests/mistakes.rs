//! Wrong answers a learner plausibly writes for unit 8's tasks, each the solution but for one
//! mistake. Each must fail its own task, with words that lead to the mistake, while the tasks
//! before it pass (see course_core::exercises::mistakes).

use course_core::exercises::mistakes::{assert_all_caught, assert_documented, Mistake};
use std::marker::PhantomData;
use tch::nn::Module;
use tch::{Kind, Tensor};
use unit8_transformers::model::EncoderLayer;
use unit8_transformers::tasks::tasks;
use unit8_transformers::{Answers, AttentionWeights, Solution};

/// The solution, function by function: a mistake overrides the one it gets wrong.
trait Patch {
    fn sinusoidal_positions(length: i64, d_model: i64) -> Tensor {
        Solution::sinusoidal_positions(length, d_model)
    }
    fn attention(q: &Tensor, k: &Tensor, v: &Tensor, mask: &Tensor) -> (Tensor, Tensor) {
        Solution::attention(q, k, v, mask)
    }
    fn multi_head_attention(
        x: &Tensor,
        mask: &Tensor,
        w: &AttentionWeights,
        heads: i64,
    ) -> (Tensor, Tensor) {
        Solution::multi_head_attention(x, mask, w, heads)
    }
    fn encoder_layer(
        x: &Tensor,
        mask: &Tensor,
        layer: &EncoderLayer,
        heads: i64,
        dropout: f64,
        train: bool,
    ) -> (Tensor, Tensor) {
        Solution::encoder_layer(x, mask, layer, heads, dropout, train)
    }
}

/// Answers with the mistake `P`.
struct Wrong<P>(PhantomData<P>);

impl<P: Patch> Answers for Wrong<P> {
    fn sinusoidal_positions(length: i64, d_model: i64) -> Tensor {
        P::sinusoidal_positions(length, d_model)
    }
    fn attention(q: &Tensor, k: &Tensor, v: &Tensor, mask: &Tensor) -> (Tensor, Tensor) {
        P::attention(q, k, v, mask)
    }
    fn multi_head_attention(
        x: &Tensor,
        mask: &Tensor,
        w: &AttentionWeights,
        heads: i64,
    ) -> (Tensor, Tensor) {
        P::multi_head_attention(x, mask, w, heads)
    }
    fn encoder_layer(
        x: &Tensor,
        mask: &Tensor,
        layer: &EncoderLayer,
        heads: i64,
        dropout: f64,
        train: bool,
    ) -> (Tensor, Tensor) {
        P::encoder_layer(x, mask, layer, heads, dropout, train)
    }
}

// --- task 1: sinusoidal positions --------------------------------------------------------------

const FLOAT: (Kind, tch::Device) = (Kind::Float, tch::Device::Cpu);

/// Every angle p / 10000^(exponent(i) / d_model), [length, d_model / 2], positions from `first`.
fn angles(length: i64, d_model: i64, first: i64, exponent_step: i64) -> Tensor {
    let positions = Tensor::arange_start(first, first + length, FLOAT).unsqueeze(1);
    let exponents = Tensor::arange(d_model / 2, FLOAT) * exponent_step as f64;
    let frequencies = (exponents * (-(10_000f64.ln()) / d_model as f64)).exp();
    positions * frequencies.unsqueeze(0)
}

fn interleave(even: Tensor, odd: Tensor, length: i64, d_model: i64) -> Tensor {
    Tensor::stack(&[even, odd], 2).view([length, d_model])
}

/// All the sines, then all the cosines.
struct HalvesNotInterleaved;
impl Patch for HalvesNotInterleaved {
    fn sinusoidal_positions(length: i64, d_model: i64) -> Tensor {
        let a = angles(length, d_model, 0, 2);
        Tensor::cat(&[a.sin(), a.cos()], 1)
    }
}

/// 10000^(i / d_model): the exponent's 2 forgotten.
struct ExponentWithoutTheTwo;
impl Patch for ExponentWithoutTheTwo {
    fn sinusoidal_positions(length: i64, d_model: i64) -> Tensor {
        let a = angles(length, d_model, 0, 1);
        interleave(a.sin(), a.cos(), length, d_model)
    }
}

struct CosineFirst;
impl Patch for CosineFirst {
    fn sinusoidal_positions(length: i64, d_model: i64) -> Tensor {
        let a = angles(length, d_model, 0, 2);
        interleave(a.cos(), a.sin(), length, d_model)
    }
}

struct PositionsFromOne;
impl Patch for PositionsFromOne {
    fn sinusoidal_positions(length: i64, d_model: i64) -> Tensor {
        let a = angles(length, d_model, 1, 2);
        interleave(a.sin(), a.cos(), length, d_model)
    }
}

// --- task 2: scaled dot-product attention -------------------------------------------------------

/// Attention with the scores divided by `scale(d_head)`, the mask laid over `mask_shape` and
/// filled with `fill`, softmax over `softmax_dim`, NaN rows zeroed or not.
struct AttentionRecipe {
    scale: fn(f64) -> f64,
    mask_on_queries: bool,
    fill: f64,
    softmax_dim: i64,
    zero_nan: bool,
}

const RIGHT: AttentionRecipe = AttentionRecipe {
    scale: f64::sqrt,
    mask_on_queries: false,
    fill: f64::NEG_INFINITY,
    softmax_dim: -1,
    zero_nan: true,
};

impl AttentionRecipe {
    fn run(&self, q: &Tensor, k: &Tensor, v: &Tensor, mask: &Tensor) -> (Tensor, Tensor) {
        let d_head = q.size()[3] as f64;
        let scores = q.matmul(&k.transpose(-2, -1)) / (self.scale)(d_head);
        let padding = if self.mask_on_queries {
            mask.logical_not().unsqueeze(1).unsqueeze(-1) // [b, 1, q, 1]
        } else {
            mask.logical_not().unsqueeze(1).unsqueeze(1) // [b, 1, 1, k]
        };
        let mut weights = scores
            .masked_fill(&padding, self.fill)
            .softmax(self.softmax_dim, Kind::Float);
        if self.zero_nan {
            weights = weights.nan_to_num(0.0, 0.0, 0.0);
        }
        (weights.matmul(v), weights)
    }
}

macro_rules! attention_mistake {
    ($name:ident, $($field:ident: $value:expr),+) => {
        struct $name;
        impl Patch for $name {
            fn attention(q: &Tensor, k: &Tensor, v: &Tensor, mask: &Tensor) -> (Tensor, Tensor) {
                AttentionRecipe { $($field: $value,)+ ..RIGHT }.run(q, k, v, mask)
            }
        }
    };
}

attention_mistake!(NotScaled, scale: |_| 1.0);
attention_mistake!(ScaledByDNotItsRoot, scale: |d| d);
attention_mistake!(MaskOnQueries, mask_on_queries: true);
attention_mistake!(PaddingFilledWithZero, fill: 0.0);
attention_mistake!(SoftmaxOverQueries, softmax_dim: -2);
attention_mistake!(NanLeftIn, zero_nan: false);

// --- task 3: multi-head attention --------------------------------------------------------------

/// Multi-head attention whose split, merge and output projection are given.
fn multi_head(
    x: &Tensor,
    mask: &Tensor,
    w: &AttentionWeights,
    heads: i64,
    split: fn(Tensor, [i64; 4]) -> Tensor,
    merge: fn(Tensor, [i64; 3]) -> Tensor,
    project_output: bool,
) -> (Tensor, Tensor) {
    let (batch, length, d_model) = (x.size()[0], x.size()[1], x.size()[2]);
    let shape = [batch, length, heads, d_model / heads];
    let (q, k, v) = (
        split(w.query.forward(x), shape),
        split(w.key.forward(x), shape),
        split(w.value.forward(x), shape),
    );
    let (attended, maps) = Solution::attention(&q, &k, &v, mask);
    let merged = merge(attended, [batch, length, d_model]);
    let output = if project_output {
        w.output.forward(&merged)
    } else {
        merged
    };
    (output, maps)
}

fn right_split(t: Tensor, [b, l, h, d]: [i64; 4]) -> Tensor {
    t.view([b, l, h, d]).transpose(1, 2)
}

fn right_merge(t: Tensor, shape: [i64; 3]) -> Tensor {
    t.transpose(1, 2).contiguous().view(shape)
}

/// Viewed straight as [b, heads, length, d_head]: each "head" gets rows of several words.
struct SplitWithoutTranspose;
impl Patch for SplitWithoutTranspose {
    fn multi_head_attention(
        x: &Tensor,
        mask: &Tensor,
        w: &AttentionWeights,
        heads: i64,
    ) -> (Tensor, Tensor) {
        let split = |t: Tensor, [b, l, h, d]: [i64; 4]| t.view([b, h, l, d]);
        multi_head(x, mask, w, heads, split, right_merge, true)
    }
}

struct MergeWithoutTranspose;
impl Patch for MergeWithoutTranspose {
    fn multi_head_attention(
        x: &Tensor,
        mask: &Tensor,
        w: &AttentionWeights,
        heads: i64,
    ) -> (Tensor, Tensor) {
        let merge = |t: Tensor, shape: [i64; 3]| t.contiguous().view(shape);
        multi_head(x, mask, w, heads, right_split, merge, true)
    }
}

struct OutputProjectionForgotten;
impl Patch for OutputProjectionForgotten {
    fn multi_head_attention(
        x: &Tensor,
        mask: &Tensor,
        w: &AttentionWeights,
        heads: i64,
    ) -> (Tensor, Tensor) {
        multi_head(x, mask, w, heads, right_split, right_merge, false)
    }
}

/// [b, length, d_head, heads]: head h gets every heads-th column, not a block of columns.
struct HeadsAndWidthSwapped;
impl Patch for HeadsAndWidthSwapped {
    fn multi_head_attention(
        x: &Tensor,
        mask: &Tensor,
        w: &AttentionWeights,
        heads: i64,
    ) -> (Tensor, Tensor) {
        let split = |t: Tensor, [b, l, h, d]: [i64; 4]| t.view([b, l, d, h]).permute([0, 3, 1, 2]);
        let merge = |t: Tensor, shape: [i64; 3]| t.permute([0, 2, 3, 1]).contiguous().view(shape);
        multi_head(x, mask, w, heads, split, merge, true)
    }
}

// --- task 4: the encoder layer -----------------------------------------------------------------

/// The parts of an encoder layer a mistake can change.
struct EncoderRecipe {
    pre_norm: bool,
    first_residual: bool,
    second_residual_from_the_input: bool,
    norms_swapped: bool,
    relu: bool,
    dropout_always: bool,
    dropout_never: bool,
    /// Dropout inside and after the feed-forward block.
    feed_forward_dropout: bool,
    /// Dropout on each layer norm's output instead of on the block's output.
    dropout_after_norm: bool,
    /// Dropout on the residual sum (the input dropped too) instead of on the block's output.
    dropout_on_sum: bool,
}

const ENCODER: EncoderRecipe = EncoderRecipe {
    pre_norm: false,
    first_residual: true,
    second_residual_from_the_input: false,
    norms_swapped: false,
    relu: true,
    dropout_always: false,
    dropout_never: false,
    feed_forward_dropout: true,
    dropout_after_norm: false,
    dropout_on_sum: false,
};

impl EncoderRecipe {
    fn run(
        &self,
        x: &Tensor,
        mask: &Tensor,
        layer: &EncoderLayer,
        heads: i64,
        p: f64,
        train: bool,
    ) -> (Tensor, Tensor) {
        let train = (train || self.dropout_always) && !self.dropout_never;
        let (first, second) = if self.norms_swapped {
            (&layer.norm_feed_forward, &layer.norm_attention)
        } else {
            (&layer.norm_attention, &layer.norm_feed_forward)
        };
        let activation = |t: Tensor| if self.relu { t.relu() } else { t };
        if self.pre_norm {
            let (a, w) =
                Solution::multi_head_attention(&x.apply(first), mask, &layer.attention, heads);
            let x1 = x + a.dropout(p, train);
            let h = activation(layer.expand.forward(&x1.apply(second))).dropout(p, train);
            return (&x1 + layer.contract.forward(&h).dropout(p, train), w);
        }
        let moved = self.dropout_after_norm || self.dropout_on_sum;
        let on_block = |t: Tensor| if moved { t } else { t.dropout(p, train) };
        let on_sum = |t: Tensor| {
            if self.dropout_on_sum {
                t.dropout(p, train)
            } else {
                t
            }
        };
        let after_norm = |t: Tensor| {
            if self.dropout_after_norm {
                t.dropout(p, train)
            } else {
                t
            }
        };
        let (a, w) = Solution::multi_head_attention(x, mask, &layer.attention, heads);
        let a = on_block(a);
        let x1 = after_norm(on_sum(if self.first_residual { x + a } else { a }).apply(first));
        let h = activation(layer.expand.forward(&x1));
        let h = if self.feed_forward_dropout {
            h.dropout(p, train)
        } else {
            h
        };
        let f = layer.contract.forward(&h);
        let f = if self.feed_forward_dropout {
            on_block(f)
        } else {
            f
        };
        let base = if self.second_residual_from_the_input {
            x
        } else {
            &x1
        };
        (after_norm(on_sum(base + f).apply(second)), w)
    }
}

macro_rules! encoder_mistake {
    ($name:ident, $($field:ident: $value:expr),+) => {
        struct $name;
        impl Patch for $name {
            fn encoder_layer(
                x: &Tensor,
                mask: &Tensor,
                layer: &EncoderLayer,
                heads: i64,
                dropout: f64,
                train: bool,
            ) -> (Tensor, Tensor) {
                EncoderRecipe { $($field: $value,)+ ..ENCODER }
                    .run(x, mask, layer, heads, dropout, train)
            }
        }
    };
}

encoder_mistake!(PreNorm, pre_norm: true);
encoder_mistake!(FirstResidualForgotten, first_residual: false);
encoder_mistake!(SecondResidualFromTheInput, second_residual_from_the_input: true);
encoder_mistake!(NormsSwapped, norms_swapped: true);
encoder_mistake!(NoReluInTheFeedForward, relu: false);
encoder_mistake!(DropoutInEvaluation, dropout_always: true);
encoder_mistake!(NoDropout, dropout_never: true);
encoder_mistake!(FeedForwardDropoutForgotten, feed_forward_dropout: false);
encoder_mistake!(DropoutAfterTheNorms, dropout_after_norm: true);
encoder_mistake!(DropoutOnTheResidualSum, dropout_on_sum: true);

/// Softmax written out, exp(s) / sum exp(s), without subtracting the largest score: inf / inf
/// = NaN once a score passes about 88.
struct SoftmaxByHand;
impl Patch for SoftmaxByHand {
    fn attention(q: &Tensor, k: &Tensor, v: &Tensor, mask: &Tensor) -> (Tensor, Tensor) {
        let d_head = q.size()[3] as f64;
        let scores = q.matmul(&k.transpose(-2, -1)) / d_head.sqrt();
        let padding = mask.logical_not().unsqueeze(1).unsqueeze(1);
        let e = scores.masked_fill(&padding, f64::NEG_INFINITY).exp();
        let weights = (&e / e.sum_dim_intlist(-1, true, Kind::Float)).nan_to_num(0.0, 0.0, 0.0);
        (weights.matmul(v), weights)
    }
}

/// Each column c with its own exponent, 10000^(c / d_model): the cosine of column 2i + 1 gets
/// the frequency of column 2i + 1, not of its pair 2i.
struct ExponentPerColumn;
impl Patch for ExponentPerColumn {
    fn sinusoidal_positions(length: i64, d_model: i64) -> Tensor {
        let positions = Tensor::arange(length, FLOAT).unsqueeze(1);
        let columns = Tensor::arange(d_model, FLOAT);
        let a = positions * (columns.shallow_clone() * (-(10_000f64.ln()) / d_model as f64)).exp();
        let even = Tensor::arange(d_model, (Kind::Int64, tch::Device::Cpu))
            .remainder(2)
            .eq(0);
        a.sin().where_self(&even, &a.cos())
    }
}

fn mistakes() -> Vec<Mistake> {
    vec![
        Mistake {
            task: 1,
            what: "all the sines, then all the cosines",
            tasks: tasks::<Wrong<HalvesNotInterleaved>>,
            says: "sin, cos, sin, cos",
        },
        Mistake {
            task: 1,
            what: "10000^(i / d_model): the 2 forgotten",
            tasks: tasks::<Wrong<ExponentWithoutTheTwo>>,
            says: "positions 0-4",
        },
        Mistake {
            task: 1,
            what: "cosine in the even columns",
            tasks: tasks::<Wrong<CosineFirst>>,
            says: "sin, cos, sin, cos",
        },
        Mistake {
            task: 1,
            what: "positions counted from 1",
            tasks: tasks::<Wrong<PositionsFromOne>>,
            says: "positions 0-4",
        },
        Mistake {
            task: 1,
            what: "10000^(c / d_model) per column c, not per pair",
            tasks: tasks::<Wrong<ExponentPerColumn>>,
            says: "positions 0-4",
        },
        Mistake {
            task: 2,
            what: "the scores not scaled",
            tasks: tasks::<Wrong<NotScaled>>,
            says: "against attention written out",
        },
        Mistake {
            task: 2,
            what: "scaled by d_head, not its square root",
            tasks: tasks::<Wrong<ScaledByDNotItsRoot>>,
            says: "against attention written out",
        },
        Mistake {
            task: 2,
            what: "the mask on the queries instead of the keys",
            tasks: tasks::<Wrong<MaskOnQueries>>,
            says: "sum to 1",
        },
        Mistake {
            task: 2,
            what: "padding scores filled with 0, not -inf",
            tasks: tasks::<Wrong<PaddingFilledWithZero>>,
            says: "review 1 (no real word)",
        },
        Mistake {
            task: 2,
            what: "softmax over the queries",
            tasks: tasks::<Wrong<SoftmaxOverQueries>>,
            says: "sum to 1",
        },
        Mistake {
            task: 2,
            what: "the NaN of a review without words left in",
            tasks: tasks::<Wrong<NanLeftIn>>,
            says: "not nan",
        },
        Mistake {
            task: 2,
            what: "softmax by hand without subtracting the largest score (overflows)",
            tasks: tasks::<Wrong<SoftmaxByHand>>,
            says: "large scores",
        },
        Mistake {
            task: 3,
            what: "split into heads without the transpose",
            tasks: tasks::<Wrong<SplitWithoutTranspose>>,
            says: "multi-head attention",
        },
        Mistake {
            task: 3,
            what: "heads merged without the transpose",
            tasks: tasks::<Wrong<MergeWithoutTranspose>>,
            says: "multi-head attention",
        },
        Mistake {
            task: 3,
            what: "the output projection forgotten",
            tasks: tasks::<Wrong<OutputProjectionForgotten>>,
            says: "multi-head attention",
        },
        Mistake {
            task: 3,
            what: "heads and head width swapped in the split",
            tasks: tasks::<Wrong<HeadsAndWidthSwapped>>,
            says: "multi-head attention",
        },
        Mistake {
            task: 4,
            what: "pre-norm (the norm before each block, not after the residual)",
            tasks: tasks::<Wrong<PreNorm>>,
            says: "evaluation (no dropout)",
        },
        Mistake {
            task: 4,
            what: "the attention's residual forgotten",
            tasks: tasks::<Wrong<FirstResidualForgotten>>,
            says: "x + attention",
        },
        Mistake {
            task: 4,
            what: "the second residual adds the layer's input, not x1",
            tasks: tasks::<Wrong<SecondResidualFromTheInput>>,
            says: "x1 + contract",
        },
        Mistake {
            task: 4,
            what: "the two layer norms swapped",
            tasks: tasks::<Wrong<NormsSwapped>>,
            says: "norm_attention",
        },
        Mistake {
            task: 4,
            what: "no ReLU in the feed-forward block",
            tasks: tasks::<Wrong<NoReluInTheFeedForward>>,
            says: "relu(expand",
        },
        Mistake {
            task: 4,
            what: "dropout in evaluation too",
            tasks: tasks::<Wrong<DropoutInEvaluation>>,
            says: "evaluation (no dropout)",
        },
        Mistake {
            task: 4,
            what: "no dropout at all",
            tasks: tasks::<Wrong<NoDropout>>,
            says: "dropout 0.5 gave the evaluation's numbers",
        },
        Mistake {
            task: 4,
            what: "dropout on the attention only, none in or after the feed-forward block",
            tasks: tasks::<Wrong<FeedForwardDropoutForgotten>>,
            says: "inside the feed-forward block",
        },
        Mistake {
            task: 4,
            what: "dropout after each layer norm, not on each block's output",
            tasks: tasks::<Wrong<DropoutAfterTheNorms>>,
            says: "before its residual is added",
        },
        Mistake {
            task: 4,
            what: "dropout on the residual sum (the input dropped too)",
            tasks: tasks::<Wrong<DropoutOnTheResidualSum>>,
            says: "before its residual is added",
        },
    ]
}

#[test]
fn every_mistake_fails_its_own_task_with_words_that_lead_to_it() {
    assert_all_caught("unit8", &mistakes());
}

#[test]
fn the_exercises_page_shows_how_many_mistakes_each_check_catches() {
    // Task 5 trains an encoder of tasks 1-4 and has no code of its own to get wrong.
    assert_documented("unit8", &tasks::<Solution>(), &mistakes(), &[3, 3, 3, 3, 0]);
}
