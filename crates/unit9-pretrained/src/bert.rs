//! BERT's encoder (RoBERTa's too: they differ only in their embeddings), written out so that
//! attention runs through libtorch's fused `scaled_dot_product_attention`.
//!
//! rust-bert's `BertModel` computes attention as the textbook writes it, `softmax(Q Kᵀ / √d) V`,
//! and so writes every score down: `[batch, heads, tokens, tokens]`, 400 MB per layer for 32
//! reviews of 512 tokens. The fused kernel walks the same sum block by block and never stores
//! the whole matrix; the result is the same up to rounding. Unit 8 writes attention out in full,
//! for learning; this is the version to run. The variables carry Hugging Face's names, so the
//! same weights load, and the embeddings are rust-bert's own.

use crate::int8::Int8Linear;
use rust_bert::bert::{BertConfig, BertEmbedding};
use rust_bert::Activation;
use tch::nn::{self, Module};
use tch::{Kind, Tensor};

/// The encoder: embeddings, then `num_hidden_layers` layers, and (BERT) the pooler.
pub struct BertEncoder<E: BertEmbedding> {
    embeddings: E,
    layers: Vec<EncoderLayer>,
    /// `pooler.dense`: turns the first token's vector into BERT's sentence vector (+ tanh).
    pooler: Option<nn::Linear>,
}

/// What the encoder hands back.
pub struct EncoderOutput {
    /// A vector per token: `[batch, tokens, hidden]`.
    pub tokens: Tensor,
    /// The pooler's output, `[batch, hidden]`, when the model has a pooler.
    pub pooled: Option<Tensor>,
}

/// One layer: self-attention, then the feed-forward network, each followed by dropout, the
/// residual connection and layer norm (post-norm, as in the original Transformer).
struct EncoderLayer {
    heads: i64,
    query: Dense,
    key: Dense,
    value: Dense,
    attention_out: Dense,
    attention_norm: nn::LayerNorm,
    intermediate: Dense,
    /// The config's activation (`hidden_act`, GELU for BERT), looked up once ([`activation_of`]).
    activation: fn(&Tensor) -> Tensor,
    output: Dense,
    output_norm: nn::LayerNorm,
    attention_dropout: f64,
    hidden_dropout: f64,
}

impl<E: BertEmbedding> BertEncoder<E> {
    /// The encoder under `path` (`bert` or `roberta`), with Hugging Face's variable names.
    /// `layer_norm_eps` is the config's (BERT 1e-12, RoBERTa 1e-5).
    pub fn new(path: &nn::Path, config: &BertConfig, layer_norm_eps: f64, pooler: bool) -> Self {
        let layers = (0..config.num_hidden_layers)
            .map(|i| EncoderLayer::new(&(path / "encoder" / "layer" / i), config, layer_norm_eps))
            .collect();
        let hidden = config.hidden_size;
        BertEncoder {
            embeddings: E::new(path / "embeddings", config),
            layers,
            pooler: pooler.then(|| {
                nn::linear(
                    path / "pooler" / "dense",
                    hidden,
                    hidden,
                    Default::default(),
                )
            }),
        }
    }

    /// `ids` and `mask` are `[batch, tokens]` int64; the mask is 1 on a real token, 0 on padding.
    pub fn forward_t(&self, ids: &Tensor, mask: &Tensor, train: bool) -> EncoderOutput {
        let mut hidden = self
            .embeddings
            .forward_t(Some(ids), None, None, None, train)
            .expect("token ids are given");
        let padding = padding_bias(mask, hidden.kind());
        for layer in &self.layers {
            hidden = layer.forward_t(&hidden, &padding, train);
        }
        let pooled = self
            .pooler
            .as_ref()
            .map(|dense| hidden.select(1, 0).apply(dense).tanh());
        EncoderOutput {
            tokens: hidden,
            pooled,
        }
    }

