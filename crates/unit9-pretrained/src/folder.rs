//! A pre-trained model in a folder, laid out as the Hugging Face hub keeps it: `config.json`
//! (which family, its sizes, its labels), the tokenizer's vocabulary (`vocab.txt` for BERT and
//! DistilBERT, `vocab.json` + `merges.txt` for RoBERTa) and the weights (`model.safetensors`,
//! or rust-bert's `rust_model.ot`).

use crate::model::Family;
use crate::SpecialTokens;
use anyhow::{bail, ensure, Context, Result};
use rayon::prelude::*;
use rust_tokenizers::tokenizer::{BertTokenizer, RobertaTokenizer, Tokenizer};
use rust_tokenizers::vocab::Vocab;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use tch::nn::VarStore;
use tch::Tensor;

/// Where `make models` puts the unit's default model, all-MiniLM-L6-v2.
pub fn default_model_dir() -> PathBuf {
    course_core::workspace_root().join("models/all-minilm-l6-v2")
}

/// The weight files a folder may hold, in order of preference.
pub const WEIGHT_FILES: [&str; 2] = ["model.safetensors", "rust_model.ot"];

/// A model folder, checked: its family is known and its files are there.
#[derive(Debug, Clone)]
pub struct ModelFolder {
    pub path: PathBuf,
    pub family: Family,
    /// `config.json` as read.
    pub config: Value,
    pub weights: PathBuf,
}

impl ModelFolder {
    pub fn open(path: &Path) -> Result<ModelFolder> {
        ensure!(
            path.is_dir(),
            "no model folder at {}: run `make models` for the default (all-MiniLM-L6-v2), give \
             another folder, or a Hugging Face id such as distilbert-base-uncased",
            path.display()
        );
        let config_path = path.join("config.json");
        let text = std::fs::read_to_string(&config_path).with_context(|| {
            format!(
                "{} has no readable config.json: is it a Hugging Face model folder?",
                path.display()
            )
        })?;
        let config: Value = serde_json::from_str(&text)
            .with_context(|| format!("{} is not valid JSON", config_path.display()))?;
        let family = Family::from_config(&config)
            .with_context(|| format!("in {}", config_path.display()))?;
        for file in family.vocabulary_files() {
            ensure!(
                path.join(file).is_file(),
                "{} is a {family:?} model but has no {file} (its tokenizer's vocabulary)",
                path.display()
            );
        }
        let weights = WEIGHT_FILES
            .iter()
            .map(|file| path.join(file))
            .find(|p| p.is_file())
            .with_context(|| {
                format!(
                    "{} has no weights: expected {} (a pytorch_model.bin must be converted to \
                     safetensors first)",
                    path.display(),
                    WEIGHT_FILES.join(" or ")
                )
            })?;
        Ok(ModelFolder {
            path: path.to_path_buf(),
            family,
            config,
            weights,
        })
    }

    /// The class names of a head the model already has (`id2label`), in class order.
    pub fn labels(&self) -> Option<Vec<String>> {
        let map = self.config.get("id2label")?.as_object()?;
        let mut labels: Vec<(i64, String)> = map
            .iter()
            .filter_map(|(k, v)| Some((k.parse().ok()?, v.as_str()?.to_string())))
            .collect();
        labels.sort();
        Some(labels.into_iter().map(|(_, name)| name).collect())
    }

    /// Reads the family's tokenizer from the folder.
    pub fn tokenizer(&self) -> Result<ReviewTokenizer> {
        let lower_case = self.lower_case();
        let inner = match self.family {
            Family::Bert | Family::DistilBert => {
                let vocab = self.path.join("vocab.txt");
                Inner::Bert(Box::new(
                    BertTokenizer::from_file(&vocab, lower_case, lower_case)
                        .with_context(|| format!("cannot read {}", vocab.display()))?,
                ))
            }
            Family::Roberta => Inner::Roberta(Box::new(
                RobertaTokenizer::from_file(
                    self.path.join("vocab.json"),
                    self.path.join("merges.txt"),
                    lower_case,
                    false,
                )
                .with_context(|| {
                    format!(
                        "cannot read {}'s vocab.json and merges.txt",
                        self.path.display()
                    )
                })?,
            )),
        };
        let special = inner.special_tokens()?;
        Ok(ReviewTokenizer { inner, special })
    }

    /// Whether the tokenizer lower-cases (tokenizer_config.json; else: uncased BERTs do).
    fn lower_case(&self) -> bool {
        let configured = std::fs::read_to_string(self.path.join("tokenizer_config.json"))
            .ok()
            .and_then(|text| serde_json::from_str::<Value>(&text).ok())
            .and_then(|c| c.get("do_lower_case").and_then(Value::as_bool));
        configured.unwrap_or(self.family != Family::Roberta)
    }
}

enum Inner {
    Bert(Box<BertTokenizer>),
    Roberta(Box<RobertaTokenizer>),
}

impl Inner {
    fn tokens(&self, text: &str) -> Vec<u32> {
        fn ids<V: Vocab, T: Tokenizer<V>>(tokenizer: &T, text: &str) -> Vec<u32> {
            let tokens = tokenizer.tokenize(text);
            tokenizer
                .convert_tokens_to_ids(&tokens)
                .into_iter()
                .map(|id| id as u32)
                .collect()
        }
        match self {
            Inner::Bert(t) => ids(t.as_ref(), text),
            Inner::Roberta(t) => ids(t.as_ref(), text),
        }
    }

