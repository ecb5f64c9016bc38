//! Wrong answers a learner plausibly writes for unit 7's tasks, each the solution but for one
//! mistake. Each must fail its own task, with words that lead to the mistake, while the tasks
//! before it pass (see course_core::exercises::mistakes).

use course_core::exercises::mistakes::{assert_all_caught, assert_documented, Mistake};
use std::marker::PhantomData;
use tch::{Kind, Tensor};
use unit7_rnn::tasks::tasks;
use unit7_rnn::{Answers, GruWeights, LstmWeights, Solution};

/// The solution, function by function: a mistake overrides the one it gets wrong.
trait Patch {
    fn lstm_cell(x: &Tensor, h: &Tensor, c: &Tensor, w: &LstmWeights) -> (Tensor, Tensor) {
        Solution::lstm_cell(x, h, c, w)
    }
    fn lstm_over_time(inputs: &Tensor, w: &LstmWeights) -> Tensor {
        Solution::lstm_over_time(inputs, w)
    }
    fn mean_over_time(outputs: &Tensor, lengths: &Tensor) -> Tensor {
        Solution::mean_over_time(outputs, lengths)
    }
    fn reverse_within_length(x: &Tensor, lengths: &Tensor) -> Tensor {
        Solution::reverse_within_length(x, lengths)
    }
    fn gru_cell(x: &Tensor, h: &Tensor, w: &GruWeights) -> Tensor {
        Solution::gru_cell(x, h, w)
    }
}

/// Answers with the mistake `P`.
struct Wrong<P>(PhantomData<P>);

impl<P: Patch> Answers for Wrong<P> {
    fn lstm_cell(x: &Tensor, h: &Tensor, c: &Tensor, w: &LstmWeights) -> (Tensor, Tensor) {
        P::lstm_cell(x, h, c, w)
    }
    fn lstm_over_time(inputs: &Tensor, w: &LstmWeights) -> Tensor {
        P::lstm_over_time(inputs, w)
    }
    fn mean_over_time(outputs: &Tensor, lengths: &Tensor) -> Tensor {
        P::mean_over_time(outputs, lengths)
    }
    fn reverse_within_length(x: &Tensor, lengths: &Tensor) -> Tensor {
        P::reverse_within_length(x, lengths)
    }
    fn gru_cell(x: &Tensor, h: &Tensor, w: &GruWeights) -> Tensor {
        P::gru_cell(x, h, w)
    }
}

// --- task 1: one LSTM step ---------------------------------------------------------------------

/// The four gates' pre-activations in PyTorch's order: input, forget, candidate, output.
fn gates(x: &Tensor, h: &Tensor, w: &LstmWeights, with_b_hh: bool) -> Vec<Tensor> {
    let b_hh = with_b_hh.then_some(w.b_hh);
    (x.linear(w.w_ih, Some(w.b_ih)) + h.linear(w.w_hh, b_hh)).chunk(4, 1)
}

/// Read as input, forget, output, candidate (another paper's order).
struct GatesInAnotherOrder;
impl Patch for GatesInAnotherOrder {
    fn lstm_cell(x: &Tensor, h: &Tensor, c: &Tensor, w: &LstmWeights) -> (Tensor, Tensor) {
        let g = gates(x, h, w, true);
        let (input, forget, output, candidate) = (&g[0], &g[1], &g[2], &g[3]);
        let c_next = forget.sigmoid() * c + input.sigmoid() * candidate.tanh();
        (output.sigmoid() * c_next.tanh(), c_next)
    }
}

struct NoTanhOnTheMemory;
impl Patch for NoTanhOnTheMemory {
    fn lstm_cell(x: &Tensor, h: &Tensor, c: &Tensor, w: &LstmWeights) -> (Tensor, Tensor) {
        let g = gates(x, h, w, true);
        let c_next = g[1].sigmoid() * c + g[0].sigmoid() * g[2].tanh();
        (g[3].sigmoid() * &c_next, c_next)
    }
}

