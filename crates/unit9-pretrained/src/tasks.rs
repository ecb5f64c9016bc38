//! The checks of unit 9's tasks, run against [`Solution`](crate::Solution) by `cargo test` and
//! against `Exercise` (`src/exercise.rs`) by `course verify unit9`.

use crate::{Answers, Keep, SpecialTokens};
use anyhow::{ensure, Result};
use course_core::exercises::Task;
use tch::nn::{self, VarStore};
use tch::{Device, Kind, Tensor};

const FILE: &str = "crates/unit9-pretrained/src/exercise.rs";

const SPECIAL: SpecialTokens = SpecialTokens {
    start: 101,
    end: 102,
    pad: 0,
};

/// Unit 9's tasks, in the order a learner does them.
pub fn tasks<A: Answers>() -> Vec<Task> {
    vec![
        Task {
            name: "frame a review: [CLS] + the tokens that fit + [SEP]",
            checked_against: "hand-worked frames for Head and HeadAndTail truncation",
            trains: true,
            file: FILE,
            hints: &[
                "A review is framed by a start token before it and an end token after it, in at most max_len ids, so the start and the end take two places. See 'Truncation' in 'The maths in short' of the unit's README. A review that is too long keeps either its beginning, or a quarter of the room from its beginning and the rest from its end, where reviews often give their verdict.",
                "The room for tokens is budget = max_len - 2 (start and end take one each). `special.start` and `special.end` are the two ids. A Vec with `push` and `extend_from_slice` builds the frame from slices of the tokens, and `saturating_sub` keeps the budget from going below 0.",
                "Keep::Head: the first `budget` tokens. Keep::HeadAndTail: the first budget / 4 and the last budget - budget / 4.",
            ],
            check: frame::<A>,
        },
        Task {
            name: "pad a batch and build its attention mask",
            checked_against: "a hand-worked padded batch and mask (values, shape, int64)",
            trains: true,
            file: FILE,
            hints: &[
                "A batch must be a rectangle: each review is padded on the right up to the longest review of the batch. A mask tells real tokens (1) from padding (0), so attention never looks at the padding. See the opening of the unit's README (under 'Unit 9: Pre-trained models') and 'Exercise' there.",
                "longest = the largest review length; build the ids and the mask as flat Vec<i64> of batch * longest, row by row.",
                "`Tensor::from_slice` turns a flat Vec<i64> into a tensor and `view` gives it its shape. `std::iter::repeat_n` repeats the pad id, or the 1s and 0s of the mask, as often as needed.",
                "Tensor::from_slice(&ids).view([batch, longest]), the same for the mask.",
            ],
            check: pad::<A>,
        },
        Task {
            name: "freeze all but the trainable variables",
            checked_against: "the trainable count and which layers get gradients, toy model",
            trains: true,
            file: FILE,
            hints: &[
                "A frozen variable gets no gradient, so the optimiser never changes it. See 'Head only' and 'Fine-tuning' in 'The maths in short' of the unit's README. Go through every variable of the model, ask the given test whether it trains, and count the numbers in those that do.",
                "`vars.variables()` lists every variable with its name. `set_requires_grad` turns its gradient on or off, and `numel` counts a tensor's numbers.",
                "for (name, tensor) in vars.variables(): tensor.set_requires_grad(trainable(&name)) (it returns a tensor you can ignore).",
                "Sum numel() over the variables kept trainable, as i64.",
            ],
            check: freeze::<A>,
        },
        Task {
            name: "which layers train: the encoder's last layers",
            checked_against: "hand-listed layer picks for BERT and DistilBERT names",
            trains: false,
            file: FILE,
            hints: &[
                "A layer's variables are named by the layers' path, then the layer's number, then the rest: in bert.encoder.layer.11.attention.self.query.weight the number is 11. See 'Run it' in the unit's README (the top mode trains the head and the last layers). Read the number right after the path and check that it is among the last top of the layers, numbered 0 to layers - 1. A variable outside the layers has no such number.",
                "`strip_prefix` removes a known start from a str and gives an Option. `split` on '.' cuts at the dots, and `parse` into i64 fails on a piece that is not a number.",
                "Cut the path and its dot off the front: name.strip_prefix(layer_path) and then strip_prefix('.'); a name without them is in no layer.",
                "The layer's number is what comes before the next '.': rest.split('.').next(), parsed with parse::<i64>() (a name like \"...layer_norm\" does not parse).",
                "The last `top` layers are layers - top up to layers - 1.",
            ],
            check: top_layers::<A>,
        },
    ]
}

