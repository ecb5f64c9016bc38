//! The checks of unit 5's tasks, run against [`Solution`](crate::Solution) by `cargo test` and
//! against `Exercise` (`src/exercise.rs`) by `course verify unit5`.

use crate::word2vec::{self, Corpus, Word2VecConfig};
use crate::{Answers, Pooling};
use anyhow::{bail, ensure, Result};
use course_core::exercises::{expect_close, Task};
use tch::nn::{self, VarStore};
use tch::{Device, Kind, Tensor};

const FILE: &str = "crates/unit5-embeddings/src/exercise.rs";

/// Unit 5's tasks, in the order a learner does them.
pub fn tasks<A: Answers>() -> Vec<Task> {
    vec![
        Task {
            name: "masked mean over padded batches",
            checked_against: "hand-worked means of three padded reviews, one empty",
            trains: true,
            file: FILE,
            hints: &[
                "Average each review's word vectors over its real words only: r = sum_t m_t e_t / sum_t m_t, with m_t = 1 for a real word and 0 for padding. See 'Masked mean' in 'The maths in short' of the unit's README. A review with no real word would give 0 / 0: divide by at least 1, and it gives zeros instead of NaN.",
                "`to_kind` turns the boolean mask into floats and `unsqueeze` adds a last dimension. `sum_dim_intlist` sums over a dimension (the words are dimension 1) and `clamp_min` sets a lower bound. Shapes: vectors [batch, length, dim], mask [batch, length] -> [batch, dim].",
                "Make the mask [batch, length, 1] floats, so that it multiplies every dimension of a word's vector.",
                "(vectors * &mask) summed over dimension 1, divided by the mask summed over dimension 1 and clamped to at least 1.",
            ],
            check: masked_mean::<A>,
        },
        Task {
            name: "embedding lookup and pooling (mean, max, mean+max)",
            checked_against: "hand-worked poolings over a set table, all four modes",
            trains: true,
            file: FILE,
            hints: &[
                "Two steps: look every id up in the embedding table (word i's vector is row i), then pool each review's vectors into one. See 'An embedding' and 'Masked mean' in 'The maths in short' of the unit's README. Mean is your task 1. Max takes, per dimension, the largest value over the real words, so padding must never win. MeanMax puts both side by side. UnmaskedMean is the plain mean over every position, padding included.",
                "The embedding is an `nn::Module`, and its `forward` does the lookup. For max: `masked_fill`, `logical_not`, `unsqueeze`, `amax`, and `any_dim` to find the reviews without any word. `Tensor::cat` joins tensors along a dimension, and `mean_dim` is the plain mean.",
                "embedding.forward(ids) (with tch::nn::Module in scope) gives [batch, length, dim].",
                "Max: fill the padding with -inf (masked_fill with the mask's negation, unsqueezed to [batch, length, 1]), then amax(1, false); replace what stays -inf (no word) by 0.",
                "MeanMax: Tensor::cat(&[mean, max], 1).",
            ],
            check: embed_and_pool::<A>,
        },
        Task {
            name: "skip-gram loss with negative sampling",
            checked_against: "the same loss written out in plain f64 arithmetic, also at scores of ±200",
            trains: false,
            file: FILE,
            hints: &[
                "A true (centre, context) pair should score high, and the centre against each random negative should score low: see 'Skip-gram with negative sampling' in 'The maths in short' of the unit's README. L = -log sigma(o . c) - sum_k log sigma(-n_k . c), averaged over the pairs. The pairs come in g groups that share their negatives, so a group's scores against its negatives are one matrix product.",
                "A row-wise dot product is an element-wise product summed over dimension 1 (`sum_dim_intlist`). `view` regroups the n centres as [g, n / g, dim], and `bmm` multiplies each group by its negatives, transposed with `transpose(1, 2)`. `log_sigmoid` is log sigma, computed stably.",
                "Positive scores: (centres * contexts).sum over dimension 1, one per pair, [n].",
                "Negative scores: centres.view([g, n / g, dim]).bmm(&negatives.transpose(1, 2)) is [g, n / g, k]; view it as [n, k].",
                "loss = -(positive.log_sigmoid() + (-negative).log_sigmoid().sum over dimension 1).mean().",
            ],
            check: skipgram_loss::<A>,
        },
        Task {
            name: "word2vec with your loss finds the neighbours of a tiny corpus",
            checked_against: "word2vec with your loss on a two-group toy corpus: in-group neighbours",
            trains: false,
            file: FILE,
            hints: &[
                "Nothing new to write: this trains word2vec with your loss (task 3) on a tiny corpus of two word groups that never share a sentence. Every word's nearest neighbour, by cosine similarity, must come from its own group. See 'Exercise' and 'The maths in short' in the unit's README.",
                "This trains word2vec with your loss (task 3) on a tiny corpus: task 3 done right is enough.",
                "Read the error above: a sign or a sum over the wrong dimension still runs but learns nothing.",
            ],
            check: tiny_corpus_neighbours::<A>,
        },
        Task {
            name: "a review's words (lowercase, punctuation, split)",
            checked_against: "the course's tokenizer (`for_each_word`) on every character it strips and 300 sample reviews",
            trains: false,
            file: FILE,
            hints: &[
                "The course splits a review into words by the rules of Keras' Tokenizer: see 'What is here' in the unit's README, where reviews become ids. Lowercase the text, turn every character of the filter list into a space, then split on spaces and drop the empty pieces. The apostrophe is not on the list, so a word like don't stays whole.",
                "From the standard library: `to_lowercase` on the text, `chars` to walk it, `contains` with a char to test the filter list, then `split` on ' ' and `filter` to drop the empty words.",
                "The filter list as one &str; FILTERS.contains(c) tells whether the char c is on it. In a Rust string literal the quote and the backslash are written \\\" and \\\\, tab and newline \\t and \\n.",
                "text.to_lowercase().chars().map(|c| if FILTERS.contains(c) { ' ' } else { c }).collect::<String>().split(' ').filter(|w| !w.is_empty()).map(str::to_string).collect()",
            ],
            check: words::<A>,
        },
        Task {
            name: "the vocabulary: the most frequent words, 0 left for padding",
            checked_against: "hand-worked tiny vocabularies (ties included) and the course's `WordIndex` on samples",
            trains: false,
            file: FILE,
            hints: &[
                "The vocabulary lists the words by how often they occur over all the texts, most frequent first, and alphabetically between equal counts, so the order never depends on chance. Id 0 is kept for padding, so num_words ids leave room for num_words - 1 words. See 'What is here' in the unit's README, where reviews become ids. Your task 5 gives each text's words.",
                "A `HashMap` from word to count, filled through its `entry`. `sort_by` with a comparison that puts larger counts first and breaks ties by the word with `then`. `truncate` cuts a Vec to a length.",
                "Count with a HashMap<String, u64>: *counts.entry(word).or_insert(0) += 1 for every word of every text (Self::words).",
                "Into a Vec<(String, u64)>, sorted by count descending, then word ascending: sort_by(|(wa, a), (wb, b)| b.cmp(a).then(wa.cmp(wb))).",
                "Keep num_words - 1 of them (truncate, with num_words.saturating_sub(1)) and return the words.",
            ],
            check: vocabulary::<A>,
        },
    ]
}

