//! Wrong answers a learner plausibly writes for unit 5's tasks, each the solution but for one
//! mistake. Each must fail its own task, with words that lead to the mistake, while the tasks
//! before it pass (see course_core::exercises::mistakes).

use course_core::exercises::mistakes::{assert_all_caught, assert_documented, Mistake};
use std::marker::PhantomData;
use tch::nn::{self, Module};
use tch::{Kind, Tensor};
use unit5_embeddings::tasks::tasks;
use unit5_embeddings::{Answers, Pooling, Solution};

/// The solution, function by function: a mistake overrides the one it gets wrong.
trait Patch {
    fn masked_mean(vectors: &Tensor, mask: &Tensor) -> Tensor {
        Solution::masked_mean(vectors, mask)
    }
    fn embed_and_pool(e: &nn::Embedding, ids: &Tensor, mask: &Tensor, pooling: Pooling) -> Tensor {
        Solution::embed_and_pool(e, ids, mask, pooling)
    }
    fn skipgram_loss(centres: &Tensor, contexts: &Tensor, negatives: &Tensor) -> Tensor {
        Solution::skipgram_loss(centres, contexts, negatives)
    }
    fn words(text: &str) -> Vec<String> {
        Solution::words(text)
    }
    fn vocabulary(texts: &[&str], num_words: usize) -> Vec<String> {
        Solution::vocabulary(texts, num_words)
    }
}

/// Answers with the mistake `P`.
struct Wrong<P>(PhantomData<P>);

impl<P: Patch> Answers for Wrong<P> {
    fn masked_mean(vectors: &Tensor, mask: &Tensor) -> Tensor {
        P::masked_mean(vectors, mask)
    }
    fn embed_and_pool(e: &nn::Embedding, ids: &Tensor, mask: &Tensor, pooling: Pooling) -> Tensor {
        P::embed_and_pool(e, ids, mask, pooling)
    }
    fn skipgram_loss(centres: &Tensor, contexts: &Tensor, negatives: &Tensor) -> Tensor {
        P::skipgram_loss(centres, contexts, negatives)
    }
    fn words(text: &str) -> Vec<String> {
        P::words(text)
    }
    fn vocabulary(texts: &[&str], num_words: usize) -> Vec<String> {
        P::vocabulary(texts, num_words)
    }
}

// --- task 1: the masked mean -------------------------------------------------------------------

fn masked_sums(vectors: &Tensor, mask: &Tensor) -> (Tensor, Tensor) {
    let weights = mask.to_kind(vectors.kind()).unsqueeze(-1);
    let sums = (vectors * &weights).sum_dim_intlist(1, false, vectors.kind());
    (sums, weights)
}

/// 0 / 0 for a review without words.
struct CountNotClamped;
impl Patch for CountNotClamped {
    fn masked_mean(vectors: &Tensor, mask: &Tensor) -> Tensor {
        let (sums, weights) = masked_sums(vectors, mask);
        sums / weights.sum_dim_intlist(1, false, vectors.kind())
    }
}

/// The padding zeroed, then divided by the padded length.
struct DividedByPaddedLength;
impl Patch for DividedByPaddedLength {
    fn masked_mean(vectors: &Tensor, mask: &Tensor) -> Tensor {
        let (sums, _) = masked_sums(vectors, mask);
        sums / vectors.size()[1] as f64
    }
}

/// Divided by the whole batch's word count, not each review's.
struct DividedByBatchWords;
impl Patch for DividedByBatchWords {
    fn masked_mean(vectors: &Tensor, mask: &Tensor) -> Tensor {
        let (sums, weights) = masked_sums(vectors, mask);
        sums / weights.sum(vectors.kind()).clamp_min(1.0)
    }
}

/// The mask used as [batch, length] without unsqueeze: it does not broadcast over dimensions.
struct MaskNotUnsqueezed;
impl Patch for MaskNotUnsqueezed {
    fn masked_mean(vectors: &Tensor, mask: &Tensor) -> Tensor {
        let weights = mask.to_kind(vectors.kind());
        let sums = (vectors * &weights).sum_dim_intlist(1, false, vectors.kind());
        sums / weights
            .sum_dim_intlist(1, true, vectors.kind())
            .clamp_min(1.0)
    }
}

