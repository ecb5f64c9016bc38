//! Wrong answers a learner plausibly writes for unit 6's tasks, each the solution but for one
//! mistake. Each must fail its own task, with words that lead to the mistake, while the tasks
//! before it pass (see course_core::exercises::mistakes).

use course_core::exercises::mistakes::{assert_all_caught, assert_documented, Mistake};
use std::marker::PhantomData;
use tch::nn::{self, Module};
use tch::{Kind, Tensor};
use unit6_cnn::tasks::tasks;
use unit6_cnn::{Answers, Solution, TimePooling};

/// The solution, function by function: a mistake overrides the one it gets wrong.
trait Patch {
    fn conv_output_length(input: i64, kernel: i64, stride: i64, padding: i64) -> i64 {
        Solution::conv_output_length(input, kernel, stride, padding)
    }
    fn conv_branch(conv: &nn::Conv1D, x: &Tensor, lengths: &Tensor, p: TimePooling) -> Tensor {
        Solution::conv_branch(conv, x, lengths, p)
    }
    fn all_branches(convs: &[nn::Conv1D], x: &Tensor, lengths: &Tensor, p: TimePooling) -> Tensor {
        Solution::all_branches(convs, x, lengths, p)
    }
    fn conv1d(x: &Tensor, w: &Tensor, b: &Tensor, stride: i64, padding: i64) -> Tensor {
        Solution::conv1d(x, w, b, stride, padding)
    }
}

/// Answers with the mistake `P`.
struct Wrong<P>(PhantomData<P>);

impl<P: Patch> Answers for Wrong<P> {
    fn conv_output_length(input: i64, kernel: i64, stride: i64, padding: i64) -> i64 {
        P::conv_output_length(input, kernel, stride, padding)
    }
    fn conv_branch(conv: &nn::Conv1D, x: &Tensor, lengths: &Tensor, p: TimePooling) -> Tensor {
        P::conv_branch(conv, x, lengths, p)
    }
    fn all_branches(convs: &[nn::Conv1D], x: &Tensor, lengths: &Tensor, p: TimePooling) -> Tensor {
        P::all_branches(convs, x, lengths, p)
    }
    fn conv1d(x: &Tensor, w: &Tensor, b: &Tensor, stride: i64, padding: i64) -> Tensor {
        P::conv1d(x, w, b, stride, padding)
    }
}

// --- task 1: the output length -----------------------------------------------------------------

struct PaddingLeftOut;
impl Patch for PaddingLeftOut {
    fn conv_output_length(input: i64, kernel: i64, stride: i64, _padding: i64) -> i64 {
        (input - kernel) / stride + 1
    }
}

struct PaddingOnOneSide;
impl Patch for PaddingOnOneSide {
    fn conv_output_length(input: i64, kernel: i64, stride: i64, padding: i64) -> i64 {
        (input + padding - kernel) / stride + 1
    }
}

struct FirstWindowNotCounted;
impl Patch for FirstWindowNotCounted {
    fn conv_output_length(input: i64, kernel: i64, stride: i64, padding: i64) -> i64 {
        (input + 2 * padding - kernel) / stride
    }
}

/// The + 1 inside the division.
struct OneInsideTheDivision;
impl Patch for OneInsideTheDivision {
    fn conv_output_length(input: i64, kernel: i64, stride: i64, padding: i64) -> i64 {
        (input + 2 * padding - kernel + 1) / stride
    }
}

/// Rounded up: a last window that would run past the end is counted.
struct RoundedUp;
impl Patch for RoundedUp {
    fn conv_output_length(input: i64, kernel: i64, stride: i64, padding: i64) -> i64 {
        ((input + 2 * padding - kernel) as f64 / stride as f64).ceil() as i64 + 1
    }
}

// --- task 2: one branch ----------------------------------------------------------------------

