//! Wrong answers a learner plausibly writes for unit 9's tasks, each the solution but for one
//! mistake. Each must fail its own task, with words that lead to the mistake, while the tasks
//! before it pass (see course_core::exercises::mistakes).

use course_core::exercises::mistakes::{assert_all_caught, assert_documented, Mistake};
use std::marker::PhantomData;
use tch::nn::VarStore;
use tch::{Kind, Tensor};
use unit9_pretrained::tasks::tasks;
use unit9_pretrained::{Answers, Keep, Solution, SpecialTokens};

/// The solution, function by function: a mistake overrides the one it gets wrong.
trait Patch {
    fn frame_review(
        tokens: &[u32],
        max_len: usize,
        keep: Keep,
        special: SpecialTokens,
    ) -> Vec<u32> {
        Solution::frame_review(tokens, max_len, keep, special)
    }
    fn pad_batch(reviews: &[&[u32]], pad: u32) -> (Tensor, Tensor) {
        Solution::pad_batch(reviews, pad)
    }
    fn freeze_except(vars: &mut VarStore, trainable: &dyn Fn(&str) -> bool) -> i64 {
        Solution::freeze_except(vars, trainable)
    }
    fn in_top_layers(name: &str, layer_path: &str, layers: i64, top: i64) -> bool {
        Solution::in_top_layers(name, layer_path, layers, top)
    }
}

/// Answers with the mistake `P`.
struct Wrong<P>(PhantomData<P>);

impl<P: Patch> Answers for Wrong<P> {
    fn frame_review(
        tokens: &[u32],
        max_len: usize,
        keep: Keep,
        special: SpecialTokens,
    ) -> Vec<u32> {
        P::frame_review(tokens, max_len, keep, special)
    }
    fn pad_batch(reviews: &[&[u32]], pad: u32) -> (Tensor, Tensor) {
        P::pad_batch(reviews, pad)
    }
    fn freeze_except(vars: &mut VarStore, trainable: &dyn Fn(&str) -> bool) -> i64 {
        P::freeze_except(vars, trainable)
    }
    fn in_top_layers(name: &str, layer_path: &str, layers: i64, top: i64) -> bool {
        P::in_top_layers(name, layer_path, layers, top)
    }
}

// --- task 1: framing a review ------------------------------------------------------------------

/// Frames with a budget of `max_len - specials`, a head of `head(budget)` tokens, the tail
/// taken from `tail_start(tokens, head, budget)`, and `[SEP]` or not; the rest as the solution.
struct Framing {
    specials: usize,
    head: fn(usize) -> usize,
    tail_from_the_end: bool,
    end_token: bool,
    cut_only_long_reviews: bool,
}

const RIGHT: Framing = Framing {
    specials: 2,
    head: |budget| budget / 4,
    tail_from_the_end: true,
    end_token: true,
    cut_only_long_reviews: true,
};

impl Framing {
    fn frame(
        &self,
        tokens: &[u32],
        max_len: usize,
        keep: Keep,
        special: SpecialTokens,
    ) -> Vec<u32> {
        let budget = max_len - self.specials;
        let mut framed = vec![special.start];
        if self.cut_only_long_reviews && tokens.len() <= budget {
            framed.extend_from_slice(tokens);
        } else {
            match keep {
                Keep::Head => framed.extend_from_slice(&tokens[..budget]),
                Keep::HeadAndTail => {
                    let head = (self.head)(budget);
                    let tail = budget - head;
                    framed.extend_from_slice(&tokens[..head]);
                    let start = if self.tail_from_the_end {
                        tokens.len() - tail
                    } else {
                        head
                    };
                    framed.extend_from_slice(&tokens[start..start + tail]);
                }
            }
        }
        if self.end_token {
            framed.push(special.end);
        }
        framed
    }
}

macro_rules! framing_mistake {
    ($name:ident, $($field:ident: $value:expr),+) => {
        struct $name;
        impl Patch for $name {
            fn frame_review(
                tokens: &[u32],
                max_len: usize,
                keep: Keep,
                special: SpecialTokens,
            ) -> Vec<u32> {
                Framing { $($field: $value,)+ ..RIGHT }.frame(tokens, max_len, keep, special)
            }
        }
    };
}

framing_mistake!(RoomForOneSpecialOnly, specials: 1);
framing_mistake!(HeadRoundedUp, head: |budget| budget.div_ceil(4));
framing_mistake!(ThreeQuartersHead, head: |budget| budget - budget / 4);
framing_mistake!(TailRightAfterTheHead, tail_from_the_end: false);
framing_mistake!(EndTokenForgotten, end_token: false);
framing_mistake!(ShortReviewsCutToo, cut_only_long_reviews: false);

// --- task 2: padding a batch -------------------------------------------------------------------