fn masked_mean<A: Answers>() -> Result<()> {
    // Three reviews of up to 3 words, 2-D vectors; the padding holds 1000s that must not count.
    // The reviews have 2, 0 and 3 words: a mean divided by the padded length (3), by the batch's
    // words (5) or by nothing for the empty review each gives other numbers.
    let vectors = Tensor::from_slice(&[
        1.0f32, 2.0, 3.0, 4.0, 1000.0, 1000.0, // review 1: two words, then padding
        1000.0, 1000.0, 1000.0, 1000.0, 1000.0, 1000.0, // review 2: no word at all
        1.0, 1.0, 2.0, 2.0, 6.0, 0.0, // review 3: three words, no padding
    ])
    .view([3, 3, 2]);
    let mask = Tensor::from_slice(&[true, true, false, false, false, false, true, true, true])
        .view([3, 3]);
    let mean = A::masked_mean(&vectors, &mask);
    let expected = Tensor::from_slice(&[2.0f32, 3.0, 0.0, 0.0, 3.0, 1.0]).view([3, 2]);
    expect_close(
        "masked mean of reviews of 2, 0 and 3 words (each divided by its own word count; \
         review 2 has no words: zeros, not NaN)",
        &mean,
        &expected,
        1e-5,
    )
}

fn embed_and_pool<A: Answers>() -> Result<()> {
    let vars = VarStore::new(Device::Cpu);
    let mut embedding = nn::embedding(vars.root() / "e", 4, 2, Default::default());
    // id 0 (padding) holds huge values: any pooling that lets padding in gets caught.
    tch::no_grad(|| {
        embedding.ws.copy_(
            &Tensor::from_slice(&[100.0f32, 100.0, 1.0, -2.0, 3.0, 0.0, -1.0, 5.0]).view([4, 2]),
        )
    });
    let _ = &mut embedding;
    let ids = Tensor::from_slice(&[1i64, 2, 0, 3, 0, 0, 0, 0, 0]).view([3, 3]);
    let mask = ids.ne(0);
    let check = |pooling: Pooling, expected: &[f32], width: i64| -> Result<()> {
        let pooled = A::embed_and_pool(&embedding, &ids, &mask, pooling);
        expect_close(
            &format!("{pooling:?} pooling of reviews [1, 2], [3] and [] (id 0 is padding)"),
            &pooled,
            &Tensor::from_slice(expected).view([3, width]),
            1e-5,
        )
    };
    check(Pooling::Mean, &[2.0, -1.0, -1.0, 5.0, 0.0, 0.0], 2)?;
    check(Pooling::Max, &[3.0, 0.0, -1.0, 5.0, 0.0, 0.0], 2)?;
    check(
        Pooling::MeanMax,
        &[
            2.0, -1.0, 3.0, 0.0, -1.0, 5.0, -1.0, 5.0, 0.0, 0.0, 0.0, 0.0,
        ],
        4,
    )?;
    // The course's pooling: every position, padding included (its flaw, kept for comparison).
    check(
        Pooling::UnmaskedMean,
        &[
            104.0 / 3.0,
            98.0 / 3.0,
            199.0 / 3.0,
            205.0 / 3.0,
            100.0,
            100.0,
        ],
        2,
    )
}

