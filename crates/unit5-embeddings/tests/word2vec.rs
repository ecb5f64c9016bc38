//! word2vec with several workers updating the same tables at once (as gensim's do), and
//! continued from a checkpoint.

use rand::{Rng, SeedableRng};
use unit5_embeddings::word2vec::{train, Corpus, EpochEnd, SkipGram, Word2VecConfig};
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

/// Small, quick settings for the two groups.
fn small_config(workers: usize) -> Word2VecConfig {
    Word2VecConfig {
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
        workers,
        seed: 1,
    }
}

#[test]
fn two_workers_learn_which_words_share_sentences() {
    let sentences = two_groups();
    let texts: Vec<&str> = sentences.iter().map(String::as_str).collect();
    let corpus = Corpus::build(&texts, 1);
    let config = small_config(2);
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

#[test]
fn a_run_continued_after_any_epoch_ends_with_the_vectors_of_a_run_never_stopped() {
    let sentences = two_groups();
    let texts: Vec<&str> = sentences.iter().map(String::as_str).collect();
    let corpus = Corpus::build(&texts, 1);
    let config = small_config(1); // one worker: the same vectors every time
    let (straight, _) = train::<Solution>(&corpus, &config, |_, _| {}).unwrap();
    let folder = tempfile::tempdir().unwrap();
    let checkpoint = folder.path().join("checkpoint.safetensors");
    for stopped_after in 1..config.epochs {
        let mut first = SkipGram::new(&corpus, &config).unwrap();
        for _ in 0..stopped_after {
            first
                .train_epoch::<Solution>(&|| false, &mut |_, _| {})
                .unwrap();
        }
        first.save_checkpoint(&checkpoint).unwrap();
        drop(first);
        let mut continued = SkipGram::resume(&corpus, &config, &checkpoint).unwrap();
        assert_eq!(continued.epochs_done(), stopped_after);
        while !continued.is_finished() {
            continued
                .train_epoch::<Solution>(&|| false, &mut |_, _| {})
                .unwrap();
        }
        let (vectors, _) = continued.finish();
        assert!(
            vectors.vectors.equal(&straight.vectors),
            "continued after epoch {stopped_after}, the vectors differ"
        );
    }
}

#[test]
fn a_stop_request_ends_the_epoch_unfinished_and_uncounted() {
    let sentences = two_groups();
    let texts: Vec<&str> = sentences.iter().map(String::as_str).collect();
    let corpus = Corpus::build(&texts, 1);
    let config = small_config(2);
    let mut skip_gram = SkipGram::new(&corpus, &config).unwrap();
    let asked = std::sync::atomic::AtomicUsize::new(0);
    // Stop after 100 reviews of the first epoch (of 2,000).
    let stop = || asked.fetch_add(1, std::sync::atomic::Ordering::Relaxed) >= 100;
    let end = skip_gram
        .train_epoch::<Solution>(&stop, &mut |_, _| {})
        .unwrap();
    assert_eq!(end, EpochEnd::Stopped);
    assert_eq!(skip_gram.epochs_done(), 0);
}

#[test]
fn a_broken_or_foreign_checkpoint_is_a_clear_error() {
    let sentences = two_groups();
    let texts: Vec<&str> = sentences.iter().map(String::as_str).collect();
    let corpus = Corpus::build(&texts, 1);
    let config = small_config(1);
    let folder = tempfile::tempdir().unwrap();
    let checkpoint = folder.path().join("checkpoint.safetensors");
    let mut skip_gram = SkipGram::new(&corpus, &config).unwrap();
    skip_gram
        .train_epoch::<Solution>(&|| false, &mut |_, _| {})
        .unwrap();
    skip_gram.save_checkpoint(&checkpoint).unwrap();

    // Other settings: 32 dimensions where the checkpoint has 16.
    let wider = Word2VecConfig {
        dim: 32,
        ..config.clone()
    };
    let error = SkipGram::resume(&corpus, &wider, &checkpoint)
        .err()
        .unwrap();
    let message = format!("{error:#}");
    assert!(message.contains("changed since it was saved"), "{message}");
    assert!(message.contains("checkpoint.safetensors"), "{message}");

    // Cut in half.
    let bytes = std::fs::read(&checkpoint).unwrap();
    std::fs::write(&checkpoint, &bytes[..bytes.len() / 2]).unwrap();
    let error = SkipGram::resume(&corpus, &config, &checkpoint)
        .err()
        .unwrap();
    let message = format!("{error:#}");
    assert!(message.contains("not a readable checkpoint"), "{message}");
    assert!(message.contains("Delete it"), "{message}");
}
