//! The recurrent layer: packing keeps padding out, and the model trains on the sample.

use clap::Parser;
use tch::nn::VarStore;
use tch::{Device, Kind, Tensor};
use unit7_rnn::model::Recurrent;
use unit7_rnn::program::{run, Args};
use unit7_rnn::{CellKind, Solution};

#[test]
fn packed_sequences_ignore_the_padding_in_both_directions() {
    for cell in [CellKind::Lstm, CellKind::Gru, CellKind::Rnn] {
        tch::manual_seed(0);
        let vars = VarStore::new(Device::Cpu);
        let layer = Recurrent::new(&vars.root(), 3, 4, cell, true);
        // Review 0 has 2 real steps, review 1 has 4; review 0's padding holds large values.
        let inputs = Tensor::randn([2, 4, 3], (Kind::Float, Device::Cpu));
        let padded = inputs.copy();
        let _ = padded.narrow(0, 0, 1).narrow(1, 2, 2).fill_(100.0);
        let lengths = Tensor::from_slice(&[2i64, 4]);
        let outputs = layer.packed(&padded, &lengths);
        assert_eq!(outputs.size(), [2, 4, 8]);
        // Review 0 alone, unpadded: the same outputs for its 2 steps, both directions.
        let alone = layer.unpacked(&inputs.narrow(0, 0, 1).narrow(1, 0, 2));
        let diff = (outputs.narrow(0, 0, 1).narrow(1, 0, 2) - &alone)
            .abs()
            .max()
            .double_value(&[]);
        assert!(
            diff < 1e-5,
            "{cell:?}: padding changed the outputs by {diff}"
        );
        // After its end, review 0's outputs are zeros; review 1 (full length) is unchanged.
        let tail = outputs
            .narrow(0, 0, 1)
            .narrow(1, 2, 2)
            .abs()
            .max()
            .double_value(&[]);
        assert_eq!(tail, 0.0, "{cell:?}");
        let full = layer.unpacked(&padded.narrow(0, 1, 1));
        let diff = (outputs.narrow(0, 1, 1) - full)
            .abs()
            .max()
            .double_value(&[]);
        assert!(diff < 1e-5, "{cell:?}: the full review changed by {diff}");
    }
}

#[test]
fn the_lstm_by_hand_gives_the_packed_lstm_outputs() {
    tch::manual_seed(0);
    let vars = VarStore::new(Device::Cpu);
    let layer = Recurrent::new(&vars.root(), 3, 4, CellKind::Lstm, true);
    let inputs = Tensor::randn([3, 5, 3], (Kind::Float, Device::Cpu));
    let lengths = Tensor::from_slice(&[2i64, 5, 1]);
    let packed = layer.packed(&inputs, &lengths);
    let by_hand = layer.by_hand::<Solution>(&inputs, &lengths);
    assert_eq!(by_hand.size(), [3, 5, 8]);
    let diff = (packed - by_hand).abs().max().double_value(&[]);
    assert!(diff < 1e-5, "by hand and packed differ by {diff}");
}

#[test]
fn train_runs_on_the_sample() {
    let runs = tempfile::tempdir().unwrap();
    // The only test in this binary that uses the variable; both tests may run at once, but the
    // other never reads it.
    std::env::set_var("COURSE_RUNS_DIR", runs.path());
    let sample = course_core::workspace_root().join("datasets/imdb-sample");
    let args = Args::parse_from([
        "unit7",
        "train",
        "--epochs",
        "1",
        "--hidden",
        "16",
        "--cell",
        "gru",
        "--data",
        sample.to_str().unwrap(),
        "--run-name",
        "quick",
    ]);
    run::<Solution>(args).unwrap();
    // The course's run (LSTM over every padded position), kept short.
    let faithful = Args::parse_from([
        "unit7",
        "train",
        "--config",
        "faithful",
        "--max-len",
        "32",
        "--epochs",
        "1",
        "--data",
        sample.to_str().unwrap(),
        "--run-name",
        "faithful",
    ]);
    run::<Solution>(faithful).unwrap();
    assert!(runs.path().join("unit7/faithful/submission.csv").exists());
    let folder = runs.path().join("unit7/quick");
    for file in [
        "config.json",
        "metrics.csv",
        "submission.csv",
        "summary.json",
    ] {
        assert!(
            folder.join(file).exists(),
            "no {file} in {}",
            folder.display()
        );
    }
}

#[test]
fn the_lstm_runs_by_hand_on_a_cpu_unless_told_otherwise() {
    use unit7_rnn::model::{by_hand_is_faster, RnnConfig};
    assert!(by_hand_is_faster(Device::Cpu));
    assert!(!by_hand_is_faster(Device::Cuda(0)));
    assert!(!by_hand_is_faster(Device::Mps));

    let mut lstm = RnnConfig::course();
    assert!(lstm.runs_by_hand(Device::Cpu), "the faster one on a CPU");
    assert!(
        !lstm.runs_by_hand(Device::Cuda(0)),
        "libtorch's fused LSTM on a GPU"
    );
    lstm.lstm_by_hand = Some(false);
    assert!(!lstm.runs_by_hand(Device::Cpu), "as asked");
    lstm.lstm_by_hand = Some(true);
    assert!(lstm.runs_by_hand(Device::Cuda(0)), "as asked");

    let gru = RnnConfig {
        cell: CellKind::Gru,
        ..RnnConfig::course()
    };
    assert!(
        !gru.runs_by_hand(Device::Cpu),
        "only the LSTM is written by hand"
    );
}