/// A branch whose valid outputs are the first `valid_count(lengths, kernel)` (the solution:
/// `(lengths - kernel + 1).clamp_min(1)`), pooled with ReLU `before` or after the pooling, the
/// mean divided by `mean_count`.
fn branch(
    conv: &nn::Conv1D,
    embedded: &Tensor,
    lengths: &Tensor,
    pooling: TimePooling,
    valid_count: impl Fn(&Tensor, i64) -> Tensor,
    relu_first: bool,
    mean_over_all_positions: bool,
) -> Tensor {
    let mut responses = conv.forward(embedded);
    if relu_first {
        responses = responses.relu();
    }
    let positions = responses.size()[2];
    let valid = Tensor::arange(positions, (Kind::Int64, embedded.device()))
        .unsqueeze(0)
        .lt_tensor(&valid_count(lengths, conv.ws.size()[2]).unsqueeze(1))
        .unsqueeze(1)
        .to_kind(responses.kind());
    let kept = &responses * &valid;
    let finish = |t: Tensor| if relu_first { t } else { t.relu() };
    let max = finish(kept.amax(2, false));
    match pooling {
        TimePooling::Max => max,
        TimePooling::MaxMean => {
            let count = if mean_over_all_positions {
                Tensor::from(positions as f32)
            } else {
                valid.sum_dim_intlist(2, false, responses.kind())
            };
            let mean = finish(kept.sum_dim_intlist(2, false, responses.kind()) / count);
            Tensor::cat(&[max, mean], 1)
        }
    }
}

fn right_count(lengths: &Tensor, kernel: i64) -> Tensor {
    (lengths - (kernel - 1)).clamp_min(1)
}

struct PaddingPooledToo;
impl Patch for PaddingPooledToo {
    fn conv_branch(conv: &nn::Conv1D, x: &Tensor, lengths: &Tensor, p: TimePooling) -> Tensor {
        let every = |lengths: &Tensor, _: i64| lengths.full_like(i64::MAX);
        branch(conv, x, lengths, p, every, true, false)
    }
}

/// A review's outputs counted up to its length: the last windows reach into the padding.
struct WindowsIntoThePadding;
impl Patch for WindowsIntoThePadding {
    fn conv_branch(conv: &nn::Conv1D, x: &Tensor, lengths: &Tensor, p: TimePooling) -> Tensor {
        let up_to_length = |lengths: &Tensor, _: i64| lengths.shallow_clone();
        branch(conv, x, lengths, p, up_to_length, true, false)
    }
}

/// No clamp: a review shorter than the window has no valid output at all.
struct ShortReviewLosesItsOutput;
impl Patch for ShortReviewLosesItsOutput {
    fn conv_branch(conv: &nn::Conv1D, x: &Tensor, lengths: &Tensor, p: TimePooling) -> Tensor {
        let unclamped = |lengths: &Tensor, kernel: i64| lengths - (kernel - 1);
        branch(conv, x, lengths, p, unclamped, true, false)
    }
}

struct ReluAfterPooling;
impl Patch for ReluAfterPooling {
    fn conv_branch(conv: &nn::Conv1D, x: &Tensor, lengths: &Tensor, p: TimePooling) -> Tensor {
        branch(conv, x, lengths, p, right_count, false, false)
    }
}

struct MeanOverAllPositions;
impl Patch for MeanOverAllPositions {
    fn conv_branch(conv: &nn::Conv1D, x: &Tensor, lengths: &Tensor, p: TimePooling) -> Tensor {
        branch(conv, x, lengths, p, right_count, true, true)
    }
}

// --- task 3: all branches ----------------------------------------------------------------------

fn each_branch(convs: &[nn::Conv1D], x: &Tensor, lengths: &Tensor, p: TimePooling) -> Vec<Tensor> {
    convs
        .iter()
        .map(|conv| Solution::conv_branch(conv, x, lengths, p))
        .collect()
}

