//! Unit 2's tasks, done. Try `src/exercise.rs` first!

use crate::{Answers, EpochShuffle};
use tch::nn::{self, Module};
use tch::{Kind, Tensor};

/// The reference answers.
pub struct Solution;

impl Answers for Solution {
    fn softmax(logits: &Tensor) -> Tensor {
        // Subtracting each row's maximum changes nothing mathematically (it cancels in the
        // division) but keeps exp from overflowing on large logits.
        let shifted = logits - logits.amax(-1, true);
        let exponentials = shifted.exp();
        &exponentials / exponentials.sum_dim_intlist(-1, true, Kind::Float)
    }

    fn cross_entropy(logits: &Tensor, targets: &Tensor) -> Tensor {
        // -log(softmax) computed as log_softmax, which stays finite for very confident rows.
        let log_probabilities = logits.log_softmax(-1, Kind::Float);
        let picked = log_probabilities.gather(1, &targets.unsqueeze(1), false);
        -picked.mean(Kind::Float)
    }

    fn training_step<M: Module>(
        model: &M,
        optimizer: &mut nn::Optimizer,
        inputs: &Tensor,
        targets: &Tensor,
    ) -> (f64, i64) {
        let logits = model.forward(inputs); // 1. forward
        let loss = Self::cross_entropy(&logits, targets); // 2. loss
        optimizer.zero_grad(); // 3. forget the previous batch's gradients (they add up)
        loss.backward(); // 4. gradients of the loss for every weight
        optimizer.step(); // 5. move each weight against its gradient
        let correct = logits
            .argmax(-1, false)
            .eq_tensor(targets)
            .sum(Kind::Int64)
            .int64_value(&[]);
        (loss.double_value(&[]), correct)
    }

    fn accuracy<M: Module>(model: &M, batches: &mut dyn Iterator<Item = (Tensor, Tensor)>) -> f64 {
        // Evaluation needs no gradients: skipping them saves memory and time.
        let _no_grad = tch::no_grad_guard();
        let (mut correct, mut seen) = (0i64, 0i64);
        for (inputs, targets) in batches {
            let predicted = model.forward(&inputs).argmax(-1, false);
            correct += predicted
                .eq_tensor(&targets)
                .sum(Kind::Int64)
                .int64_value(&[]);
            seen += targets.size()[0];
        }
        correct as f64 / seen.max(1) as f64
    }

    fn train_epoch<M: Module>(
        model: &M,
        optimizer: &mut nn::Optimizer,
        rows: usize,
        batch_of: &dyn Fn(&[usize]) -> (Tensor, Tensor),
        shuffle: EpochShuffle,
    ) -> (f64, f64) {
        use rand::seq::SliceRandom;
        use rand::SeedableRng;
        // A new order every epoch, the same orders in every run of the same seed.
        let mut order: Vec<usize> = (0..rows).collect();
        let seed = shuffle.seed.wrapping_add(shuffle.epoch as u64);
        order.shuffle(&mut rand_chacha::ChaCha8Rng::seed_from_u64(seed));
        let (mut loss_sum, mut correct, mut seen) = (0.0, 0i64, 0usize);
        // The last batch may be smaller: it is trained too.
        for batch in order.chunks(shuffle.batch_size) {
            let (inputs, targets) = batch_of(batch);
            let (loss, batch_correct) = Self::training_step(model, optimizer, &inputs, &targets);
            // A batch's loss is its mean: weigh it by its rows, so that the epoch's loss is
            // the mean over rows, whatever the size of the last batch.
            loss_sum += loss * batch.len() as f64;
            correct += batch_correct;
            seen += batch.len();
        }
        let seen = seen.max(1) as f64;
        (loss_sum / seen, correct as f64 / seen)
    }
}