fn skipgram_loss<A: Answers>() -> Result<()> {
    // 2 pairs, each with its own 2 negatives (as in the original word2vec).
    let c = Tensor::from_slice(&[0.5f32, -0.2, 0.1, 0.3]).view([2, 2]);
    let o = Tensor::from_slice(&[0.4f32, 0.1, -0.3, 0.2]).view([2, 2]);
    let n = Tensor::from_slice(&[0.2f32, 0.2, -0.5, 0.1, 0.3, -0.4, 0.0, 0.6]).view([2, 2, 2]);
    check_skipgram_loss::<A>("2 pairs with 2 negatives each", &c, &o, &n)?;
    // 4 pairs in 2 groups of 2; each group's pairs share its 2 negatives.
    let c = Tensor::from_slice(&[0.5f32, -0.2, 0.1, 0.3, -0.6, 0.2, 0.0, 0.9]).view([4, 2]);
    let o = Tensor::from_slice(&[0.4f32, 0.1, -0.3, 0.2, 0.7, 0.7, -0.1, 0.5]).view([4, 2]);
    check_skipgram_loss::<A>(
        "4 pairs in 2 groups that share 2 negatives each",
        &c,
        &o,
        &n,
    )?;
    // Scores of -200 and 200: sigmoid(-200) rounds to 0 in float32, so log(sigmoid(x)) in two
    // steps is -inf where log_sigmoid gives -200.
    let c = Tensor::from_slice(&[10.0f32, 0.0, 0.0, 10.0]).view([2, 2]);
    let o = Tensor::from_slice(&[-20.0f32, 0.0, 0.0, 1.0]).view([2, 2]);
    let n = Tensor::from_slice(&[20.0f32, 0.0, 0.0, -1.0]).view([2, 1, 2]);
    check_skipgram_loss::<A>(
        "2 pairs with scores of -200 and 200 (sigmoid(-200) rounds to 0 in float32: \
         log(sigmoid(x)) in two steps gives -inf, log_sigmoid gives -200)",
        &c,
        &o,
        &n,
    )
}

