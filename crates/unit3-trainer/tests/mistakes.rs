//! Wrong answers a learner plausibly writes for unit 3's tasks, each the solution but for one
//! mistake. Each must fail its own task, with words that lead to the mistake, while the tasks
//! before it pass (see course_core::exercises::mistakes).

use course_core::exercises::mistakes::{assert_all_caught, assert_documented, Mistake};
use course_core::training::{
    EarlyStopping, Model, Monitor, OptimizerConfig, RunDecisions, TrainerConfig, ValidationScores,
};
use tch::nn::{self, Module};
use tch::Tensor;
use unit3_trainer::model::BagOfWordsClassifier;
use unit3_trainer::tasks::tasks;
use unit3_trainer::{Answers, Solution};

// --- tasks 1 and 2: the model ------------------------------------------------------------------

/// The learner's model with a layer made by `layer` and a forward pass `forward`.
#[derive(Debug)]
struct LearnerModel {
    linear: nn::Linear,
    forward: fn(&nn::Linear, &Tensor) -> Tensor,
}

impl Model for LearnerModel {
    type Input = Tensor;
    fn forward(&self, counts: &Tensor, _train: bool) -> Tensor {
        (self.forward)(&self.linear, counts)
    }
}

fn right_layer(path: &nn::Path, n_features: usize) -> nn::Linear {
    nn::linear(path / "linear", n_features as i64, 2, Default::default())
}

fn right_forward(linear: &nn::Linear, counts: &Tensor) -> Tensor {
    counts.apply(linear)
}

/// An `Answers` whose model has the layer `$layer` and the forward pass `$forward`.
macro_rules! model_mistake {
    ($name:ident, layer: $layer:expr, forward: $forward:expr) => {
        struct $name;
        impl Answers for $name {
            type Model = LearnerModel;
            fn new_model(path: &nn::Path, n_features: usize) -> LearnerModel {
                LearnerModel {
                    linear: $layer(path, n_features),
                    forward: $forward,
                }
            }
            fn trainer_config(seed: u64) -> TrainerConfig {
                Solution::trainer_config(seed)
            }
            fn run_decisions(
                epochs: &[ValidationScores],
                early: Option<&EarlyStopping>,
            ) -> RunDecisions {
                Solution::run_decisions(epochs, early)
            }
        }
    };
}

model_mistake!(
    InputsAndOutputsSwapped,
    layer: |path: &nn::Path, n: usize| nn::linear(path / "linear", 2, n as i64, Default::default()),
    forward: right_forward
);
model_mistake!(
    LayerUnderAnotherName,
    layer: |path: &nn::Path, n: usize| nn::linear(path / "layer", n as i64, 2, Default::default()),
    forward: right_forward
);
model_mistake!(
    LayerAtTheRootPath,
    layer: |path: &nn::Path, n: usize| nn::linear(path, n as i64, 2, Default::default()),
    forward: right_forward
);
model_mistake!(
    NoBias,
    layer: |path: &nn::Path, n: usize| {
        let config = nn::LinearConfig {
            bias: false,
            ..Default::default()
        };
        nn::linear(path / "linear", n as i64, 2, config)
    },
    forward: right_forward
);
model_mistake!(
    SoftmaxInForward,
    layer: right_layer,
    forward: |linear, counts| counts.apply(linear).softmax(-1, tch::Kind::Float)
);
model_mistake!(
    ReluAfterTheLayer,
    layer: right_layer,
    forward: |linear, counts| counts.apply(linear).relu()
);
model_mistake!(
    BiasLeftOut,
    layer: right_layer,
    forward: |linear, counts| counts.matmul(&linear.ws.tr())
);
model_mistake!(
    ForwardWithoutGradients,
    layer: right_layer,
    forward: |linear, counts| tch::no_grad(|| linear.forward(counts))
);

// --- task 3: the run's settings ----------------------------------------------------------------