/// h' from the old memory c, not the new c'.
struct OutputFromTheOldMemory;
impl Patch for OutputFromTheOldMemory {
    fn lstm_cell(x: &Tensor, h: &Tensor, c: &Tensor, w: &LstmWeights) -> (Tensor, Tensor) {
        let g = gates(x, h, w, true);
        let c_next = g[1].sigmoid() * c + g[0].sigmoid() * g[2].tanh();
        (g[3].sigmoid() * c.tanh(), c_next)
    }
}

struct HiddenBiasForgotten;
impl Patch for HiddenBiasForgotten {
    fn lstm_cell(x: &Tensor, h: &Tensor, c: &Tensor, w: &LstmWeights) -> (Tensor, Tensor) {
        let g = gates(x, h, w, false);
        let c_next = g[1].sigmoid() * c + g[0].sigmoid() * g[2].tanh();
        (g[3].sigmoid() * c_next.tanh(), c_next)
    }
}

struct SigmoidCandidate;
impl Patch for SigmoidCandidate {
    fn lstm_cell(x: &Tensor, h: &Tensor, c: &Tensor, w: &LstmWeights) -> (Tensor, Tensor) {
        let g = gates(x, h, w, true);
        let c_next = g[1].sigmoid() * c + g[0].sigmoid() * g[2].sigmoid();
        (g[3].sigmoid() * c_next.tanh(), c_next)
    }
}

// --- task 2: the cell over time ----------------------------------------------------------------

/// Runs the solution's cell over time; `carry_memory` false starts every step from c = 0, and
/// `keep` picks what each step keeps of (h, c).
fn over_time(
    inputs: &Tensor,
    w: &LstmWeights,
    start: f64,
    carry_memory: bool,
    keep: fn(&Tensor, &Tensor) -> Tensor,
) -> Vec<Tensor> {
    let (batch, steps) = (inputs.size()[0], inputs.size()[1]);
    let hidden = w.w_hh.size()[1];
    let mut h = Tensor::full([batch, hidden], start, (inputs.kind(), inputs.device()));
    let mut c = h.shallow_clone();
    let mut kept = Vec::new();
    for t in 0..steps {
        if !carry_memory {
            c = c.zeros_like();
        }
        (h, c) = Solution::lstm_cell(&inputs.select(1, t), &h, &c, w);
        kept.push(keep(&h, &c));
    }
    kept
}

fn keep_h(h: &Tensor, _c: &Tensor) -> Tensor {
    h.shallow_clone()
}

struct StartsFromOnes;
impl Patch for StartsFromOnes {
    fn lstm_over_time(inputs: &Tensor, w: &LstmWeights) -> Tensor {
        Tensor::stack(&over_time(inputs, w, 1.0, true, keep_h), 1)
    }
}

struct MemoryNotCarried;
impl Patch for MemoryNotCarried {
    fn lstm_over_time(inputs: &Tensor, w: &LstmWeights) -> Tensor {
        Tensor::stack(&over_time(inputs, w, 0.0, false, keep_h), 1)
    }
}

struct KeepsTheMemory;
impl Patch for KeepsTheMemory {
    fn lstm_over_time(inputs: &Tensor, w: &LstmWeights) -> Tensor {
        Tensor::stack(
            &over_time(inputs, w, 0.0, true, |_, c| c.shallow_clone()),
            1,
        )
    }
}

/// Stacked along dimension 0: [time, batch, hidden].
struct TimeFirst;
impl Patch for TimeFirst {
    fn lstm_over_time(inputs: &Tensor, w: &LstmWeights) -> Tensor {
        Tensor::stack(&over_time(inputs, w, 0.0, true, keep_h), 0)
    }
}

struct OnlyTheLastStep;
impl Patch for OnlyTheLastStep {
    fn lstm_over_time(inputs: &Tensor, w: &LstmWeights) -> Tensor {
        over_time(inputs, w, 0.0, true, keep_h)
            .pop()
            .expect("at least one step")
    }
}

// --- task 3: the mean over the real steps ------------------------------------------------------