/// Compares the learner's loss with the same sum written out with plain arithmetic: for each
/// pair, -log s(c.o) - sum_k log s(-c.n_k) over the negatives of the pair's group.
fn check_skipgram_loss<A: Answers>(case: &str, c: &Tensor, o: &Tensor, n: &Tensor) -> Result<()> {
    let values = |t: &Tensor| Vec::<f64>::try_from(t.to_kind(Kind::Double).flatten(0, -1));
    let (cv, ov, nv) = (values(c)?, values(o)?, values(n)?);
    let (pairs, dim) = (c.size()[0] as usize, c.size()[1] as usize);
    let (groups, k) = (n.size()[0] as usize, n.size()[1] as usize);
    let sigmoid = |x: f64| 1.0 / (1.0 + (-x).exp());
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    let mut total = 0.0;
    for pair in 0..pairs {
        let centre = &cv[pair * dim..(pair + 1) * dim];
        total -= sigmoid(dot(centre, &ov[pair * dim..(pair + 1) * dim])).ln();
        let group = pair / (pairs / groups);
        for negative in nv[group * k * dim..(group + 1) * k * dim].chunks(dim) {
            total -= sigmoid(-dot(centre, negative)).ln();
        }
    }
    let loss = A::skipgram_loss(c, o, n);
    ensure!(
        loss.size().is_empty(),
        "the loss must be one number (shape []), got shape {:?}: average over the pairs",
        loss.size()
    );
    let expected = total / pairs as f64;
    expect_close(
        &format!("skip-gram loss of {case}"),
        &loss,
        &Tensor::from(expected),
        // float32 holds a loss of about 200 to about 1e-5: relative there, 1e-5 below 10.
        1e-5f64.max(1e-6 * expected.abs()),
    )
}