/// An `Answers` with the solution's model and the settings `$config(seed)`.
macro_rules! settings_mistake {
    ($name:ident, $config:expr) => {
        struct $name;
        impl Answers for $name {
            type Model = BagOfWordsClassifier;
            fn new_model(path: &nn::Path, n_features: usize) -> BagOfWordsClassifier {
                Solution::new_model(path, n_features)
            }
            fn trainer_config(seed: u64) -> TrainerConfig {
                $config(seed)
            }
            fn run_decisions(
                epochs: &[ValidationScores],
                early: Option<&EarlyStopping>,
            ) -> RunDecisions {
                Solution::run_decisions(epochs, early)
            }
        }
    };
}

settings_mistake!(SeedWrittenIn, |_seed| TrainerConfig {
    seed: 42,
    ..TrainerConfig::default()
});
settings_mistake!(LearningRateTypo, |seed| TrainerConfig {
    seed,
    optimizer: OptimizerConfig::sgd(0.5),
    ..TrainerConfig::default()
});
settings_mistake!(AdamWForSgd, |seed| TrainerConfig {
    seed,
    optimizer: OptimizerConfig::adamw(0.05),
    ..TrainerConfig::default()
});
settings_mistake!(BatchesOf64, |seed| TrainerConfig {
    seed,
    batch_size: 64,
    ..TrainerConfig::default()
});
settings_mistake!(EarlyStoppingAdded, |seed| TrainerConfig {
    seed,
    early_stopping: Some(EarlyStopping {
        monitor: Monitor::ValidationAccuracy,
        patience: 3,
        min_delta: 0.0
    }),
    ..TrainerConfig::default()
});
settings_mistake!(FastDevRunLeftOn, |seed| TrainerConfig {
    seed,
    fast_dev_run: true,
    ..TrainerConfig::default()
});

// --- task 5: the trainer's decisions ------------------------------------------------------------

/// The decisions with the parts a mistake can change.
struct Decisions {
    ties_move_the_best: bool,
    loss_higher_is_better: bool,
    min_delta_ignored: bool,
    count_not_reset: bool,
    stops_one_late: bool,
    /// The best accuracy starts at 0, not below every accuracy.
    best_from_zero: bool,
    /// Early stopping's best starts at 0 for accuracy (and +inf for loss): the first epoch
    /// need not improve.
    monitored_from_zero: bool,
    /// An epoch improves when it beats the previous epoch, not the best so far.
    against_previous: bool,
    /// The best so far follows every better value, even by less than min_delta.
    best_follows_small_gains: bool,
    /// A loss equal to the best so far (min_delta 0) counted as an improvement.
    loss_tie_improves: bool,
}

const DECISIONS: Decisions = Decisions {
    ties_move_the_best: false,
    loss_higher_is_better: false,
    min_delta_ignored: false,
    count_not_reset: false,
    stops_one_late: false,
    best_from_zero: false,
    monitored_from_zero: false,
    against_previous: false,
    best_follows_small_gains: false,
    loss_tie_improves: false,
};

