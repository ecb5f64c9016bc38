//! `course runs`: listing and comparing run folders.

use std::path::Path;
use std::process::Command;

fn write_run(root: &Path, name: &str, seed: u64, accuracies: &[f64]) {
    let dir = root.join("unit3").join(name);
    std::fs::create_dir_all(&dir).unwrap();
    let config = format!(
        r#"{{"trainer": {{"seed": {seed}, "optimizer": {{"name": "sgd", "lr": 0.05}}}}, "model": "linear"}}"#
    );
    std::fs::write(dir.join("config.json"), config).unwrap();
    let mut csv =
        "epoch,step,lr,train_loss,train_accuracy,validation_loss,validation_accuracy,seconds\n"
            .to_string();
    for (i, acc) in accuracies.iter().enumerate() {
        csv += &format!("{},{},0.05,0.5,0.8,0.4,{acc},1.5\n", i + 1, (i + 1) * 10);
    }
    std::fs::write(dir.join("metrics.csv"), csv).unwrap();
    std::fs::write(dir.join("summary.json"), r#"{"test_accuracy": 0.87}"#).unwrap();
}

fn course(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_course"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr),
    )
}

#[test]
fn lists_runs_with_their_best_epoch_and_compares_configurations() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_str().unwrap();
    write_run(dir.path(), "a", 1, &[0.80, 0.86, 0.84]);
    write_run(dir.path(), "b", 2, &[0.81, 0.82]);

    let (ok, out) = course(&["runs", "--dir", root]);
    assert!(ok, "{out}");
    assert!(
        out.contains("unit3/a") && out.contains("0.8600 (2)") && out.contains("0.87000"),
        "{out}"
    );
    assert!(
        out.contains("unit3/b") && out.contains("0.8200 (2)"),
        "{out}"
    );

    let (ok, out) = course(&["runs", "--dir", root, "compare", "unit3/a", "unit3/b"]);
    assert!(ok, "{out}");
    let seed_line = out
        .lines()
        .find(|l| l.starts_with("trainer.seed"))
        .expect("the seed differs");
    assert!(
        seed_line.contains('1') && seed_line.contains('2'),
        "{seed_line}"
    );
    assert!(
        !out.contains("trainer.optimizer.lr"),
        "equal settings are not differences: {out}"
    );
    assert!(
        out.contains("best validation accuracy")
            && out.contains("0.8600")
            && out.contains("0.8200"),
        "{out}"
    );

    let (ok, out) = course(&["runs", "--dir", root, "compare", "unit3/a", "unit3/nope"]);
    assert!(!ok && out.contains("no run \"unit3/nope\""), "{out}");
}