/// Pads every review to the longest, with `pad_id`, on the `left` or the right; the mask is 1 on
/// real tokens unless `inverted`; both as `kind`.
fn padded(
    reviews: &[&[u32]],
    pad_id: u32,
    left: bool,
    inverted: bool,
    kind: Kind,
) -> (Tensor, Tensor) {
    let longest = reviews.iter().map(|r| r.len()).max().unwrap_or(0);
    let (mut ids, mut mask) = (Vec::new(), Vec::new());
    for review in reviews {
        let padding = longest - review.len();
        let (real, fill) = if inverted { (0i64, 1i64) } else { (1, 0) };
        let mut row: Vec<i64> = review.iter().map(|&id| id as i64).collect();
        let mut row_mask = vec![real; review.len()];
        if left {
            row.splice(0..0, std::iter::repeat_n(pad_id as i64, padding));
            row_mask.splice(0..0, std::iter::repeat_n(fill, padding));
        } else {
            row.extend(std::iter::repeat_n(pad_id as i64, padding));
            row_mask.extend(std::iter::repeat_n(fill, padding));
        }
        ids.extend(row);
        mask.extend(row_mask);
    }
    let shape = [reviews.len() as i64, longest as i64];
    (
        Tensor::from_slice(&ids).view(shape).to_kind(kind),
        Tensor::from_slice(&mask).view(shape).to_kind(kind),
    )
}

struct MaskInverted;
impl Patch for MaskInverted {
    fn pad_batch(reviews: &[&[u32]], pad: u32) -> (Tensor, Tensor) {
        padded(reviews, pad, false, true, Kind::Int64)
    }
}

struct PaddedOnTheLeft;
impl Patch for PaddedOnTheLeft {
    fn pad_batch(reviews: &[&[u32]], pad: u32) -> (Tensor, Tensor) {
        padded(reviews, pad, true, false, Kind::Int64)
    }
}

/// Padded with 0 whatever the model's padding id.
struct PaddedWithZero;
impl Patch for PaddedWithZero {
    fn pad_batch(reviews: &[&[u32]], _pad: u32) -> (Tensor, Tensor) {
        padded(reviews, 0, false, false, Kind::Int64)
    }
}

/// Built from Vec<i32>: int32 tensors.
struct Int32Tensors;
impl Patch for Int32Tensors {
    fn pad_batch(reviews: &[&[u32]], pad: u32) -> (Tensor, Tensor) {
        padded(reviews, pad, false, false, Kind::Int)
    }
}

// --- task 3: freezing --------------------------------------------------------------------------

/// What a mistake counts, from the named variables and the test of what trains.
type Count = fn(&[(String, Tensor)], &dyn Fn(&str) -> bool) -> i64;

/// Freezes as the solution does; returns what `count` makes of the variables kept trainable.
fn frozen(vars: &mut VarStore, trainable: &dyn Fn(&str) -> bool, count: Count) -> i64 {
    Solution::freeze_except(vars, trainable);
    let variables: Vec<(String, Tensor)> = vars.variables().into_iter().collect();
    count(&variables, trainable)
}

struct CountsEveryNumber;
impl Patch for CountsEveryNumber {
    fn freeze_except(vars: &mut VarStore, trainable: &dyn Fn(&str) -> bool) -> i64 {
        frozen(vars, trainable, |variables, _| {
            variables.iter().map(|(_, t)| t.numel() as i64).sum()
        })
    }
}

/// Counts the trainable tensors, not the numbers in them.
struct CountsTensors;
impl Patch for CountsTensors {
    fn freeze_except(vars: &mut VarStore, trainable: &dyn Fn(&str) -> bool) -> i64 {
        frozen(vars, trainable, |variables, trainable| {
            variables.iter().filter(|(name, _)| trainable(name)).count() as i64
        })
    }
}

/// The test turned around: what should train is frozen.
struct FreezesTheTrainable;
impl Patch for FreezesTheTrainable {
    fn freeze_except(vars: &mut VarStore, trainable: &dyn Fn(&str) -> bool) -> i64 {
        Solution::freeze_except(vars, &|name| !trainable(name))
    }
}

/// requires_grad switched off on a detached copy: the variables themselves still train.
struct FrozenCopies;
impl Patch for FrozenCopies {
    fn freeze_except(vars: &mut VarStore, trainable: &dyn Fn(&str) -> bool) -> i64 {
        let mut kept = 0;
        for (name, tensor) in vars.variables() {
            let train = trainable(&name);
            let _ = tensor.detach().set_requires_grad(train);
            if train {
                kept += tensor.numel() as i64;
            }
        }
        kept
    }
}

// --- task 4: which layers train ----------------------------------------------------------------

/// layer > layers - top: one layer too few.
struct OneLayerTooFew;
impl Patch for OneLayerTooFew {
    fn in_top_layers(name: &str, path: &str, layers: i64, top: i64) -> bool {
        (layers - top + 1..layers).any(|i| name.starts_with(&format!("{path}.{i}.")))
    }
}