/// The padding counted: the plain mean over every position.
struct MaskIgnored;
impl Patch for MaskIgnored {
    fn masked_mean(vectors: &Tensor, _mask: &Tensor) -> Tensor {
        vectors.mean_dim(1, false, Kind::Float)
    }
}

// --- task 2: embedding lookup and pooling ------------------------------------------------------

fn pooled_with(
    e: &nn::Embedding,
    ids: &Tensor,
    mask: &Tensor,
    pooling: Pooling,
    max: impl Fn(&Tensor) -> Tensor,
) -> Tensor {
    let vectors = e.forward(ids);
    match pooling {
        Pooling::Max => max(&vectors),
        Pooling::MeanMax => Tensor::cat(&[Solution::masked_mean(&vectors, mask), max(&vectors)], 1),
        _ => Solution::embed_and_pool(e, ids, mask, pooling),
    }
}

struct MaxOverPaddingToo;
impl Patch for MaxOverPaddingToo {
    fn embed_and_pool(e: &nn::Embedding, ids: &Tensor, mask: &Tensor, pooling: Pooling) -> Tensor {
        pooled_with(e, ids, mask, pooling, |vectors| vectors.amax(1, false))
    }
}

/// Padding filled with 0 instead of -inf: a review whose values are all negative gets 0.
struct PaddingFilledWithZero;
impl Patch for PaddingFilledWithZero {
    fn embed_and_pool(e: &nn::Embedding, ids: &Tensor, mask: &Tensor, pooling: Pooling) -> Tensor {
        let hidden = mask.logical_not().unsqueeze(-1);
        pooled_with(e, ids, mask, pooling, |vectors| {
            vectors.masked_fill(&hidden, 0.0).amax(1, false)
        })
    }
}

/// -inf left in the result of a review without words.
struct EmptyReviewLeftAtMinusInfinity;
impl Patch for EmptyReviewLeftAtMinusInfinity {
    fn embed_and_pool(e: &nn::Embedding, ids: &Tensor, mask: &Tensor, pooling: Pooling) -> Tensor {
        let hidden = mask.logical_not().unsqueeze(-1);
        pooled_with(e, ids, mask, pooling, |vectors| {
            vectors
                .masked_fill(&hidden, f64::NEG_INFINITY)
                .amax(1, false)
        })
    }
}

/// Mean and max stacked along the batch, not side by side.
struct MeanMaxAlongTheBatch;
impl Patch for MeanMaxAlongTheBatch {
    fn embed_and_pool(e: &nn::Embedding, ids: &Tensor, mask: &Tensor, pooling: Pooling) -> Tensor {
        match pooling {
            Pooling::MeanMax => Tensor::cat(
                &[
                    Solution::embed_and_pool(e, ids, mask, Pooling::Mean),
                    Solution::embed_and_pool(e, ids, mask, Pooling::Max),
                ],
                0,
            ),
            _ => Solution::embed_and_pool(e, ids, mask, pooling),
        }
    }
}

/// The course's unmasked mean "fixed" into a masked one: the comparison is lost.
struct UnmaskedMeanMasked;
impl Patch for UnmaskedMeanMasked {
    fn embed_and_pool(e: &nn::Embedding, ids: &Tensor, mask: &Tensor, pooling: Pooling) -> Tensor {
        let pooling = match pooling {
            Pooling::UnmaskedMean => Pooling::Mean,
            other => other,
        };
        Solution::embed_and_pool(e, ids, mask, pooling)
    }
}

// --- task 3: the skip-gram loss ----------------------------------------------------------------

/// The loss from the positive scores [n] and the negative scores [n, k], with the reductions
/// given: the solution is `sum` over negatives and `mean` over pairs.
fn skipgram(
    centres: &Tensor,
    contexts: &Tensor,
    negative_scores: &Tensor,
    negatives_sign: f64,
    over_negatives: impl Fn(&Tensor) -> Tensor,
    over_pairs: impl Fn(&Tensor) -> Tensor,
) -> Tensor {
    let positive = (centres * contexts).sum_dim_intlist(1, false, Kind::Float);
    let per_pair =
        positive.log_sigmoid() + over_negatives(&(negative_scores * negatives_sign).log_sigmoid());
    -over_pairs(&per_pair)
}