impl Decisions {
    fn run(&self, epochs: &[ValidationScores], early: Option<&EarlyStopping>) -> RunDecisions {
        let start = if self.best_from_zero {
            0.0
        } else {
            f64::NEG_INFINITY
        };
        let (mut best, mut best_epoch) = (start, 0);
        let (mut monitored, mut bad) = (None::<f64>, 0);
        if let (true, Some(early)) = (self.monitored_from_zero, early) {
            monitored = Some(match early.monitor {
                Monitor::ValidationAccuracy => 0.0,
                Monitor::ValidationLoss => f64::INFINITY,
            });
        }
        for (index, scores) in epochs.iter().enumerate() {
            let epoch = index + 1;
            let better = if self.ties_move_the_best {
                scores.accuracy >= best
            } else {
                scores.accuracy > best
            };
            if better {
                (best, best_epoch) = (scores.accuracy, epoch);
            }
            let Some(early) = early else { continue };
            let delta = if self.min_delta_ignored {
                0.0
            } else {
                early.min_delta
            };
            let (value, improved) = match early.monitor {
                Monitor::ValidationAccuracy => (
                    scores.accuracy,
                    monitored.is_none_or(|b| scores.accuracy > b + delta),
                ),
                Monitor::ValidationLoss if self.loss_higher_is_better => (
                    scores.loss,
                    monitored.is_none_or(|b| scores.loss > b + delta),
                ),
                Monitor::ValidationLoss if self.loss_tie_improves => (
                    scores.loss,
                    monitored.is_none_or(|b| scores.loss <= b - delta),
                ),
                Monitor::ValidationLoss => (
                    scores.loss,
                    monitored.is_none_or(|b| scores.loss < b - delta),
                ),
            };
            if self.against_previous {
                monitored = Some(value);
            }
            if self.best_follows_small_gains {
                let better = match early.monitor {
                    Monitor::ValidationAccuracy => monitored.is_none_or(|b| value > b),
                    Monitor::ValidationLoss => monitored.is_none_or(|b| value < b),
                };
                if better {
                    monitored = Some(value);
                }
            }
            if improved {
                monitored = Some(value);
                if !self.count_not_reset {
                    bad = 0;
                }
            } else {
                bad += 1;
            }
            let patience = early.patience + usize::from(self.stops_one_late);
            if bad >= patience {
                return RunDecisions {
                    best_epoch,
                    stopped_after: Some(epoch),
                };
            }
        }
        RunDecisions {
            best_epoch,
            stopped_after: None,
        }
    }
}

macro_rules! decisions_mistake {
    ($name:ident, $field:ident) => {
        struct $name;
        impl Answers for $name {
            type Model = BagOfWordsClassifier;
            fn new_model(path: &nn::Path, n_features: usize) -> BagOfWordsClassifier {
                Solution::new_model(path, n_features)
            }
            fn trainer_config(seed: u64) -> TrainerConfig {
                Solution::trainer_config(seed)
            }
            fn run_decisions(
                epochs: &[ValidationScores],
                early: Option<&EarlyStopping>,
            ) -> RunDecisions {
                Decisions {
                    $field: true,
                    ..DECISIONS
                }
                .run(epochs, early)
            }
        }
    };
}

decisions_mistake!(TiesMoveTheBest, ties_move_the_best);
decisions_mistake!(LossHigherIsBetter, loss_higher_is_better);
decisions_mistake!(MinDeltaIgnored, min_delta_ignored);
decisions_mistake!(CountNotReset, count_not_reset);
decisions_mistake!(StopsOneEpochLate, stops_one_late);
decisions_mistake!(BestFromZero, best_from_zero);
decisions_mistake!(MonitoredFromZero, monitored_from_zero);
decisions_mistake!(AgainstThePreviousEpoch, against_previous);
decisions_mistake!(BestFollowsSmallGains, best_follows_small_gains);
decisions_mistake!(LossTieImproves, loss_tie_improves);