/// layers - top - 1 ..: one layer too many.
struct OneLayerTooMany;
impl Patch for OneLayerTooMany {
    fn in_top_layers(name: &str, path: &str, layers: i64, top: i64) -> bool {
        (layers - top - 1..layers).any(|i| name.starts_with(&format!("{path}.{i}.")))
    }
}

/// The first `top` layers, not the last.
struct BottomLayers;
impl Patch for BottomLayers {
    fn in_top_layers(name: &str, path: &str, _layers: i64, top: i64) -> bool {
        (0..top).any(|i| name.starts_with(&format!("{path}.{i}.")))
    }
}

/// `contains` instead of a prefix: another model's layers (or a nested path) match too.
struct ContainsNotStartsWith;
impl Patch for ContainsNotStartsWith {
    fn in_top_layers(name: &str, path: &str, layers: i64, top: i64) -> bool {
        let path = path.split_once('.').map_or(path, |(_, rest)| rest);
        (layers - top..layers).any(|i| name.contains(&format!("{path}.{i}.")))
    }
}

fn mistakes() -> Vec<Mistake> {
    vec![
        Mistake {
            task: 1,
            what: "room kept for one special token, not two",
            tasks: tasks::<Wrong<RoomForOneSpecialOnly>>,
            says: "max_len 8",
        },
        Mistake {
            task: 1,
            what: "the head rounded up: ceil(budget / 4)",
            tasks: tasks::<Wrong<HeadRoundedUp>>,
            says: "rounded down",
        },
        Mistake {
            task: 1,
            what: "three quarters for the head, one for the tail",
            tasks: tasks::<Wrong<ThreeQuartersHead>>,
            says: "the first 8 / 4 = 2 tokens and the last 6",
        },
        Mistake {
            task: 1,
            what: "the tail taken right after the head, not from the end",
            tasks: tasks::<Wrong<TailRightAfterTheHead>>,
            says: "the last 6",
        },
        Mistake {
            task: 1,
            what: "[SEP] forgotten",
            tasks: tasks::<Wrong<EndTokenForgotten>>,
            says: "102]",
        },
        Mistake {
            task: 1,
            what: "reviews that fit cut too",
            tasks: tasks::<Wrong<ShortReviewsCutToo>>,
            says: "out of range",
        },
        Mistake {
            task: 2,
            what: "the mask inverted",
            tasks: tasks::<Wrong<MaskInverted>>,
            says: "1 on real tokens, 0 on padding",
        },
        Mistake {
            task: 2,
            what: "padded on the left",
            tasks: tasks::<Wrong<PaddedOnTheLeft>>,
            says: "on the right",
        },
        Mistake {
            task: 2,
            what: "padded with 0, not the model's padding id",
            tasks: tasks::<Wrong<PaddedWithZero>>,
            says: "padded with 9",
        },
        Mistake {
            task: 2,
            what: "int32 tensors",
            tasks: tasks::<Wrong<Int32Tensors>>,
            says: "int64",
        },
        Mistake {
            task: 3,
            what: "every number counted, frozen or not",
            tasks: tasks::<Wrong<CountsEveryNumber>>,
            says: "10 trainable numbers",
        },
        Mistake {
            task: 3,
            what: "the trainable tensors counted, not their numbers",
            tasks: tasks::<Wrong<CountsTensors>>,
            says: "10 trainable numbers",
        },
        Mistake {
            task: 3,
            what: "the trainable part frozen, the rest left to train",
            tasks: tasks::<Wrong<FreezesTheTrainable>>,
            says: "10 trainable numbers",
        },
        Mistake {
            task: 3,
            what: "requires_grad switched off on detached copies",
            tasks: tasks::<Wrong<FrozenCopies>>,
            says: "still got a gradient",
        },
        Mistake {
            task: 4,
            what: "one layer too few (layer > layers - top)",
            tasks: tasks::<Wrong<OneLayerTooFew>>,
            says: "12 layers, top",
        },
        Mistake {
            task: 4,
            what: "one layer too many (layers - top - 1)",
            tasks: tasks::<Wrong<OneLayerTooMany>>,
            says: "12 layers, top",
        },
        Mistake {
            task: 4,
            what: "the first layers, not the last",
            tasks: tasks::<Wrong<BottomLayers>>,
            says: "12 layers, top",
        },
        Mistake {
            task: 4,
            what: "the layer's name searched anywhere, not at the start",
            tasks: tasks::<Wrong<ContainsNotStartsWith>>,
            says: "is in no layer",
        },
    ]
}

#[test]
fn every_mistake_fails_its_own_task_with_words_that_lead_to_it() {
    assert_all_caught("unit9", &mistakes());
}

#[test]
fn the_exercises_page_shows_how_many_mistakes_each_check_catches() {
    assert_documented("unit9", &tasks::<Solution>(), &mistakes(), &[3; 4]);
}