fn grouped_scores(centres: &Tensor, negatives: &Tensor) -> Tensor {
    let (pairs, dim) = (centres.size()[0], centres.size()[1]);
    let groups = negatives.size()[0];
    centres
        .view([groups, pairs / groups, dim])
        .bmm(&negatives.transpose(1, 2))
        .view([pairs, -1])
}

fn sum_negatives(t: &Tensor) -> Tensor {
    t.sum_dim_intlist(1, false, Kind::Float)
}

fn mean_pairs(t: &Tensor) -> Tensor {
    t.mean(Kind::Float)
}

/// log sigmoid(n . c) for log sigmoid(-(n . c)): the negatives pulled closer, not pushed away.
struct NegativeSignForgotten;
impl Patch for NegativeSignForgotten {
    fn skipgram_loss(centres: &Tensor, contexts: &Tensor, negatives: &Tensor) -> Tensor {
        let scores = grouped_scores(centres, negatives);
        skipgram(centres, contexts, &scores, 1.0, sum_negatives, mean_pairs)
    }
}

struct MeanOverNegatives;
impl Patch for MeanOverNegatives {
    fn skipgram_loss(centres: &Tensor, contexts: &Tensor, negatives: &Tensor) -> Tensor {
        let scores = grouped_scores(centres, negatives);
        skipgram(
            centres,
            contexts,
            &scores,
            -1.0,
            |t| t.mean_dim(1, false, Kind::Float),
            mean_pairs,
        )
    }
}

/// log(sigmoid(x)) in two steps: -inf once sigmoid(x) rounds to 0 (a score of about -100).
struct LogOfSigmoid;
impl Patch for LogOfSigmoid {
    fn skipgram_loss(centres: &Tensor, contexts: &Tensor, negatives: &Tensor) -> Tensor {
        let positive = (centres * contexts).sum_dim_intlist(1, false, Kind::Float);
        let negative = grouped_scores(centres, negatives);
        let per_pair = positive.sigmoid().log()
            + negative
                .neg()
                .sigmoid()
                .log()
                .sum_dim_intlist(1, false, Kind::Float);
        -per_pair.mean(Kind::Float)
    }
}

struct SumOverPairs;
impl Patch for SumOverPairs {
    fn skipgram_loss(centres: &Tensor, contexts: &Tensor, negatives: &Tensor) -> Tensor {
        let scores = grouped_scores(centres, negatives);
        skipgram(centres, contexts, &scores, -1.0, sum_negatives, |t| {
            t.sum(Kind::Float)
        })
    }
}

/// The first group's negatives used for every pair.
struct FirstGroupForAll;
impl Patch for FirstGroupForAll {
    fn skipgram_loss(centres: &Tensor, contexts: &Tensor, negatives: &Tensor) -> Tensor {
        let scores = centres.matmul(&negatives.get(0).tr());
        skipgram(centres, contexts, &scores, -1.0, sum_negatives, mean_pairs)
    }
}

/// Pairs dealt to the groups in turn (pair i to group i mod g), not in consecutive runs.
struct GroupsInterleaved;
impl Patch for GroupsInterleaved {
    fn skipgram_loss(centres: &Tensor, contexts: &Tensor, negatives: &Tensor) -> Tensor {
        let (pairs, dim) = (centres.size()[0], centres.size()[1]);
        let groups = negatives.size()[0];
        let scores = centres
            .view([pairs / groups, groups, dim])
            .transpose(0, 1)
            .bmm(&negatives.transpose(1, 2))
            .transpose(0, 1)
            .reshape([pairs, -1]);
        skipgram(centres, contexts, &scores, -1.0, sum_negatives, mean_pairs)
    }
}

// --- task 5: a review's words ------------------------------------------------------------------

const FILTERS: &str = "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n";

/// Lowercased (or not), the characters of `filters` made spaces, split on spaces; empty words
/// kept or not.
fn split_with(text: &str, lowercase: bool, filters: &str, keep_empty: bool) -> Vec<String> {
    let text = if lowercase {
        text.to_lowercase()
    } else {
        text.to_string()
    };
    let spaced: String = text
        .chars()
        .map(|c| if filters.contains(c) { ' ' } else { c })
        .collect();
    spaced
        .split(' ')
        .filter(|word| keep_empty || !word.is_empty())
        .map(str::to_string)
        .collect()
}