fn frame<A: Answers>() -> Result<()> {
    let tokens: Vec<u32> = (1000..1020).collect(); // 20 tokens
    let short = A::frame_review(&tokens[..3], 8, Keep::Head, SPECIAL);
    ensure!(
        short == [101, 1000, 1001, 1002, 102],
        "a 3-token review with room to spare (max_len 8) should be [101, 1000, 1001, 1002, 102], got {short:?}"
    );
    let head = A::frame_review(&tokens, 8, Keep::Head, SPECIAL);
    ensure!(
        head == [101, 1000, 1001, 1002, 1003, 1004, 1005, 102],
        "Keep::Head, max_len 8: [CLS], the first 6 tokens, [SEP]; got {head:?}"
    );
    let both = A::frame_review(&tokens, 10, Keep::HeadAndTail, SPECIAL);
    let expected = [101, 1000, 1001, 1014, 1015, 1016, 1017, 1018, 1019, 102];
    ensure!(
        both == expected,
        "Keep::HeadAndTail, max_len 10 (budget 8): the first 8 / 4 = 2 tokens and the last 6; expected {expected:?}, got {both:?}"
    );
    // A budget that 4 does not divide: the head is rounded down, the tail takes the rest.
    let uneven = A::frame_review(&tokens, 12, Keep::HeadAndTail, SPECIAL);
    let expected = [
        101, 1000, 1001, 1012, 1013, 1014, 1015, 1016, 1017, 1018, 1019, 102,
    ];
    ensure!(
        uneven == expected,
        "Keep::HeadAndTail, max_len 12 (budget 10): the first 10 / 4 = 2 tokens (rounded down) \
         and the last 8; expected {expected:?}, got {uneven:?}"
    );
    let exact = A::frame_review(&tokens[..6], 8, Keep::HeadAndTail, SPECIAL);
    ensure!(
        exact.len() == 8 && exact[1..7] == tokens[..6],
        "a review that fits exactly (6 tokens, max_len 8) is kept whole; got {exact:?}"
    );
    Ok(())
}

fn pad<A: Answers>() -> Result<()> {
    let reviews: [&[u32]; 3] = [&[101, 7, 8, 102], &[101, 102], &[101, 5, 102]];
    let (ids, mask) = A::pad_batch(&reviews, 9);
    ensure!(
        ids.size() == [3, 4] && mask.size() == [3, 4],
        "ids and mask should both be [3, 4] (3 reviews, the longest has 4 tokens); got {:?} and {:?}",
        ids.size(),
        mask.size()
    );
    ensure!(
        ids.kind() == Kind::Int64 && mask.kind() == Kind::Int64,
        "ids and mask should be int64 (the model's embedding and mask want them); got {:?} and {:?}",
        ids.kind(),
        mask.kind()
    );
    let ids = Vec::<i64>::try_from(ids.flatten(0, -1))?;
    let mask = Vec::<i64>::try_from(mask.flatten(0, -1))?;
    ensure!(
        ids == [101, 7, 8, 102, 101, 102, 9, 9, 101, 5, 102, 9],
        "ids padded with 9 on the right: expected [[101, 7, 8, 102], [101, 102, 9, 9], [101, 5, 102, 9]], got {ids:?}"
    );
    ensure!(
        mask == [1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 0],
        "mask: 1 on real tokens, 0 on padding; got {mask:?}"
    );
    Ok(())
}

fn freeze<A: Answers>() -> Result<()> {
    let mut vars = VarStore::new(Device::Cpu);
    let encoder = nn::linear(vars.root() / "bert" / "layer", 4, 4, Default::default());
    let head = nn::linear(vars.root() / "classifier", 4, 2, Default::default());
    let kept = A::freeze_except(&mut vars, &|name| name.starts_with("classifier."));
    ensure!(
        kept == 10,
        "the classifier has 4 x 2 weights + 2 biases = 10 trainable numbers; you returned {kept}"
    );
    let x = Tensor::ones([3, 4], (Kind::Float, Device::Cpu));
    let loss = x.apply(&encoder).apply(&head).sum(Kind::Float);
    loss.backward();
    ensure!(
        !encoder.ws.grad().defined(),
        "the frozen encoder still got a gradient: set_requires_grad(false) on it"
    );
    ensure!(
        head.ws.grad().defined(),
        "the head got no gradient: it must stay trainable"
    );
    Ok(())
}

fn top_layers<A: Answers>() -> Result<()> {
    let path = "bert.encoder.layer";
    let name = |layer: i64| format!("{path}.{layer}.attention.self.query.weight");
    // 12 layers: which of them does each `top` train?
    for top in [0, 1, 2, 11, 12] {
        let trained: Vec<i64> = (0..12)
            .filter(|&layer| A::in_top_layers(&name(layer), path, 12, top))
            .collect();
        let expected: Vec<i64> = (12 - top..12).collect();
        ensure!(
            trained == expected,
            "12 layers, top {top}: layers {expected:?} train, you picked {trained:?} (layers are \
             numbered from 0)"
        );
    }
    // 3 layers, top 1: layer 2 only.
    let trained: Vec<i64> = (0..3)
        .filter(|&layer| A::in_top_layers(&name(layer), path, 3, 1))
        .collect();
    ensure!(
        trained == [2],
        "3 layers, top 1: only layer 2 trains, you picked {trained:?}"
    );
    for outside in [
        "bert.embeddings.word_embeddings.weight",
        "bert.pooler.dense.weight",
        "classifier.weight",
        "bert.encoder.layer_norm.weight",
        "roberta.encoder.layer.11.output.dense.weight",
    ] {
        ensure!(
            !A::in_top_layers(outside, path, 12, 12),
            "{outside} is in no layer of {path}, but you said it is"
        );
    }
    // The same rule for DistilBERT's names.
    let distil = "distilbert.transformer.layer";
    ensure!(
        A::in_top_layers(&format!("{distil}.5.ffn.lin1.weight"), distil, 6, 2)
            && !A::in_top_layers(&format!("{distil}.3.ffn.lin1.weight"), distil, 6, 2),
        "DistilBERT, 6 layers, top 2: layer 5 trains and layer 3 does not"
    );
    Ok(())
}