    /// Switches every layer's linear maps to 8-bit weights ([`Int8Linear`]), made from the
    /// weights they hold now: faster prediction on a CPU, and no more training. The
    /// embeddings, layer norms and pooler stay float32.
    pub fn switch_to_int8(&mut self) {
        for layer in &mut self.layers {
            for dense in [
                &mut layer.query,
                &mut layer.key,
                &mut layer.value,
                &mut layer.attention_out,
                &mut layer.intermediate,
                &mut layer.output,
            ] {
                dense.switch_to_int8();
            }
        }
    }
}

/// One of a layer's linear maps: float32 while training, 8-bit weights for prediction.
#[derive(Debug)]
enum Dense {
    Float(nn::Linear),
    Int8(Int8Linear),
}

impl Dense {
    fn switch_to_int8(&mut self) {
        if let Dense::Float(linear) = self {
            *self = Dense::Int8(Int8Linear::from_linear(linear));
        }
    }
}

impl Module for Dense {
    fn forward(&self, x: &Tensor) -> Tensor {
        match self {
            Dense::Float(linear) => linear.forward(x),
            Dense::Int8(linear) => linear.forward(x),
        }
    }
}

/// The key-padding mask as a bias added to the attention scores: 0 where a token may be
/// attended to, the lowest float where it is padding (its weight becomes 0 after the softmax).
/// Shaped `[batch, 1, 1, tokens]` to broadcast over heads and queries. A bias rather than a
/// boolean mask: it is the form libtorch's CPU kernel runs fastest (measured, PyTorch 2.4).
fn padding_bias(mask: &Tensor, kind: Kind) -> Tensor {
    let padding = mask.eq(0).unsqueeze(1).unsqueeze(1);
    Tensor::zeros(padding.size(), (kind, mask.device())).masked_fill(&padding, f32::MIN as f64)
}

/// `x + layer_output`, written into `layer_output` (a layer's fresh output, which nothing
/// else reads) when the two have one kind: one pass over memory less. Under bfloat16 autocast
/// the layer's output is bfloat16 and the residual stream float32, so the sum is a new float32
/// tensor, as without this shortcut.
fn residual(x: &Tensor, mut layer_output: Tensor) -> Tensor {
    if layer_output.kind() == x.kind() && layer_output.size() == x.size() {
        layer_output += x;
        layer_output
    } else {
        x + layer_output
    }
}

/// The config's activation as one libtorch kernel where there is one. rust-bert writes GELU out
/// as its formula, `x · ½ · (1 + erf(x / √2))`: five passes over the layer's widest tensor
/// (`[batch, tokens, 1536]` for MiniLM), each written to memory and, while training, kept for the
/// backward pass. libtorch's `gelu` is the same function in one pass (and `gelu_new` is its
/// `tanh` approximation). The same numbers up to rounding, in less time: docs/benchmarks.md,
/// "The whole leaderboard in an hour", has the figures.
fn activation_of(name: Activation) -> fn(&Tensor) -> Tensor {
    match name {
        Activation::gelu => |x| x.gelu("none"),
        Activation::gelu_new => |x| x.gelu("tanh"),
        other => *other.get_function().get_fn(),
    }
}

impl EncoderLayer {
    fn new(path: &nn::Path, config: &BertConfig, layer_norm_eps: f64) -> Self {
        let (hidden, inner) = (config.hidden_size, config.intermediate_size);
        assert_eq!(
            hidden % config.num_attention_heads,
            0,
            "hidden_size must be a multiple of num_attention_heads"
        );
        let linear = |p: nn::Path, i, o| Dense::Float(nn::linear(p, i, o, Default::default()));
        let norm = |p: nn::Path| {
            let config = nn::LayerNormConfig {
                eps: layer_norm_eps,
                ..Default::default()
            };
            nn::layer_norm(p, vec![hidden], config)
        };
        let attention = path / "attention";
        EncoderLayer {
            heads: config.num_attention_heads,
            query: linear(&attention / "self" / "query", hidden, hidden),
            key: linear(&attention / "self" / "key", hidden, hidden),
            value: linear(&attention / "self" / "value", hidden, hidden),
            attention_out: linear(&attention / "output" / "dense", hidden, hidden),
            attention_norm: norm(&attention / "output" / "LayerNorm"),
            intermediate: linear(path / "intermediate" / "dense", hidden, inner),
            activation: activation_of(config.hidden_act),
            output: linear(path / "output" / "dense", inner, hidden),
            output_norm: norm(path / "output" / "LayerNorm"),
            attention_dropout: config.attention_probs_dropout_prob,
            hidden_dropout: config.hidden_dropout_prob,
        }
    }