struct NotLowercased;
impl Patch for NotLowercased {
    fn words(text: &str) -> Vec<String> {
        split_with(text, false, FILTERS, false)
    }
}

/// split_whitespace only: punctuation stays on the words ("great." is not "great").
struct PunctuationKept;
impl Patch for PunctuationKept {
    fn words(text: &str) -> Vec<String> {
        text.to_lowercase()
            .split_whitespace()
            .map(str::to_string)
            .collect()
    }
}

/// The apostrophe filtered too: "don't" becomes "don" and "t".
struct ApostropheFiltered;
impl Patch for ApostropheFiltered {
    fn words(text: &str) -> Vec<String> {
        split_with(text, true, &format!("{FILTERS}'"), false)
    }
}

/// split(' ') without dropping the empty pieces between two spaces.
struct EmptyWordsKept;
impl Patch for EmptyWordsKept {
    fn words(text: &str) -> Vec<String> {
        split_with(text, true, FILTERS, true)
    }
}

/// Tab and newline left out of the filters.
struct TabsAndNewlinesKept;
impl Patch for TabsAndNewlinesKept {
    fn words(text: &str) -> Vec<String> {
        split_with(text, true, FILTERS.trim_end_matches(['\t', '\n']), false)
    }
}

/// The backslash (hard to write in a Rust string) left out of the filters.
struct BackslashKept;
impl Patch for BackslashKept {
    fn words(text: &str) -> Vec<String> {
        split_with(text, true, &FILTERS.replace('\\', ""), false)
    }
}

/// The list typed without the underscore and the backtick.
struct UnderscoreAndBacktickKept;
impl Patch for UnderscoreAndBacktickKept {
    fn words(text: &str) -> Vec<String> {
        split_with(text, true, &FILTERS.replace(['_', '`'], ""), false)
    }
}

/// split_whitespace to drop the empty words: it also splits on \r, form feeds and other
/// whitespace that the course's rules keep inside a word.
struct SplitOnAnyWhitespace;
impl Patch for SplitOnAnyWhitespace {
    fn words(text: &str) -> Vec<String> {
        split_with(text, true, FILTERS, false)
            .iter()
            .flat_map(|word| word.split_whitespace())
            .map(str::to_string)
            .collect()
    }
}

/// Every character that is not alphanumeric (nor the apostrophe) made a space: more than the
/// course's list.
struct AllNonAlphanumericFiltered;
impl Patch for AllNonAlphanumericFiltered {
    fn words(text: &str) -> Vec<String> {
        text.to_lowercase()
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '\'' {
                    c
                } else {
                    ' '
                }
            })
            .collect::<String>()
            .split(' ')
            .filter(|word| !word.is_empty())
            .map(str::to_string)
            .collect()
    }
}

// --- task 6: the vocabulary --------------------------------------------------------------------

/// Counts with `count_of` (every occurrence, or once per review), orders with `order`, keeps
/// `keep(num_words)` words.
fn vocabulary_with(
    texts: &[&str],
    num_words: usize,
    once_per_review: bool,
    order: fn(&(String, u64), &(String, u64)) -> std::cmp::Ordering,
    keep: fn(usize) -> usize,
) -> Vec<String> {
    let mut counts: std::collections::HashMap<String, u64> = Default::default();
    for text in texts {
        let mut words = Solution::words(text);
        if once_per_review {
            words.sort();
            words.dedup();
        }
        for word in words {
            *counts.entry(word).or_insert(0) += 1;
        }
    }
    let mut by_count: Vec<(String, u64)> = counts.into_iter().collect();
    by_count.sort_by(order);
    by_count.truncate(keep(num_words));
    by_count.into_iter().map(|(word, _)| word).collect()
}

fn right_order(a: &(String, u64), b: &(String, u64)) -> std::cmp::Ordering {
    b.1.cmp(&a.1).then(a.0.cmp(&b.0))
}

fn all_but_padding(num_words: usize) -> usize {
    num_words - 1
}

