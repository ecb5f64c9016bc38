//! word2vec with several workers updating the same tables at once (as gensim's do).

use rand::{Rng, SeedableRng};
use unit5_embeddings::word2vec::{train, Corpus, Word2VecConfig};
use unit5_embeddings::Solution;

/// Two groups of 40 words that never share a sentence.
fn two_groups() -> Vec<String> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
    (0..2000)
        .map(|i| {
            let group = if i % 2 == 0 { "cat" } else { "dog" };
            (0..12)
                .map(|_| format!("{group}{}", rng.random_range(0..40)))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

#[test]
fn two_workers_learn_which_words_share_sentences() {
    let sentences = two_groups();
    let texts: Vec<&str> = sentences.iter().map(String::as_str).collect();
    let corpus = Corpus::build(&texts, 1);
    let config = Word2VecConfig {
        dim: 16,
        window: 2,
        negatives: 3,
        share_negatives: 8,
        min_count: 1,
        epochs: 3,
        sample: 0.0,
        lr: 0.05,
        min_lr: 0.001,
        batch_pairs: 512,
        workers: 2,
        seed: 1,
    };
    let (vectors, stats) = train::<Solution>(&corpus, &config, |_, _| {}).unwrap();
    assert!(stats.final_loss.is_finite(), "{}", stats.final_loss);
    // Both workers' words were counted: 5 epochs' worth would be wrong, so would half.
    let words = corpus.total_words() as f64 * config.epochs as f64;
    assert!((stats.words_per_second * stats.seconds - words).abs() < 1.0);
    let strangers: Vec<String> = corpus
        .words
        .iter()
        .filter_map(|word| {
            let (nearest, _) = vectors.neighbours(word, 1).unwrap().remove(0);
            (nearest[..3] != word[..3]).then(|| format!("{word} -> {nearest}"))
        })
        .collect();
    assert!(
        strangers.is_empty(),
        "nearest words that never share a sentence: {strangers:?}"
    );
}