fn real_steps(outputs: &Tensor, lengths: &Tensor, up_to_and_including: bool) -> Tensor {
    let steps = Tensor::arange(outputs.size()[1], (Kind::Int64, outputs.device())).unsqueeze(0);
    let lengths = lengths.unsqueeze(1);
    let real = if up_to_and_including {
        steps.le_tensor(&lengths)
    } else {
        steps.lt_tensor(&lengths)
    };
    real.to_kind(outputs.kind())
}

struct CountNotClamped;
impl Patch for CountNotClamped {
    fn mean_over_time(outputs: &Tensor, lengths: &Tensor) -> Tensor {
        let real = real_steps(outputs, lengths, false).unsqueeze(-1);
        (outputs * &real).sum_dim_intlist(1, false, outputs.kind())
            / real.sum_dim_intlist(1, false, outputs.kind())
    }
}

struct DividedByAllSteps;
impl Patch for DividedByAllSteps {
    fn mean_over_time(outputs: &Tensor, lengths: &Tensor) -> Tensor {
        let real = real_steps(outputs, lengths, false).unsqueeze(-1);
        (outputs * &real).mean_dim(1, false, outputs.kind())
    }
}

/// t <= length: one padded step counted.
struct OneStepPastTheEnd;
impl Patch for OneStepPastTheEnd {
    fn mean_over_time(outputs: &Tensor, lengths: &Tensor) -> Tensor {
        let real = real_steps(outputs, lengths, true).unsqueeze(-1);
        (outputs * &real).sum_dim_intlist(1, false, outputs.kind())
            / real
                .sum_dim_intlist(1, false, outputs.kind())
                .clamp_min(1.0)
    }
}

struct MaskNotUnsqueezed;
impl Patch for MaskNotUnsqueezed {
    fn mean_over_time(outputs: &Tensor, lengths: &Tensor) -> Tensor {
        let real = real_steps(outputs, lengths, false);
        (outputs * &real).sum_dim_intlist(1, false, outputs.kind())
            / real.sum_dim_intlist(1, true, outputs.kind()).clamp_min(1.0)
    }
}

// --- task 4: reversing within each length ----------------------------------------------------

/// Reads step `source(t, length)` for every step t of a sequence of `length`.
fn reversed_by(x: &Tensor, lengths: &Tensor, source: fn(&Tensor, &Tensor) -> Tensor) -> Tensor {
    let t = Tensor::arange(x.size()[1], (Kind::Int64, x.device())).unsqueeze(0);
    let source = source(&t, &lengths.unsqueeze(1));
    x.gather(1, &source.unsqueeze(-1).expand(x.size(), false), false)
}

/// The whole time axis flipped: the backward LSTM starts in the padding (the course's bug).
struct WholeAxisFlipped;
impl Patch for WholeAxisFlipped {
    fn reverse_within_length(x: &Tensor, _lengths: &Tensor) -> Tensor {
        x.flip([1])
    }
}

/// length - t, not length - 1 - t: off by one (clamped into range, so it reads a wrong step
/// rather than crashing).
struct MirrorOffByOne;
impl Patch for MirrorOffByOne {
    fn reverse_within_length(x: &Tensor, lengths: &Tensor) -> Tensor {
        reversed_by(x, lengths, |t, lengths| {
            let last = t.size()[1] - 1;
            (lengths - t)
                .clamp_max(last)
                .where_self(&t.lt_tensor(lengths), t)
        })
    }
}

/// The padding steps mirrored too: every step reads length - 1 - t, clamped at 0.
struct PaddingMirroredToo;
impl Patch for PaddingMirroredToo {
    fn reverse_within_length(x: &Tensor, lengths: &Tensor) -> Tensor {
        reversed_by(x, lengths, |t, lengths| (lengths - 1 - t).clamp_min(0))
    }
}