    fn special_tokens(&self) -> Result<SpecialTokens> {
        let (names, specials) = match self {
            Inner::Bert(t) => (["[CLS]", "[SEP]", "[PAD]"], t.vocab().special_values()),
            Inner::Roberta(t) => (["<s>", "</s>", "<pad>"], t.vocab().special_values()),
        };
        let id = |name: &str| -> Result<u32> {
            specials
                .get(name)
                .map(|&id| id as u32)
                .with_context(|| format!("the vocabulary has no {name} token"))
        };
        Ok(SpecialTokens {
            start: id(names[0])?,
            end: id(names[1])?,
            pad: id(names[2])?,
        })
    }
}

/// A pre-trained model's tokenizer, for reviews.
pub struct ReviewTokenizer {
    inner: Inner,
    pub special: SpecialTokens,
}

impl ReviewTokenizer {
    /// A review's sub-word token ids, without the special tokens; the `<br />` line breaks the
    /// reviews carry become spaces first.
    pub fn tokens(&self, review: &str) -> Vec<u32> {
        self.inner.tokens(&review.replace("<br />", " "))
    }

    /// [`ReviewTokenizer::tokens`] of many reviews, on all cores.
    pub fn tokens_of_all(&self, reviews: &[&str]) -> Vec<Vec<u32>> {
        reviews.par_iter().map(|r| self.tokens(r)).collect()
    }
}

/// What loading weights by name found.
#[derive(Debug, Default)]
pub struct LoadReport {
    pub loaded: usize,
    /// Variables of the model the file does not have (kept as initialised).
    pub missing: Vec<String>,
    /// Tensors of the file no variable took (e.g. a masked-language-model head).
    pub unused: Vec<String>,
}

/// The names a variable may have in a checkpoint: its own; without the family's prefix
/// (`bert.`: files of a bare `BertModel`, such as all-MiniLM-L6-v2's); with the family's prefix
/// (files of a classifier, read by a bare model); and LayerNorm's older `gamma`/`beta`.
pub fn names_in_file(name: &str, prefix: &str) -> Vec<String> {
    let mut names = vec![name.to_string()];
    match name.strip_prefix(&format!("{prefix}.")) {
        Some(bare) => names.push(bare.to_string()),
        None => names.push(format!("{prefix}.{name}")),
    }
    if name.contains("LayerNorm") || name.contains("layer_norm") {
        let legacy: Vec<String> = names
            .iter()
            .filter_map(|n| {
                n.strip_suffix(".weight")
                    .map(|s| format!("{s}.gamma"))
                    .or_else(|| n.strip_suffix(".bias").map(|s| format!("{s}.beta")))
            })
            .collect();
        names.extend(legacy);
    }
    names
}

/// Copies the tensors of `file` (`.safetensors` or `.ot`) into the variables of `vars` by name
/// ([`names_in_file`]); shapes must agree. Variables the file lacks keep their initial values.
pub fn load_weights(vars: &mut VarStore, file: &Path, prefix: &str) -> Result<LoadReport> {
    let tensors = read_tensors(file)?;
    let by_name: HashMap<&str, &Tensor> = tensors.iter().map(|(n, t)| (n.as_str(), t)).collect();
    let mut used = HashSet::new();
    let mut report = LoadReport::default();
    let _no_grad = tch::no_grad_guard();
    let mut variables: Vec<(String, Tensor)> = vars.variables().into_iter().collect();
    variables.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, mut variable) in variables {
        let found = names_in_file(&name, prefix)
            .into_iter()
            .find(|n| by_name.contains_key(n.as_str()));
        let Some(file_name) = found else {
            report.missing.push(name);
            continue;
        };
        let source = by_name[file_name.as_str()];
        if source.size() != variable.size() {
            bail!(
                "{}: {file_name} has shape {:?}, the model's {name} {:?}: does config.json belong \
                 to these weights?",
                file.display(),
                source.size(),
                variable.size()
            );
        }
        variable.copy_(source);
        used.insert(file_name);
        report.loaded += 1;
    }
    report.unused = tensors
        .iter()
        .map(|(n, _)| n.clone())
        .filter(|n| !used.contains(n))
        .collect();
    report.unused.sort();
    Ok(report)
}

fn read_tensors(file: &Path) -> Result<Vec<(String, Tensor)>> {
    let is_safetensors = file.extension().is_some_and(|e| e == "safetensors");
    let read = if is_safetensors {
        Tensor::read_safetensors(file)
    } else {
        Tensor::load_multi(file)
    };
    read.with_context(|| format!("cannot read the weights {}", file.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_variable_is_looked_for_under_its_name_without_and_with_the_prefix_and_as_gamma() {
        assert_eq!(
            names_in_file("bert.encoder.layer.0.output.dense.weight", "bert"),
            [
                "bert.encoder.layer.0.output.dense.weight",
                "encoder.layer.0.output.dense.weight"
            ]
        );
        assert_eq!(
            names_in_file("bert.embeddings.LayerNorm.bias", "bert"),
            [
                "bert.embeddings.LayerNorm.bias",
                "embeddings.LayerNorm.bias",
                "bert.embeddings.LayerNorm.beta",
                "embeddings.LayerNorm.beta"
            ]
        );
        assert_eq!(
            names_in_file("classifier.weight", "bert"),
            ["classifier.weight", "bert.classifier.weight"]
        );
    }
}