    fn forward_t(&self, x: &Tensor, padding: &Tensor, train: bool) -> Tensor {
        let attended = self
            .self_attention(x, padding, train)
            .apply(&self.attention_out)
            .dropout(self.hidden_dropout, train);
        let x = residual(x, attended).apply(&self.attention_norm);
        let inner = (self.activation)(&x.apply(&self.intermediate));
        let out = inner
            .apply(&self.output)
            .dropout(self.hidden_dropout, train);
        residual(&x, out).apply(&self.output_norm)
    }

    /// `softmax(Q Kᵀ / √d + padding) V` per head, the heads side by side again: `[batch,
    /// tokens, hidden]`. The kernel scales by 1/√d itself, and drops attention weights out
    /// while training.
    fn self_attention(&self, x: &Tensor, padding: &Tensor, train: bool) -> Tensor {
        let (batch, tokens, hidden) = x.size3().expect("[batch, tokens, hidden]");
        let per_head = |linear: &Dense| {
            linear
                .forward(x)
                .view([batch, tokens, self.heads, hidden / self.heads])
                .transpose(1, 2)
        };
        let dropout = if train { self.attention_dropout } else { 0.0 };
        Tensor::scaled_dot_product_attention(
            &per_head(&self.query),
            &per_head(&self.key),
            &per_head(&self.value),
            Some(padding),
            dropout,
            false,
            None,
        )
        .transpose(1, 2)
        .reshape([batch, tokens, hidden])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_bert::bert::{BertEmbeddings, BertModel};
    use tch::{nn::VarStore, Device};

    fn small_config() -> BertConfig {
        serde_json::from_value(serde_json::json!({
            "hidden_act": "gelu", "attention_probs_dropout_prob": 0.1,
            "hidden_dropout_prob": 0.1, "hidden_size": 32, "initializer_range": 0.02,
            "intermediate_size": 64, "max_position_embeddings": 64, "num_attention_heads": 4,
            "num_hidden_layers": 2, "type_vocab_size": 2, "vocab_size": 50
        }))
        .unwrap()
    }

    #[test]
    fn matches_rust_berts_encoder_with_the_same_weights() {
        let _rng = course_core::device::exclusive_torch_rng();
        tch::manual_seed(5);
        let config = small_config();
        let theirs_vars = VarStore::new(Device::Cpu);
        let theirs: BertModel<BertEmbeddings> =
            BertModel::new(theirs_vars.root() / "bert", &config);
        let mut ours_vars = VarStore::new(Device::Cpu);
        let ours: BertEncoder<BertEmbeddings> =
            BertEncoder::new(&(ours_vars.root() / "bert"), &config, 1e-12, true);
        // Same names on both sides, so every weight copies over (copy fails on a missing one).
        ours_vars.copy(&theirs_vars).unwrap();
        assert_eq!(ours_vars.len(), theirs_vars.len());

        let ids = Tensor::randint(50, [3, 9], (Kind::Int64, Device::Cpu));
        // Three reviews of 9, 5 and 1 tokens.
        let lengths = Tensor::from_slice(&[9i64, 5, 1]).unsqueeze(1);
        let mask = Tensor::arange(9, (Kind::Int64, Device::Cpu))
            .unsqueeze(0)
            .lt_tensor(&lengths)
            .to_kind(Kind::Int64);
        let expected = tch::no_grad(|| {
            theirs
                .forward_t(Some(&ids), Some(&mask), None, None, None, None, None, false)
                .unwrap()
        });
        let got = tch::no_grad(|| ours.forward_t(&ids, &mask, false));
        let real = mask.unsqueeze(-1).to_kind(Kind::Float);
        let token_gap = ((got.tokens - expected.hidden_state) * &real)
            .abs()
            .max()
            .double_value(&[]);
        let pooled_gap = (got.pooled.unwrap() - expected.pooled_output.unwrap())
            .abs()
            .max()
            .double_value(&[]);
        assert!(token_gap < 1e-5, "token vectors differ by {token_gap}");
        assert!(pooled_gap < 1e-5, "pooled vectors differ by {pooled_gap}");
    }

    #[test]
    fn int8_weights_keep_the_encoders_output_close() {
        if crate::int8::without_fbgemm() {
            return;
        }
        let _rng = course_core::device::exclusive_torch_rng();
        tch::manual_seed(7);
        let vars = VarStore::new(Device::Cpu);
        let mut encoder: BertEncoder<BertEmbeddings> =
            BertEncoder::new(&(vars.root() / "bert"), &small_config(), 1e-12, false);
        let ids = Tensor::randint(50, [2, 7], (Kind::Int64, Device::Cpu));
        let mask = Tensor::ones([2, 7], (Kind::Int64, Device::Cpu));
        let float = tch::no_grad(|| encoder.forward_t(&ids, &mask, false).tokens);
        encoder.switch_to_int8();
        let int8 = tch::no_grad(|| encoder.forward_t(&ids, &mask, false).tokens);
        let relative = (&int8 - &float).norm().double_value(&[]) / float.norm().double_value(&[]);
        assert!(
            relative > 0.0 && relative < 0.05,
            "relative difference {relative}"
        );
    }

    #[test]
    fn each_activation_is_rust_berts_function_up_to_rounding() {
        let x = Tensor::linspace(-6.0, 6.0, 241, (Kind::Float, Device::Cpu));
        for name in [
            Activation::gelu,
            Activation::gelu_new,
            Activation::relu,
            Activation::swish,
            Activation::mish,
            Activation::tanh,
            Activation::identity,
        ] {
            let theirs = (name.get_function().get_fn())(&x);
            let gap = ((activation_of(name))(&x) - theirs)
                .abs()
                .max()
                .double_value(&[]);
            assert!(gap < 1e-5, "{name:?} differs by {gap}");
        }
    }

    #[test]
    fn the_residual_sum_keeps_the_wider_kind() {
        let x = Tensor::from_slice(&[1.0f32, 2.0, 3.0]);
        let out = Tensor::from_slice(&[0.5f32, 0.25, 0.125]);
        let same = residual(&x, out.copy());
        assert_eq!(Vec::<f32>::try_from(&same).unwrap(), [1.5, 2.25, 3.125]);
        // bfloat16 autocast: the layer's output narrower than the stream it is added to.
        let mixed = residual(&x, out.to_kind(Kind::BFloat16));
        assert_eq!(mixed.kind(), Kind::Float);
        assert_eq!(Vec::<f32>::try_from(&mixed).unwrap(), [1.5, 2.25, 3.125]);
    }

    #[test]
    fn trains_through_the_fused_attention() {
        let _rng = course_core::device::exclusive_torch_rng();
        tch::manual_seed(6);
        let vars = VarStore::new(Device::Cpu);
        let encoder: BertEncoder<BertEmbeddings> =
            BertEncoder::new(&(vars.root() / "bert"), &small_config(), 1e-12, false);
        let ids = Tensor::randint(50, [2, 7], (Kind::Int64, Device::Cpu));
        let mask = Tensor::ones([2, 7], (Kind::Int64, Device::Cpu));
        encoder
            .forward_t(&ids, &mask, true)
            .tokens
            .sum(Kind::Float)
            .backward();
        let query = &vars.variables()["bert.encoder.layer.0.attention.self.query.weight"];
        assert!(query.grad().abs().sum(Kind::Float).double_value(&[]) > 0.0);
    }
}