struct ConcatenatedAlongTheBatch;
impl Patch for ConcatenatedAlongTheBatch {
    fn all_branches(convs: &[nn::Conv1D], x: &Tensor, lengths: &Tensor, p: TimePooling) -> Tensor {
        Tensor::cat(&each_branch(convs, x, lengths, p), 0)
    }
}

struct OnlyTheFirstBranch;
impl Patch for OnlyTheFirstBranch {
    fn all_branches(convs: &[nn::Conv1D], x: &Tensor, lengths: &Tensor, p: TimePooling) -> Tensor {
        Solution::conv_branch(&convs[0], x, lengths, p)
    }
}

struct BranchesReversed;
impl Patch for BranchesReversed {
    fn all_branches(convs: &[nn::Conv1D], x: &Tensor, lengths: &Tensor, p: TimePooling) -> Tensor {
        let mut branches = each_branch(convs, x, lengths, p);
        branches.reverse();
        Tensor::cat(&branches, 1)
    }
}

/// Stacked into a new dimension instead of concatenated.
struct Stacked;
impl Patch for Stacked {
    fn all_branches(convs: &[nn::Conv1D], x: &Tensor, lengths: &Tensor, p: TimePooling) -> Tensor {
        Tensor::stack(&each_branch(convs, x, lengths, p), 1)
    }
}

// --- task 6: a convolution from its definition --------------------------------------------------

/// The windows of the padded input, [batch, outputs, channels, kernel].
fn windows(x: &Tensor, kernel: i64, stride: i64, padding: i64) -> Tensor {
    x.constant_pad_nd([padding, padding])
        .unfold(2, kernel, stride)
        .permute([0, 2, 1, 3])
}

/// Windows and filters meet; `flip` turns the kernel around first (a textbook convolution).
fn convolve(windows: &Tensor, w: &Tensor, b: Option<&Tensor>, flip: bool) -> Tensor {
    let [filters, channels, kernel] = w.size()[..] else {
        unreachable!("the check's weights are 3-D")
    };
    let w = if flip { w.flip([2]) } else { w.shallow_clone() };
    let product = windows
        .flatten(2, 3)
        .matmul(&w.reshape([filters, channels * kernel]).tr());
    match b {
        Some(b) => (product + b).transpose(1, 2),
        None => product.transpose(1, 2),
    }
}

struct KernelFlipped;
impl Patch for KernelFlipped {
    fn conv1d(x: &Tensor, w: &Tensor, b: &Tensor, stride: i64, padding: i64) -> Tensor {
        convolve(&windows(x, w.size()[2], stride, padding), w, Some(b), true)
    }
}

/// Each window flattened kernel-major ([kernel, channels]) while the filters are channel-major.
struct WindowFlattenedInAnotherOrder;
impl Patch for WindowFlattenedInAnotherOrder {
    fn conv1d(x: &Tensor, w: &Tensor, b: &Tensor, stride: i64, padding: i64) -> Tensor {
        let kernel_major = windows(x, w.size()[2], stride, padding).transpose(2, 3);
        convolve(&kernel_major, w, Some(b), false)
    }
}

struct BiasForgotten;
impl Patch for BiasForgotten {
    fn conv1d(x: &Tensor, w: &Tensor, _b: &Tensor, stride: i64, padding: i64) -> Tensor {
        convolve(&windows(x, w.size()[2], stride, padding), w, None, false)
    }
}

struct PaddingIgnored;
impl Patch for PaddingIgnored {
    fn conv1d(x: &Tensor, w: &Tensor, b: &Tensor, stride: i64, _padding: i64) -> Tensor {
        convolve(&windows(x, w.size()[2], stride, 0), w, Some(b), false)
    }
}

struct StrideIgnored;
impl Patch for StrideIgnored {
    fn conv1d(x: &Tensor, w: &Tensor, b: &Tensor, _stride: i64, padding: i64) -> Tensor {
        convolve(&windows(x, w.size()[2], 1, padding), w, Some(b), false)
    }
}