/// Only the first feature's steps moved (gather with a [batch, time, 1] index).
struct OnlyTheFirstFeatureMoved;
impl Patch for OnlyTheFirstFeatureMoved {
    fn reverse_within_length(x: &Tensor, lengths: &Tensor) -> Tensor {
        let t = Tensor::arange(x.size()[1], (Kind::Int64, x.device())).unsqueeze(0);
        let lengths = lengths.unsqueeze(1);
        let source = (&lengths - 1 - &t).where_self(&t.lt_tensor(&lengths), &t);
        let first = x.narrow(2, 0, 1).gather(1, &source.unsqueeze(-1), false);
        Tensor::cat(&[first, x.narrow(2, 1, x.size()[2] - 1)], 2)
    }
}

// --- task 6: the GRU cell ----------------------------------------------------------------------

/// A GRU step with the gates read in `order` (reset, update, new by default), the reset gate
/// applied to the whole state part or only after its bias, and the update's two ends either way.
fn gru(
    x: &Tensor,
    h: &Tensor,
    w: &GruWeights,
    order: [usize; 3],
    reset_after_bias: bool,
    update_keeps_the_state: bool,
) -> Tensor {
    let a = x.linear(w.w_ih, Some(w.b_ih)).chunk(3, 1);
    let b_hh = w.b_hh.chunk(3, 0);
    let b = h.linear::<&Tensor>(w.w_hh, None).chunk(3, 1);
    let [r, z, n] = order;
    let reset = (&a[r] + &b[r] + &b_hh[r]).sigmoid();
    let update = (&a[z] + &b[z] + &b_hh[z]).sigmoid();
    let state_part = if reset_after_bias {
        reset * (&b[n] + &b_hh[n])
    } else {
        reset * &b[n] + &b_hh[n]
    };
    let candidate = (&a[n] + state_part).tanh();
    if update_keeps_the_state {
        &update * h + (-&update + 1.0) * candidate
    } else {
        (-&update + 1.0) * h + &update * candidate
    }
}

struct UpdateGateTurnedAround;
impl Patch for UpdateGateTurnedAround {
    fn gru_cell(x: &Tensor, h: &Tensor, w: &GruWeights) -> Tensor {
        gru(x, h, w, [0, 1, 2], true, false)
    }
}

/// Reset and update read in each other's place (z, r, n).
struct ResetAndUpdateSwapped;
impl Patch for ResetAndUpdateSwapped {
    fn gru_cell(x: &Tensor, h: &Tensor, w: &GruWeights) -> Tensor {
        gru(x, h, w, [1, 0, 2], true, true)
    }
}

/// r * (W_hn h) + b_hn: the reset gate leaves the state's bias out (another paper's GRU).
struct ResetBeforeTheBias;
impl Patch for ResetBeforeTheBias {
    fn gru_cell(x: &Tensor, h: &Tensor, w: &GruWeights) -> Tensor {
        gru(x, h, w, [0, 1, 2], false, true)
    }
}

/// n = tanh(a_n + b_n), no reset gate at all.
struct ResetGateForgotten;
impl Patch for ResetGateForgotten {
    fn gru_cell(x: &Tensor, h: &Tensor, w: &GruWeights) -> Tensor {
        let a = x.linear(w.w_ih, Some(w.b_ih)).chunk(3, 1);
        let b = h.linear(w.w_hh, Some(w.b_hh)).chunk(3, 1);
        let update = (&a[1] + &b[1]).sigmoid();
        let candidate = (&a[2] + &b[2]).tanh();
        &update * h + (-&update + 1.0) * candidate
    }
}