fn mistakes() -> Vec<Mistake> {
    vec![
        Mistake {
            task: 1,
            what: "Linear(2, n_features): inputs and outputs swapped",
            tasks: tasks::<InputsAndOutputsSwapped>,
            says: "should hold",
        },
        Mistake {
            task: 1,
            what: "the layer under another name",
            tasks: tasks::<LayerUnderAnotherName>,
            says: "linear.weight",
        },
        Mistake {
            task: 1,
            what: "the layer at the model's own path",
            tasks: tasks::<LayerAtTheRootPath>,
            says: "linear.weight",
        },
        Mistake {
            task: 1,
            what: "no bias",
            tasks: tasks::<NoBias>,
            says: "linear.bias",
        },
        Mistake {
            task: 2,
            what: "softmax in the forward pass (probabilities, not logits)",
            tasks: tasks::<SoftmaxInForward>,
            says: "logits",
        },
        Mistake {
            task: 2,
            what: "a ReLU after the layer",
            tasks: tasks::<ReluAfterTheLayer>,
            says: "logits of 5 rows",
        },
        Mistake {
            task: 2,
            what: "the bias left out of a hand-written product",
            tasks: tasks::<BiasLeftOut>,
            says: "bias",
        },
        Mistake {
            task: 2,
            what: "the forward pass inside no_grad",
            tasks: tasks::<ForwardWithoutGradients>,
            says: "no_grad",
        },
        Mistake {
            task: 3,
            what: "the seed written in instead of the one given",
            tasks: tasks::<SeedWrittenIn>,
            says: "use the seed given",
        },
        Mistake {
            task: 3,
            what: "learning rate 0.5",
            tasks: tasks::<LearningRateTypo>,
            says: "learning rate 0.05",
        },
        Mistake {
            task: 3,
            what: "AdamW for plain SGD",
            tasks: tasks::<AdamWForSgd>,
            says: "plain SGD",
        },
        Mistake {
            task: 3,
            what: "batches of 64",
            tasks: tasks::<BatchesOf64>,
            says: "batch size",
        },
        Mistake {
            task: 3,
            what: "early stopping added",
            tasks: tasks::<EarlyStoppingAdded>,
            says: "early_stopping",
        },
        Mistake {
            task: 3,
            what: "fast_dev_run left on",
            tasks: tasks::<FastDevRunLeftOn>,
            says: "fast_dev_run",
        },
        Mistake {
            task: 5,
            what: "a tie moves the best checkpoint to the later epoch",
            tasks: tasks::<TiesMoveTheBest>,
            says: "epoch 3 ties epoch 2",
        },
        Mistake {
            task: 5,
            what: "a higher loss counted as an improvement",
            tasks: tasks::<LossHigherIsBetter>,
            says: "lower is better",
        },
        Mistake {
            task: 5,
            what: "min_delta ignored",
            tasks: tasks::<MinDeltaIgnored>,
            says: "too small to count",
        },
        Mistake {
            task: 5,
            what: "the count of epochs without improvement never reset",
            tasks: tasks::<CountNotReset>,
            says: "the Trainer decides",
        },
        Mistake {
            task: 5,
            what: "stops one epoch late (count > patience)",
            tasks: tasks::<StopsOneEpochLate>,
            says: "patience 2",
        },
        Mistake {
            task: 5,
            what: "the best accuracy starts at 0 (a run of accuracy 0 has no best epoch)",
            tasks: tasks::<BestFromZero>,
            says: "accuracy 0",
        },
        Mistake {
            task: 5,
            what: "early stopping's best starts at 0 (the first epoch need not improve)",
            tasks: tasks::<MonitoredFromZero>,
            says: "first epoch always improves",
        },
        Mistake {
            task: 5,
            what: "an improvement measured against the previous epoch, not the best so far",
            tasks: tasks::<AgainstThePreviousEpoch>,
            says: "the best so far",
        },
        Mistake {
            task: 5,
            what: "the best so far moved by a gain smaller than min_delta",
            tasks: tasks::<BestFollowsSmallGains>,
            says: "min_delta",
        },
        Mistake {
            task: 5,
            what: "a loss equal to the best so far counted as an improvement",
            tasks: tasks::<LossTieImproves>,
            says: "a tie is no improvement",
        },
    ]
}

#[test]
fn every_mistake_fails_its_own_task_with_words_that_lead_to_it() {
    assert_all_caught("unit3", &mistakes());
}

#[test]
fn the_exercises_page_shows_how_many_mistakes_each_check_catches() {
    // Task 4 trains with tasks 1-3 and has no code of its own to get wrong.
    assert_documented("unit3", &tasks::<Solution>(), &mistakes(), &[3, 3, 3, 0, 3]);
}
