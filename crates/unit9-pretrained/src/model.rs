//! A pre-trained encoder (rust-bert's) with Hugging Face's classification head for its family.
//!
//! The encoder turns `[batch, tokens]` ids into a vector per token. The head reads one vector per
//! review ([`Pooling`]) and gives two scores (negative, positive). The variables carry Hugging
//! Face's names (`bert.encoder.layer.0...`, `classifier.weight`), so a checkpoint that already
//! has a head, such as a sentiment model's, loads into it whole.

use crate::bert::BertEncoder;
use crate::configs::Precision;
use crate::folder::{default_model_dir, load_weights, ModelFolder};
use crate::hub;
use crate::Answers;
use anyhow::{bail, Context, Result};
use course_core::text::masked_mean;
use course_core::training::Model;
use rust_bert::bert::{BertConfig, BertEmbeddings};
use rust_bert::distilbert::{DistilBertConfig, DistilBertModel};
use rust_bert::roberta::RobertaEmbeddings;
use serde_json::Value;
use tch::nn::{self, Module, VarStore};
use tch::{Device, Tensor};

/// The model families unit 9 reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Family {
    Bert,
    DistilBert,
    Roberta,
}

impl Family {
    /// The family named by `model_type` in `config.json`.
    pub fn from_config(config: &Value) -> Result<Family> {
        let model_type = config
            .get("model_type")
            .and_then(Value::as_str)
            .context("config.json has no model_type")?;
        Ok(match model_type {
            "bert" => Family::Bert,
            "distilbert" => Family::DistilBert,
            "roberta" => Family::Roberta,
            other => bail!(
                "model_type {other:?} is not one unit 9 reads: use a bert, distilbert or roberta model"
            ),
        })
    }

    /// Where the encoder's variables live (Hugging Face's names).
    pub fn prefix(self) -> &'static str {
        match self {
            Family::Bert => "bert",
            Family::DistilBert => "distilbert",
            Family::Roberta => "roberta",
        }
    }

    pub fn vocabulary_files(self) -> &'static [&'static str] {
        match self {
            Family::Bert | Family::DistilBert => &["vocab.txt"],
            Family::Roberta => &["vocab.json", "merges.txt"],
        }
    }

    /// The name of the variables of encoder layer `i` start with this.
    /// The start of the encoder layers' variable names: layer i's are `<path>.<i>.<rest>`.
    pub fn layer_path(self) -> String {
        match self {
            Family::Bert | Family::Roberta => format!("{}.encoder.layer", self.prefix()),
            Family::DistilBert => "distilbert.transformer.layer".to_string(),
        }
    }

    pub fn layer_prefix(self, i: i64) -> String {
        format!("{}.{i}.", self.layer_path())
    }
}

/// Fields rust-bert's DistilBERT config requires that `transformers` may leave out (a DistilBERT
/// saved by a recent `transformers` has no `tie_weights_`). The values are `transformers`' own defaults.
fn distilbert_defaults() -> [(&'static str, Value); 4] {
    [
        ("tie_weights_", Value::Bool(true)),
        ("sinusoidal_pos_embds", Value::Bool(false)),
        ("qa_dropout", serde_json::json!(0.1)),
        ("seq_classif_dropout", serde_json::json!(0.2)),
    ]
}

/// `config` with each of `defaults` added where `config` lacks it.
fn with_defaults(config: &Value, defaults: &[(&str, Value)]) -> Value {
    let mut config = config.clone();
    if let Value::Object(fields) = &mut config {
        for (name, value) in defaults {
            fields.entry(*name).or_insert_with(|| value.clone());
        }
    }
    config
}

/// What the head reads of the encoder's output.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize, serde::Deserialize,
)]
pub enum Pooling {
    /// The family's own: the first token's vector (`[CLS]`, `<s>`), for BERT through its pooler
    /// (dense + tanh), as Hugging Face's sequence classifiers do.
    First,
    /// The mean of the vectors of the real tokens: what sentence-transformers models such as
    /// all-MiniLM-L6-v2 were trained to make meaningful.
    Mean,
}

enum Encoder {
    Bert(BertEncoder<BertEmbeddings>),
    DistilBert(DistilBertModel),
    Roberta(BertEncoder<RobertaEmbeddings>),
}

/// Hugging Face's classification heads, one per family.
enum Head {
    /// Dropout, then `classifier`.
    Bert { classifier: nn::Linear },
    /// `pre_classifier` + ReLU, dropout, `classifier`.
    DistilBert {
        pre_classifier: nn::Linear,
        classifier: nn::Linear,
    },
    /// Dropout, `classifier.dense` + tanh, dropout, `classifier.out_proj`.
    Roberta {
        dense: nn::Linear,
        out_proj: nn::Linear,
    },
}