fn mistakes() -> Vec<Mistake> {
    vec![
        Mistake {
            task: 1,
            what: "the gates read as i, f, o, g (PyTorch's order is i, f, g, o)",
            tasks: tasks::<Wrong<GatesInAnotherOrder>>,
            says: "lstm_cell",
        },
        Mistake {
            task: 1,
            what: "h' = o * c' without the tanh",
            tasks: tasks::<Wrong<NoTanhOnTheMemory>>,
            says: "h' (the new output)",
        },
        Mistake {
            task: 1,
            what: "h' from the old memory",
            tasks: tasks::<Wrong<OutputFromTheOldMemory>>,
            says: "h' (the new output)",
        },
        Mistake {
            task: 1,
            what: "b_hh forgotten",
            tasks: tasks::<Wrong<HiddenBiasForgotten>>,
            says: "c' (the new memory)",
        },
        Mistake {
            task: 1,
            what: "a sigmoid on the candidate (it is a tanh)",
            tasks: tasks::<Wrong<SigmoidCandidate>>,
            says: "c' (the new memory)",
        },
        Mistake {
            task: 2,
            what: "h and c start from ones",
            tasks: tasks::<Wrong<StartsFromOnes>>,
            says: "libtorch's lstm",
        },
        Mistake {
            task: 2,
            what: "the memory not carried from step to step",
            tasks: tasks::<Wrong<MemoryNotCarried>>,
            says: "libtorch's lstm",
        },
        Mistake {
            task: 2,
            what: "the memory c kept, not the output h",
            tasks: tasks::<Wrong<KeepsTheMemory>>,
            says: "libtorch's lstm",
        },
        Mistake {
            task: 2,
            what: "stacked time first",
            tasks: tasks::<Wrong<TimeFirst>>,
            says: "[batch 2, time 6, hidden 5]",
        },
        Mistake {
            task: 2,
            what: "only the last step returned",
            tasks: tasks::<Wrong<OnlyTheLastStep>>,
            says: "[batch 2, time 6, hidden 5]",
        },
        Mistake {
            task: 3,
            what: "the step count not clamped (0 / 0)",
            tasks: tasks::<Wrong<CountNotClamped>>,
            says: "not nan",
        },
        Mistake {
            task: 3,
            what: "divided by all the steps, padding included",
            tasks: tasks::<Wrong<DividedByAllSteps>>,
            says: "means over 2, 3 and 0 steps",
        },
        Mistake {
            task: 3,
            what: "t <= length: one padded step counted",
            tasks: tasks::<Wrong<OneStepPastTheEnd>>,
            says: "means over 2, 3 and 0 steps",
        },
        Mistake {
            task: 3,
            what: "the mask not unsqueezed to [batch, time, 1]",
            tasks: tasks::<Wrong<MaskNotUnsqueezed>>,
            says: "must match the size",
        },
        Mistake {
            task: 4,
            what: "the whole time axis flipped (the course's bug)",
            tasks: tasks::<Wrong<WholeAxisFlipped>>,
            says: "the padding stays after the end",
        },
        Mistake {
            task: 4,
            what: "length - t for length - 1 - t",
            tasks: tasks::<Wrong<MirrorOffByOne>>,
            says: "reversed within lengths",
        },
        Mistake {
            task: 4,
            what: "the padding steps mirrored too",
            tasks: tasks::<Wrong<PaddingMirroredToo>>,
            says: "the padding stays after the end",
        },
        Mistake {
            task: 4,
            what: "only the first feature's steps moved",
            tasks: tasks::<Wrong<OnlyTheFirstFeatureMoved>>,
            says: "features move together",
        },
        Mistake {
            task: 6,
            what: "the update gate turned around (z takes the candidate)",
            tasks: tasks::<Wrong<UpdateGateTurnedAround>>,
            says: "gru_cell",
        },
        Mistake {
            task: 6,
            what: "reset and update gates swapped",
            tasks: tasks::<Wrong<ResetAndUpdateSwapped>>,
            says: "r, z, n",
        },
        Mistake {
            task: 6,
            what: "the reset gate applied before the state's bias",
            tasks: tasks::<Wrong<ResetBeforeTheBias>>,
            says: "gru_cell",
        },
        Mistake {
            task: 6,
            what: "the reset gate forgotten",
            tasks: tasks::<Wrong<ResetGateForgotten>>,
            says: "gru_cell",
        },
    ]
}

#[test]
fn every_mistake_fails_its_own_task_with_words_that_lead_to_it() {
    assert_all_caught("unit7", &mistakes());
}

#[test]
fn the_exercises_page_shows_how_many_mistakes_each_check_catches() {
    // Task 5 trains a model of tasks 1-4 and has no code of its own to get wrong.
    assert_documented(
        "unit7",
        &tasks::<Solution>(),
        &mistakes(),
        &[3, 3, 3, 3, 0, 3],
    );
}