/// num_words words: no room left for the padding id.
struct NoRoomForPadding;
impl Patch for NoRoomForPadding {
    fn vocabulary(texts: &[&str], num_words: usize) -> Vec<String> {
        vocabulary_with(texts, num_words, false, right_order, |n| n)
    }
}

/// A tie goes to the alphabetically larger word.
struct TiesTheOtherWay;
impl Patch for TiesTheOtherWay {
    fn vocabulary(texts: &[&str], num_words: usize) -> Vec<String> {
        let order = |a: &(String, u64), b: &(String, u64)| b.1.cmp(&a.1).then(b.0.cmp(&a.0));
        vocabulary_with(texts, num_words, false, order, all_but_padding)
    }
}

/// Least frequent first.
struct RarestFirst;
impl Patch for RarestFirst {
    fn vocabulary(texts: &[&str], num_words: usize) -> Vec<String> {
        let order = |a: &(String, u64), b: &(String, u64)| a.1.cmp(&b.1).then(a.0.cmp(&b.0));
        vocabulary_with(texts, num_words, false, order, all_but_padding)
    }
}

/// Each word counted once per review (document frequency), not per occurrence.
struct OncePerReview;
impl Patch for OncePerReview {
    fn vocabulary(texts: &[&str], num_words: usize) -> Vec<String> {
        vocabulary_with(texts, num_words, true, right_order, all_but_padding)
    }
}

/// A tie goes to the word seen first (a stable sort by count over the words in order of first
/// appearance), not to the alphabetically smaller.
struct TiesToTheFirstSeen;
impl Patch for TiesToTheFirstSeen {
    fn vocabulary(texts: &[&str], num_words: usize) -> Vec<String> {
        let mut seen: Vec<(String, u64)> = Vec::new();
        for text in texts {
            for word in Solution::words(text) {
                match seen.iter_mut().find(|(w, _)| *w == word) {
                    Some((_, count)) => *count += 1,
                    None => seen.push((word, 1)),
                }
            }
        }
        seen.sort_by_key(|(_, count)| std::cmp::Reverse(*count)); // stable: ties stay in first-seen order
        seen.truncate(num_words.saturating_sub(1));
        seen.into_iter().map(|(word, _)| word).collect()
    }
}