/// A tokenized batch: ids and attention mask, both `[batch, tokens]` int64.
#[derive(Debug)]
pub struct TokenBatch {
    pub ids: Tensor,
    pub mask: Tensor,
}

/// The encoder, its head, and how the head reads the encoder.
pub struct PretrainedClassifier {
    pub family: Family,
    pub pooling: Pooling,
    pub layers: i64,
    pub hidden: i64,
    encoder: Encoder,
    head: Head,
    dropout: f64,
}

impl PretrainedClassifier {
    /// The model of `config` (a `config.json`) with a two-class head, its variables under
    /// `path` named as Hugging Face names them.
    pub fn new(path: &nn::Path, family: Family, config: &Value, pooling: Pooling) -> Result<Self> {
        let linear = |name: &str, i: i64, o: i64| nn::linear(path / name, i, o, Default::default());
        let (encoder, head, hidden, layers, dropout) = match family {
            Family::Bert | Family::Roberta => {
                // rust-bert's config type has no field for it; Hugging Face's has.
                let layer_norm_eps = config["layer_norm_eps"].as_f64().unwrap_or(1e-12);
                let config: BertConfig = serde_json::from_value(config.clone())
                    .context("config.json does not describe a BERT model")?;
                let hidden = config.hidden_size;
                let (encoder, head) = if family == Family::Bert {
                    (
                        Encoder::Bert(BertEncoder::new(
                            &(path / "bert"),
                            &config,
                            layer_norm_eps,
                            true,
                        )),
                        Head::Bert {
                            classifier: linear("classifier", hidden, 2),
                        },
                    )
                } else {
                    let head = path / "classifier";
                    (
                        Encoder::Roberta(BertEncoder::new(
                            &(path / "roberta"),
                            &config,
                            layer_norm_eps,
                            false,
                        )),
                        Head::Roberta {
                            dense: nn::linear(&head / "dense", hidden, hidden, Default::default()),
                            out_proj: nn::linear(&head / "out_proj", hidden, 2, Default::default()),
                        },
                    )
                };
                let layers = config.num_hidden_layers;
                (encoder, head, hidden, layers, config.hidden_dropout_prob)
            }
            Family::DistilBert => {
                let config: DistilBertConfig =
                    serde_json::from_value(with_defaults(config, &distilbert_defaults()))
                        .context("config.json does not describe a DistilBERT model")?;
                let hidden = config.dim;
                (
                    // DistilBertModel adds the `distilbert` level itself.
                    Encoder::DistilBert(DistilBertModel::new(path, &config)),
                    Head::DistilBert {
                        pre_classifier: linear("pre_classifier", hidden, hidden),
                        classifier: linear("classifier", hidden, 2),
                    },
                    hidden,
                    config.n_layers,
                    config.seq_classif_dropout,
                )
            }
        };
        Ok(PretrainedClassifier {
            family,
            pooling,
            layers,
            hidden,
            encoder,
            head,
            dropout,
        })
    }

    /// Whether a variable belongs to the head. BERT's pooler counts as head when the head reads
    /// it (`--pooling first`): it only serves the head.
    pub fn is_head(&self, name: &str) -> bool {
        let pooler_used = self.pooling == Pooling::First && name.contains(".pooler.");
        !name.starts_with(&format!("{}.", self.family.prefix())) || pooler_used
    }

    /// Whether a variable belongs to the head or to one of the last `k` encoder layers (the
    /// learner's task 4 decides the layers).
    pub fn is_head_or_top_layer<A: Answers>(&self, name: &str, k: i64) -> bool {
        self.is_head(name) || A::in_top_layers(name, &self.family.layer_path(), self.layers, k)
    }

    /// Whether the encoder's layers are the course's own, which [`Self::switch_to_int8`]
    /// can switch (BERT, RoBERTa); DistilBERT's are rust-bert's.
    pub fn has_int8_layers(&self) -> bool {
        !matches!(self.encoder, Encoder::DistilBert(_))
    }

    /// The precision this model will predict with on `device`: `asked`, unless 8-bit weights
    /// do not run there or in this libtorch ([`crate::int8::precision_here`]); then float32,
    /// and a line says why. Asked before training, so that the line comes before the wait.
    pub fn prediction_precision(&self, asked: Precision, device: Device) -> Precision {
        let fbgemm = match (asked, device) {
            (Precision::Int8, Device::Cpu) => crate::int8::fbgemm_answers(),
            _ => Ok(()),
        };
        let (precision, why_not) =
            crate::int8::precision_here(asked, device, &fbgemm, self.has_int8_layers());
        if let Some(why_not) = why_not {
            println!("{why_not}");
        }
        precision
    }