fn tiny_corpus_neighbours<A: Answers>() -> Result<()> {
    // Two groups of words that never share a sentence: each word's nearest neighbour must be
    // from its own group.
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
    let sentences: Vec<String> = (0..400)
        .map(|i| {
            let group = if i % 2 == 0 { "cat" } else { "dog" };
            (0..10)
                .map(|_| format!("{group}{}", rng.random_range(0..5)))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let texts: Vec<&str> = sentences.iter().map(String::as_str).collect();
    let corpus = Corpus::build(&texts, 1);
    let config = Word2VecConfig {
        dim: 16,
        window: 2,
        negatives: 3,
        share_negatives: 1,
        min_count: 1,
        epochs: 3,
        sample: 0.0,
        lr: 0.05,
        min_lr: 0.001,
        batch_pairs: 256,
        workers: 1, // one thread: the same vectors on every run
        seed: 1,
    };
    let (vectors, stats) = word2vec::train::<A>(&corpus, &config, |_, _| {})?;
    ensure!(
        stats.final_loss.is_finite(),
        "the loss became {}",
        stats.final_loss
    );
    for word in &corpus.words {
        let (nearest, _) = vectors.neighbours(word, 1)?.remove(0);
        ensure!(
            nearest[..3] == word[..3],
            "the nearest word to {word} is {nearest}, but they never share a sentence"
        );
    }
    Ok(())
}

/// The course's own words of `text` (what `WordIndex` encodes), for comparison.
fn course_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    course_core::text::word_index::for_each_word(text, &mut String::new(), &mut |word| {
        words.push(word.to_string())
    });
    words
}

/// The bundled sample's unlabelled reviews: real text, with `<br />`, quotes and accents.
fn sample_texts() -> Result<Vec<String>> {
    let reviews = course_core::data::DataDir::bundled_sample().unlabelled_train()?;
    Ok(reviews.into_iter().take(300).map(|r| r.review).collect())
}

fn words<A: Answers>() -> Result<()> {
    let cases = [
        "Don't! It's GREAT.",
        "Bad...<br /><br />Really bad",
        "tabs\tand\nnewlines  and   spaces",
        "self-indulgent (2/10) \"meh\"",
        "Émile ZOLA's café",
        "",
    ];
    for text in cases {
        let yours = A::words(text);
        let expected = course_words(text);
        ensure!(
            yours == expected,
            "the words of {text:?} should be {expected:?}, got {yours:?}"
        );
    }
    // The rules of the TODO that plain reviews seldom reach, each with what it shows.
    let rules = [
        (
            "C:\\films\\Zola's [best] {ever}|~^ 100% #1 @home *****",
            "every character of the list becomes a space, the backslash too",
        ),
        (
            "Great\r\nfilm\u{a0}here\u{c}too\u{85}again",
            "split on spaces only (after tab and newline became spaces): \\r, a no-break space, \
             a form feed or U+0085 are not on the list and stay inside a word",
        ),
        (
            "an – en dash, «guillemets», … and ’curly’ quotes",
            "characters not on the list (an en dash, guillemets, an ellipsis, curly quotes) stay",
        ),
        (
            "a!b\"c#d$e%f&g(h)i*j+k,l-m.n/o:p;q<r=s>t?u@v[w\\x]y^z_a`b{c|d}e~f\tg\nh",
            "each of the 32 characters of the list, and tab and newline, becomes a space: \
             none may be missing from yours",
        ),
    ];
    for (text, rule) in rules {
        let yours = A::words(text);
        let expected = course_words(text);
        ensure!(
            yours == expected,
            "the words of {text:?} should be {expected:?}, got {yours:?}: {rule}"
        );
    }
    for (index, text) in sample_texts()?.iter().enumerate() {
        let (yours, expected) = (A::words(text), course_words(text));
        if yours != expected {
            let at = yours.iter().zip(&expected).position(|(a, b)| a != b);
            let at = at.unwrap_or(yours.len().min(expected.len()));
            bail!(
                "review {} of the bundled sample: word {at} should be {:?}, got {:?} ({} words \
                 expected, {} given)",
                index + 1,
                expected.get(at),
                yours.get(at),
                expected.len(),
                yours.len()
            );
        }
    }
    Ok(())
}

fn vocabulary<A: Answers>() -> Result<()> {
    // "b" and "c" occur 3 times each (a tie), "a" twice, "d" once.
    let texts = ["b c a", "c b d", "b, a. C!"];
    let yours = A::vocabulary(&texts, 4);
    let expected = ["b", "c", "a"];
    ensure!(
        yours == expected,
        "the vocabulary of {texts:?} with num_words 4 should be {expected:?} (3 words: id 0 is \
         the padding; most frequent first, a tie alphabetical); got {yours:?}"
    );
    // A tie between words met in the other order: the alphabetical rule, not the order seen.
    let texts = ["d c b a", "a b"];
    let yours = A::vocabulary(&texts, 4);
    let expected = ["a", "b", "c"];
    ensure!(
        yours == expected,
        "the vocabulary of {texts:?} with num_words 4 should be {expected:?} (\"a\" and \"b\" \
         twice each, then \"c\" and \"d\" once: a tie goes to the alphabetically smaller word, \
         whichever the texts show first); got {yours:?}"
    );
    let occurrences = A::vocabulary(&["dog", "dog", "cat cat cat"], 10);
    ensure!(
        occurrences == ["cat", "dog"],
        "in [\"dog\", \"dog\", \"cat cat cat\"], \"cat\" occurs 3 times and \"dog\" twice \
         (count every occurrence, not the reviews a word is in): expected [\"cat\", \"dog\"], \
         got {occurrences:?}"
    );
    // On real reviews, against the course's own word index.
    let sample = sample_texts()?;
    let texts: Vec<&str> = sample.iter().map(String::as_str).collect();
    let index = course_core::text::WordIndex::fit(&texts, 500);
    let expected: Vec<String> = (1..500u32)
        .filter_map(|id| index.word(id).map(str::to_string))
        .collect();
    let yours = A::vocabulary(&texts, 500);
    ensure!(
        yours.len() == expected.len(),
        "300 reviews of the bundled sample, num_words 500: expected {} words, got {}",
        expected.len(),
        yours.len()
    );
    if let Some(at) = yours.iter().zip(&expected).position(|(a, b)| a != b) {
        bail!(
            "300 reviews of the bundled sample, num_words 500: word {} (id {}) should be {:?}, \
             got {:?}",
            at,
            at + 1,
            expected[at],
            yours[at]
        );
    }
    Ok(())
}