fn mistakes() -> Vec<Mistake> {
    vec![
        Mistake {
            task: 1,
            what: "the word count not clamped (0 / 0 for an empty review)",
            tasks: tasks::<Wrong<CountNotClamped>>,
            says: "not nan",
        },
        Mistake {
            task: 1,
            what: "divided by the padded length",
            tasks: tasks::<Wrong<DividedByPaddedLength>>,
            says: "its own word count",
        },
        Mistake {
            task: 1,
            what: "divided by the whole batch's word count",
            tasks: tasks::<Wrong<DividedByBatchWords>>,
            says: "its own word count",
        },
        Mistake {
            task: 1,
            what: "the mask not unsqueezed to [batch, length, 1]",
            tasks: tasks::<Wrong<MaskNotUnsqueezed>>,
            says: "must match the size",
        },
        Mistake {
            task: 1,
            what: "the mask ignored",
            tasks: tasks::<Wrong<MaskIgnored>>,
            says: "masked mean",
        },
        Mistake {
            task: 2,
            what: "max over the padding too",
            tasks: tasks::<Wrong<MaxOverPaddingToo>>,
            says: "max pooling",
        },
        Mistake {
            task: 2,
            what: "padding filled with 0, not -inf",
            tasks: tasks::<Wrong<PaddingFilledWithZero>>,
            says: "max pooling",
        },
        Mistake {
            task: 2,
            what: "-inf left for a review without words",
            tasks: tasks::<Wrong<EmptyReviewLeftAtMinusInfinity>>,
            says: "max pooling",
        },
        Mistake {
            task: 2,
            what: "mean and max stacked along the batch",
            tasks: tasks::<Wrong<MeanMaxAlongTheBatch>>,
            says: "meanmax pooling",
        },
        Mistake {
            task: 2,
            what: "the course's unmasked mean masked",
            tasks: tasks::<Wrong<UnmaskedMeanMasked>>,
            says: "unmaskedmean pooling",
        },
        Mistake {
            task: 3,
            what: "the negatives' minus sign forgotten",
            tasks: tasks::<Wrong<NegativeSignForgotten>>,
            says: "skip-gram loss",
        },
        Mistake {
            task: 3,
            what: "the mean over the negatives, not their sum",
            tasks: tasks::<Wrong<MeanOverNegatives>>,
            says: "skip-gram loss",
        },
        Mistake {
            task: 3,
            what: "the sum over pairs, not their mean",
            tasks: tasks::<Wrong<SumOverPairs>>,
            says: "skip-gram loss",
        },
        Mistake {
            task: 3,
            what: "the first group's negatives for every pair",
            tasks: tasks::<Wrong<FirstGroupForAll>>,
            says: "skip-gram loss",
        },
        Mistake {
            task: 3,
            what: "pairs dealt to the groups in turn",
            tasks: tasks::<Wrong<GroupsInterleaved>>,
            says: "2 groups",
        },
        Mistake {
            task: 3,
            what: "log(sigmoid(x)) for log_sigmoid (-inf at large scores)",
            tasks: tasks::<Wrong<LogOfSigmoid>>,
            says: "log_sigmoid",
        },
        Mistake {
            task: 5,
            what: "not lowercased",
            tasks: tasks::<Wrong<NotLowercased>>,
            says: "should be",
        },
        Mistake {
            task: 5,
            what: "split on whitespace only (punctuation kept)",
            tasks: tasks::<Wrong<PunctuationKept>>,
            says: "should be",
        },
        Mistake {
            task: 5,
            what: "the apostrophe filtered too",
            tasks: tasks::<Wrong<ApostropheFiltered>>,
            says: "\"don't\"",
        },
        Mistake {
            task: 5,
            what: "empty words kept between two spaces",
            tasks: tasks::<Wrong<EmptyWordsKept>>,
            says: "should be",
        },
        Mistake {
            task: 5,
            what: "tab and newline not split on",
            tasks: tasks::<Wrong<TabsAndNewlinesKept>>,
            says: "newlines",
        },
        Mistake {
            task: 5,
            what: "the backslash left out of the filters",
            tasks: tasks::<Wrong<BackslashKept>>,
            says: "backslash",
        },
        Mistake {
            task: 5,
            what: "split on any whitespace (\\r, form feed...), not on spaces",
            tasks: tasks::<Wrong<SplitOnAnyWhitespace>>,
            says: "split on spaces",
        },
        Mistake {
            task: 5,
            what: "every non-alphanumeric character filtered, not the course's list",
            tasks: tasks::<Wrong<AllNonAlphanumericFiltered>>,
            says: "not on the list",
        },
        Mistake {
            task: 5,
            what: "the underscore and the backtick left out of the filters",
            tasks: tasks::<Wrong<UnderscoreAndBacktickKept>>,
            says: "none may be missing",
        },
        Mistake {
            task: 6,
            what: "num_words words, no room for the padding id",
            tasks: tasks::<Wrong<NoRoomForPadding>>,
            says: "id 0 is the padding",
        },
        Mistake {
            task: 6,
            what: "a tie to the alphabetically larger word",
            tasks: tasks::<Wrong<TiesTheOtherWay>>,
            says: "a tie alphabetical",
        },
        Mistake {
            task: 6,
            what: "the rarest words first",
            tasks: tasks::<Wrong<RarestFirst>>,
            says: "most frequent first",
        },
        Mistake {
            task: 6,
            what: "counted once per review",
            tasks: tasks::<Wrong<OncePerReview>>,
            says: "count every occurrence",
        },
        Mistake {
            task: 6,
            what: "a tie to the word seen first, not the alphabetically smaller",
            tasks: tasks::<Wrong<TiesToTheFirstSeen>>,
            says: "alphabetical",
        },
    ]
}

#[test]
fn every_mistake_fails_its_own_task_with_words_that_lead_to_it() {
    assert_all_caught("unit5", &mistakes());
}

#[test]
fn the_exercises_page_shows_how_many_mistakes_each_check_catches() {
    // Task 4 trains word2vec with task 3's loss and has no code of its own to get wrong.
    assert_documented(
        "unit5",
        &tasks::<Solution>(),
        &mistakes(),
        &[3, 3, 3, 0, 3, 3],
    );
}