    /// Switches the model to `precision` for prediction (8-bit weights, or as it is).
    pub fn switch_to(&mut self, precision: Precision) {
        if precision == Precision::Int8 {
            self.switch_to_int8();
            // libtorch prints two warnings on first use: the kernels are deprecated, not gone.
            println!(
                "Predicting with 8-bit weights (libtorch's fbgemm kernels, which torch 2.4 calls \
                 deprecated)"
            );
        }
    }

    /// Switches the encoder's linear layers to 8-bit weights for prediction ([`crate::int8`],
    /// where [`crate::int8::precision_here`] says they run); DistilBERT's stay as they are.
    pub fn switch_to_int8(&mut self) {
        match &mut self.encoder {
            Encoder::Bert(encoder) => encoder.switch_to_int8(),
            Encoder::Roberta(encoder) => encoder.switch_to_int8(),
            Encoder::DistilBert(_) => {}
        }
    }

    /// One vector per review: what the head reads (`[batch, hidden]`).
    pub fn review_vectors(&self, batch: &TokenBatch, train: bool) -> Tensor {
        let (tokens, pooled) = match &self.encoder {
            Encoder::Bert(m) => {
                let out = m.forward_t(&batch.ids, &batch.mask, train);
                (out.tokens, out.pooled)
            }
            Encoder::Roberta(m) => {
                let out = m.forward_t(&batch.ids, &batch.mask, train);
                (out.tokens, out.pooled)
            }
            Encoder::DistilBert(m) => {
                let (ids, mask) = (Some(&batch.ids), Some(&batch.mask));
                let out = m.forward_t(ids, mask, None, train).expect("ids are given");
                (out.hidden_state, None)
            }
        };
        match self.pooling {
            Pooling::First => pooled.unwrap_or_else(|| tokens.select(1, 0)),
            Pooling::Mean => masked_mean(&tokens, &batch.mask),
        }
    }

    /// The head: two scores per review from its vector.
    pub fn head(&self, vectors: &Tensor, train: bool) -> Tensor {
        let dropout = |x: Tensor| x.dropout(self.dropout, train);
        match &self.head {
            Head::Bert { classifier } => dropout(vectors.shallow_clone()).apply(classifier),
            Head::DistilBert {
                pre_classifier,
                classifier,
            } => dropout(pre_classifier.forward(vectors).relu()).apply(classifier),
            Head::Roberta { dense, out_proj } => {
                dropout(dropout(vectors.shallow_clone()).apply(dense).tanh()).apply(out_proj)
            }
        }
    }
}

impl Model for PretrainedClassifier {
    type Input = TokenBatch;

    fn forward(&self, input: &TokenBatch, train: bool) -> Tensor {
        self.head(&self.review_vectors(input, train), train)
    }
}

/// The head alone, over review vectors computed once by the frozen encoder.
pub struct HeadOnly<'a>(pub &'a PretrainedClassifier);

impl Model for HeadOnly<'_> {
    type Input = Tensor;

    fn forward(&self, vectors: &Tensor, train: bool) -> Tensor {
        self.0.head(vectors, train)
    }
}

/// A pre-trained model ready to use: its folder, the classifier with the folder's weights, and
/// whether its classification head is new (untrained).
pub struct LoadedModel {
    pub folder: ModelFolder,
    pub model: PretrainedClassifier,
    pub head_is_new: bool,
}

impl LoadedModel {
    /// The model `source` names (a folder, or a Hugging Face id[@revision], downloaded first
    /// when needed; `None`: the course's default folder), with its weights loaded into `vars`.
    /// Says what was loaded and what starts untrained.
    pub fn load(source: Option<&str>, pooling: Pooling, vars: &mut VarStore) -> Result<Self> {
        let folder = match source {
            Some(model) => hub::resolve(model, &hub::endpoint(), &hub::cache_dir())?,
            None => ModelFolder::open(&default_model_dir())?,
        };
        let model =
            PretrainedClassifier::new(&vars.root(), folder.family, &folder.config, pooling)?;
        let report = load_weights(vars, &folder.weights, folder.family.prefix())?;
        let encoder_missing: Vec<&String> = report
            .missing
            .iter()
            .filter(|n| !model.is_head(n))
            .collect();
        if !encoder_missing.is_empty() {
            bail!(
                "{} lacks {} of the encoder's weights (first: {}): is it a {:?} model?",
                folder.weights.display(),
                encoder_missing.len(),
                encoder_missing[0],
                folder.family
            );
        }
        let head_is_new = report
            .missing
            .iter()
            .any(|n| model.is_head(n) && !n.contains(".pooler."));
        println!(
            "Model: {:?} from {} ({} tensors loaded, {} of the file unused){}",
            folder.family,
            folder.path.display(),
            report.loaded,
            report.unused.len(),
            if head_is_new {
                "; its classification head is new, initialised at random: train it"
            } else {
                "; classification head included"
            }
        );
        Ok(LoadedModel {
            folder,
            model,
            head_is_new,
        })
    }
}
