//! What `course` remembers between calls: each unit's last verdict (with a fingerprint of the
//! exercise file it was for) and how many hints of each task were shown. Kept in
//! `target/course/progress.json`, so `course list` answers at once and retrains nothing.

use anyhow::Result;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Progress {
    /// Unit name -> its last check.
    #[serde(default)]
    pub units: BTreeMap<String, Verdict>,
    /// "unit7/3" -> how many of task 3's hints were shown.
    #[serde(default)]
    pub hints_shown: BTreeMap<String, usize>,
}

/// A unit's last check of the learner's code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    /// [`fingerprint`] of the exercise file that was checked.
    pub fingerprint: String,
    /// Tasks passed and in all; `None` when the file did not compile.
    pub score: Option<(usize, usize)>,
    /// The first task not done, from 1.
    pub next: Option<usize>,
}

impl Progress {
    fn path() -> PathBuf {
        course_core::workspace_root().join("target/course/progress.json")
    }

    /// The remembered progress; nothing remembered (or an unreadable file) is a fresh start.
    pub fn load() -> Progress {
        std::fs::read_to_string(Self::path())
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default()
    }

    pub fn save(&self) -> Result<()> {
        let text = serde_json::to_string_pretty(self)?;
        course_core::fs::write_bytes_atomically(&Self::path(), text.as_bytes())
    }

    /// The remembered verdict of `unit`, if it was for the file as it is now.
    pub fn current(&self, unit: &str, exercise: &Path) -> Option<&Verdict> {
        let verdict = self.units.get(unit)?;
        (Some(&verdict.fingerprint) == fingerprint(exercise).as_ref()).then_some(verdict)
    }

    /// Counts one more hint of `unit`'s task `task` as shown; returns how many are shown now.
    pub fn next_hint(&mut self, unit: &str, task: usize, available: usize) -> usize {
        let shown = self
            .hints_shown
            .entry(format!("{unit}/{task}"))
            .or_insert(0);
        *shown = (*shown + 1).min(available);
        *shown
    }
}

/// A fingerprint of a file's content (`None` when it cannot be read).
pub fn fingerprint(path: &Path) -> Option<String> {
    let bytes = std::fs::read(path).ok()?;
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut hasher);
    Some(format!("{:016x}-{}", hasher.finish(), bytes.len()))
}
