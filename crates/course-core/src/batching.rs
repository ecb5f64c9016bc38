//! Mini-batches of row indices.
//!
//! A [`Batcher`] turns a list of rows (say the 20,000 training reviews) into batches for one
//! epoch. It shuffles with `seed + epoch`, so each epoch sees a new order yet every run with the
//! same seed sees the same orders. The last, smaller batch is kept unless `drop_last` is asked for:
//! nothing is dropped silently.
//!
//! With [`Batcher::bucket_by_length`], reviews of similar length share a batch: the shuffled rows
//! are cut into chunks of `chunk_batches` batches, each chunk is sorted by length and cut into
//! batches, and the batches are shuffled. A batch then pads only to its own longest review
//! instead of to the longest review of all, which saves most of the compute of units 5-8.

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

#[derive(Debug, Clone)]
pub struct Batcher {
    batch_size: usize,
    shuffle_seed: Option<u64>,
    drop_last: bool,
    bucketing: Option<Bucketing>,
}

#[derive(Debug, Clone)]
struct Bucketing {
    /// Length of every row of the dataset (indexed by row, not by position in the row list).
    lengths: Vec<usize>,
    chunk_batches: usize,
}

impl Batcher {
    /// Batches of `batch_size` rows in the given order (no shuffling).
    pub fn new(batch_size: usize) -> Batcher {
        assert!(batch_size > 0, "batch_size must be at least 1");
        Batcher {
            batch_size,
            shuffle_seed: None,
            drop_last: false,
            bucketing: None,
        }
    }

    /// Shuffle every epoch, reproducibly.
    pub fn shuffle(mut self, seed: u64) -> Batcher {
        self.shuffle_seed = Some(seed);
        self
    }

    /// Drop the last batch when it is smaller than `batch_size`.
    pub fn drop_last(mut self, drop_last: bool) -> Batcher {
        self.drop_last = drop_last;
        self
    }

    /// Group rows of similar length. `lengths[row]` is the length of row `row`;
    /// `chunk_batches` batches are sorted together (more = tighter padding, less randomness).
    pub fn bucket_by_length(mut self, lengths: Vec<usize>, chunk_batches: usize) -> Batcher {
        assert!(chunk_batches > 0, "chunk_batches must be at least 1");
        self.bucketing = Some(Bucketing {
            lengths,
            chunk_batches,
        });
        self
    }

    /// The batch size.
    pub fn batch_size(&self) -> usize {
        self.batch_size
    }

    /// How many batches an epoch over `n_rows` rows has.
    pub fn n_batches(&self, n_rows: usize) -> usize {
        if self.drop_last {
            n_rows / self.batch_size
        } else {
            n_rows.div_ceil(self.batch_size)
        }
    }

    /// The batches of one epoch over `rows`.
    pub fn epoch(&self, rows: &[usize], epoch: u64) -> std::vec::IntoIter<Vec<usize>> {
        let mut order = rows.to_vec();
        let mut rng = self
            .shuffle_seed
            .map(|s| ChaCha8Rng::seed_from_u64(s.wrapping_add(epoch)));
        if let Some(rng) = rng.as_mut() {
            order.shuffle(rng);
        }
        let mut batches: Vec<Vec<usize>> = match &self.bucketing {
            None => order
                .chunks(self.batch_size)
                .map(<[usize]>::to_vec)
                .collect(),
            Some(bucketing) => {
                let mut batches = Vec::with_capacity(self.n_batches(rows.len()) + 1);
                for chunk in order.chunks_mut(self.batch_size * bucketing.chunk_batches) {
                    chunk.sort_by_key(|&row| bucketing.lengths[row]);
                    batches.extend(chunk.chunks(self.batch_size).map(<[usize]>::to_vec));
                }
                if let Some(rng) = rng.as_mut() {
                    batches.shuffle(rng);
                }
                batches
            }
        };
        if self.drop_last {
            batches.retain(|b| b.len() == self.batch_size);
        }
        batches.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_last_partial_batch_unless_asked() {
        let rows: Vec<usize> = (0..10).collect();
        let sizes: Vec<usize> = Batcher::new(4).epoch(&rows, 0).map(|b| b.len()).collect();
        assert_eq!(sizes, [4, 4, 2]);
        let dropped = Batcher::new(4).drop_last(true);
        assert_eq!(dropped.epoch(&rows, 0).count(), 2);
        assert_eq!(dropped.n_batches(10), 2);
    }

    #[test]
    fn shuffling_is_seeded_and_changes_with_the_epoch() {
        let rows: Vec<usize> = (0..100).collect();
        let batcher = Batcher::new(10).shuffle(3);
        let first: Vec<_> = batcher.epoch(&rows, 0).collect();
        assert_eq!(first, batcher.epoch(&rows, 0).collect::<Vec<_>>());
        assert_ne!(first, batcher.epoch(&rows, 1).collect::<Vec<_>>());
        let mut seen: Vec<usize> = first.concat();
        seen.sort_unstable();
        assert_eq!(seen, rows);
    }

    #[test]
    fn bucketing_pads_less_and_still_covers_every_row() {
        let lengths: Vec<usize> = (0..1000).map(|i| (i * 7919) % 997).collect();
        let rows: Vec<usize> = (0..1000).collect();
        let padded_size = |batches: &[Vec<usize>]| -> usize {
            batches
                .iter()
                .map(|b| b.len() * b.iter().map(|&r| lengths[r]).max().unwrap())
                .sum()
        };
        let plain: Vec<_> = Batcher::new(32).shuffle(1).epoch(&rows, 0).collect();
        let bucketed: Vec<_> = Batcher::new(32)
            .shuffle(1)
            .bucket_by_length(lengths.clone(), 8)
            .epoch(&rows, 0)
            .collect();
        assert!(
            padded_size(&bucketed) * 3 < padded_size(&plain) * 2,
            "bucketing must pad much less"
        );
        let mut seen = bucketed.concat();
        seen.sort_unstable();
        assert_eq!(seen, rows);
    }
}