fn mistakes() -> Vec<Mistake> {
    vec![
        Mistake {
            task: 1,
            what: "the padding left out",
            tasks: tasks::<Wrong<PaddingLeftOut>>,
            says: "padding 1",
        },
        Mistake {
            task: 1,
            what: "the padding on one side only",
            tasks: tasks::<Wrong<PaddingOnOneSide>>,
            says: "padding 1",
        },
        Mistake {
            task: 1,
            what: "the first window not counted (no + 1)",
            tasks: tasks::<Wrong<FirstWindowNotCounted>>,
            says: "windows, got",
        },
        Mistake {
            task: 1,
            what: "the + 1 inside the division",
            tasks: tasks::<Wrong<OneInsideTheDivision>>,
            says: "stride 2",
        },
        Mistake {
            task: 1,
            what: "rounded up",
            tasks: tasks::<Wrong<RoundedUp>>,
            says: "stride 2",
        },
        Mistake {
            task: 2,
            what: "the padding's outputs pooled too",
            tasks: tasks::<Wrong<PaddingPooledToo>>,
            says: "max pooling",
        },
        Mistake {
            task: 2,
            what: "outputs counted up to the review's length (windows into the padding)",
            tasks: tasks::<Wrong<WindowsIntoThePadding>>,
            says: "max pooling",
        },
        Mistake {
            task: 2,
            what: "no clamp: a review shorter than the window loses its output",
            tasks: tasks::<Wrong<ShortReviewLosesItsOutput>>,
            says: "shorter than the window",
        },
        Mistake {
            task: 2,
            what: "ReLU after the pooling",
            tasks: tasks::<Wrong<ReluAfterPooling>>,
            says: "relu, then the mean",
        },
        Mistake {
            task: 2,
            what: "the mean over every position",
            tasks: tasks::<Wrong<MeanOverAllPositions>>,
            says: "valid outputs only",
        },
        Mistake {
            task: 3,
            what: "concatenated along the batch",
            tasks: tasks::<Wrong<ConcatenatedAlongTheBatch>>,
            says: "shape",
        },
        Mistake {
            task: 3,
            what: "only the first branch",
            tasks: tasks::<Wrong<OnlyTheFirstBranch>>,
            says: "shape",
        },
        Mistake {
            task: 3,
            what: "the branches in reverse order",
            tasks: tasks::<Wrong<BranchesReversed>>,
            says: "width 2's features, then width 3's",
        },
        Mistake {
            task: 3,
            what: "stacked into a new dimension",
            tasks: tasks::<Wrong<Stacked>>,
            says: "shape",
        },
        Mistake {
            task: 6,
            what: "the kernel flipped (a textbook convolution, not libtorch's)",
            tasks: tasks::<Wrong<KernelFlipped>>,
            says: "against libtorch's conv1d",
        },
        Mistake {
            task: 6,
            what: "windows flattened in another order than the filters",
            tasks: tasks::<Wrong<WindowFlattenedInAnotherOrder>>,
            says: "against libtorch's conv1d",
        },
        Mistake {
            task: 6,
            what: "the bias forgotten",
            tasks: tasks::<Wrong<BiasForgotten>>,
            says: "against libtorch's conv1d",
        },
        Mistake {
            task: 6,
            what: "the padding ignored",
            tasks: tasks::<Wrong<PaddingIgnored>>,
            says: "padding 1",
        },
        Mistake {
            task: 6,
            what: "the stride ignored",
            tasks: tasks::<Wrong<StrideIgnored>>,
            says: "stride 2",
        },
    ]
}

#[test]
fn every_mistake_fails_its_own_task_with_words_that_lead_to_it() {
    assert_all_caught("unit6", &mistakes());
}

#[test]
fn the_exercises_page_shows_how_many_mistakes_each_check_catches() {
    // Tasks 4 and 5 train models built from tasks 1-3 and have no code of their own.
    assert_documented(
        "unit6",
        &tasks::<Solution>(),
        &mistakes(),
        &[3, 3, 3, 0, 0, 3],
    );
}
