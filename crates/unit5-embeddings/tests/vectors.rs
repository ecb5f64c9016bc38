//! Pre-trained vectors: the `.npy` reader (both memory orders), GloVe as `make models` fetches
//! it, copying vectors into an embedding table, and word2vec's text format.

use course_core::data::DataDir;
use course_core::prepared::{SequenceData, SequenceLayout};
use std::io::Write;
use tch::nn::{self, VarStore};
use tch::{Device, Tensor};
use unit5_embeddings::glove::{self, read_npy_f32};
use unit5_embeddings::word2vec::WordVectors;

fn write_npy(path: &std::path::Path, fortran: bool, shape: (usize, usize), data: &[f32]) {
    let header = format!(
        "{{'descr': '<f4', 'fortran_order': {}, 'shape': ({}, {}), }}",
        if fortran { "True" } else { "False" },
        shape.0,
        shape.1
    );
    let mut header = header.into_bytes();
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(b' ');
    }
    header.push(b'\n');
    let mut file = std::fs::File::create(path).unwrap();
    file.write_all(b"\x93NUMPY\x01\x00").unwrap();
    file.write_all(&(header.len() as u16).to_le_bytes())
        .unwrap();
    file.write_all(&header).unwrap();
    for v in data {
        file.write_all(&v.to_le_bytes()).unwrap();
    }
}

#[test]
fn npy_files_read_the_same_in_c_and_fortran_order() {
    let dir = tempfile::tempdir().unwrap();
    let expected = Tensor::from_slice(&[1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0]).view([2, 3]);
    let c_order = dir.path().join("c.npy");
    write_npy(&c_order, false, (2, 3), &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    assert!(read_npy_f32(&c_order).unwrap().equal(&expected));
    // Fortran order stores column by column.
    let f_order = dir.path().join("f.npy");
    write_npy(&f_order, true, (2, 3), &[1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
    assert!(read_npy_f32(&f_order).unwrap().equal(&expected));

    let short = dir.path().join("short.npy");
    write_npy(&short, false, (2, 3), &[1.0, 2.0]);
    let err = read_npy_f32(&short).unwrap_err().to_string();
    assert!(err.contains("data bytes"), "{err}");
    let text = dir.path().join("text.npy");
    std::fs::write(&text, "word 0.1 0.2\n").unwrap();
    let err = read_npy_f32(&text).unwrap_err().to_string();
    assert!(err.contains("magic"), "{err}");
}

#[test]
fn missing_glove_files_say_how_to_get_them() {
    let dir = tempfile::tempdir().unwrap();
    let err = glove::load(dir.path()).err().unwrap().to_string();
    assert!(err.contains("make models"), "{err}");
}

#[test]
fn glove_loads_makes_sense_and_covers_the_vocabulary() {
    let glove = glove::load(&glove::default_dir()).unwrap();
    assert_eq!(glove.words.len(), 400_000);
    assert_eq!(glove.vectors.size(), [400_000, 50]);
    assert_eq!(glove.words[0], "the");
    let neighbours: Vec<String> = glove
        .neighbours("awful", 10)
        .unwrap()
        .into_iter()
        .map(|(w, _)| w)
        .collect();
    assert!(
        neighbours
            .iter()
            .any(|w| w == "terrible" || w == "horrible"),
        "{neighbours:?}"
    );

    let data = SequenceData::load(
        &DataDir::bundled_sample(),
        2_000,
        SequenceLayout::dynamic(100),
    )
    .unwrap();
    let vars = VarStore::new(Device::Cpu);
    let mut embedding = nn::embedding(vars.root() / "e", 2_000, 50, Default::default());
    let found = glove::initialise(&mut embedding, &data.word_index, &glove).unwrap();
    assert!(
        found > 1_800,
        "GloVe knows only {found} of the 1,999 most frequent words"
    );
    let id = data.word_index.id("movie").unwrap() as i64;
    let row = glove.words.iter().position(|w| w == "movie").unwrap() as i64;
    assert!(embedding.ws.get(id).equal(&glove.vectors.get(row)));

    let mut narrow = nn::embedding(vars.root() / "n", 2_000, 8, Default::default());
    let err = glove::initialise(&mut narrow, &data.word_index, &glove)
        .unwrap_err()
        .to_string();
    assert!(err.contains("--dim 50"), "{err}");
}

#[test]
fn word_vectors_round_trip_through_the_text_format() {
    let dir = tempfile::tempdir().unwrap();
    let vectors = WordVectors {
        words: vec!["good".into(), "bad".into(), "film".into()],
        vectors: Tensor::from_slice(&[1.0f32, 0.0, -1.0, 0.1, 0.2, 0.9]).view([3, 2]),
    };
    let path = dir.path().join("vectors.txt");
    vectors.save_text(&path).unwrap();
    let back = WordVectors::load_text(&path).unwrap();
    assert_eq!(back.words, vectors.words);
    assert!(back.vectors.allclose(&vectors.vectors, 1e-6, 1e-6, false));
    assert_eq!(back.neighbours("good", 1).unwrap()[0].0, "film");
    std::fs::write(&path, "2 2\ngood 1 0\nbad 1\n").unwrap();
    let err = WordVectors::load_text(&path).err().unwrap().to_string();
    assert!(err.contains("line 3"), "{err}");
}

#[test]
fn a_diverging_word2vec_run_stops_with_advice() {
    use unit5_embeddings::word2vec::{train, Corpus, Word2VecConfig};
    let texts = ["good film good acting", "bad film bad acting"].repeat(50);
    let corpus = Corpus::build(&texts, 1);
    let config = Word2VecConfig {
        dim: 8,
        window: 2,
        negatives: 2,
        share_negatives: 4,
        min_count: 1,
        epochs: 3,
        sample: 0.0,
        lr: 1e6, // far too large: the vectors blow up
        min_lr: 1e6,
        batch_pairs: 64,
        workers: 2,
        seed: 1,
    };
    let err = train::<unit5_embeddings::Solution>(&corpus, &config, |_, _| {})
        .err()
        .expect("the run must stop")
        .to_string();
    assert!(
        err.contains("diverged") && err.contains("lower the learning rate"),
        "{err}"
    );
}
