//! A tiny BERT sentiment model made on the spot, for the tests of the hub and the program.

pub mod hub_server;

use std::collections::HashMap;
use std::path::Path;
use tch::nn::VarStore;
use tch::{Device, Tensor};
use unit9_pretrained::model::{Family, Pooling, PretrainedClassifier};

/// config.json, vocab.txt and model.safetensors of a 2-layer BERT with 16 dimensions and a
/// two-class head, random weights.
pub fn tiny_model_files(dir: &Path) -> HashMap<String, Vec<u8>> {
    let config = serde_json::json!({
        "model_type": "bert",
        "hidden_act": "gelu",
        "attention_probs_dropout_prob": 0.1,
        "hidden_dropout_prob": 0.1,
        "hidden_size": 16,
        "initializer_range": 0.02,
        "intermediate_size": 32,
        "max_position_embeddings": 64,
        "num_attention_heads": 2,
        "num_hidden_layers": 2,
        "type_vocab_size": 2,
        "vocab_size": 16,
        "id2label": {"0": "NEGATIVE", "1": "POSITIVE"},
        "label2id": {"NEGATIVE": 0, "POSITIVE": 1}
    });
    let vocab = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nthe\na\nmovie\nfilm\ngood\nbad\ngreat\nawful\nis\nwas\n.\n";
    tch::manual_seed(0);
    let vars = VarStore::new(Device::Cpu);
    PretrainedClassifier::new(&vars.root(), Family::Bert, &config, Pooling::First).unwrap();
    let named: Vec<(String, Tensor)> = vars.variables().into_iter().collect();
    let weights = dir.join("model.safetensors");
    Tensor::write_safetensors(&named, &weights).unwrap();
    HashMap::from([
        (
            "config.json".to_string(),
            serde_json::to_vec(&config).unwrap(),
        ),
        ("vocab.txt".to_string(), vocab.as_bytes().to_vec()),
        (
            "model.safetensors".to_string(),
            std::fs::read(&weights).unwrap(),
        ),
    ])
}

/// The tiny model written as a model folder in `dir`.
#[allow(dead_code)] // not every test binary uses it
pub fn tiny_model_folder(dir: &Path) {
    for (name, bytes) in tiny_model_files(dir) {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}
