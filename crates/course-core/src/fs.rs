//! Files that are either complete or absent.
//!
//! Every file the course writes (submissions, datasets, later checkpoints and metrics) goes
//! through [`write_atomically`]: the content is written to a temporary file in the same folder,
//! flushed to disk, and only then renamed over the target. A crash or Ctrl-C at any moment leaves
//! either the old file or the new one, never half of one.

use anyhow::{Context, Result};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Writes `path` through `write`, atomically. Creates the parent folder if needed.
pub fn write_atomically<F>(path: &Path, write: F) -> Result<()>
where
    F: FnOnce(&mut BufWriter<File>) -> Result<()>,
{
    replace_atomically(path, |temporary| {
        let file = File::create(temporary)
            .with_context(|| format!("cannot create {}", temporary.display()))?;
        let mut writer = BufWriter::new(file);
        write(&mut writer)?;
        writer.flush()?;
        writer.get_ref().sync_all()?;
        Ok(())
    })
}

/// Lets `write` create a temporary file (given its path) in `path`'s folder, then renames it
/// over `path`. For writers that want a path rather than a stream (checkpoints, images).
pub fn replace_atomically<F>(path: &Path, write: F) -> Result<()>
where
    F: FnOnce(&Path) -> Result<()>,
{
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)
        .with_context(|| format!("cannot create folder {}", parent.display()))?;
    let file_name = path
        .file_name()
        .with_context(|| format!("{} is not a file path", path.display()))?;
    // Same folder (rename stays on one file system), same extension (writers that pick a
    // format from it still do), hidden name (nobody mistakes it for the real file).
    let temporary = parent.join(format!(
        ".tmp-{}-{}",
        std::process::id(),
        file_name.to_string_lossy()
    ));

    let result = write(&temporary).and_then(|()| {
        std::fs::rename(&temporary, path)
            .with_context(|| format!("cannot move {} to {}", temporary.display(), path.display()))
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result.with_context(|| {
        format!(
            "writing {} failed; the file was left untouched",
            path.display()
        )
    })
}

/// Removes from `folder` the temporary files of writes cut short by a kill (`.tmp-<pid>-<name>`;
/// the real files beside them are whole). Only for a folder nobody else writes in now.
pub fn remove_cut_writes(folder: &Path) {
    for entry in std::fs::read_dir(folder).into_iter().flatten().flatten() {
        if entry.file_name().to_string_lossy().starts_with(".tmp-") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Writes a whole byte string atomically.
pub fn write_bytes_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomically(path, |w| Ok(w.write_all(bytes)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        write_bytes_atomically(&path, b"old").unwrap();
        let err = write_atomically(&path, |w| {
            w.write_all(b"half of the new")?;
            anyhow::bail!("disk on fire")
        })
        .unwrap_err();
        assert!(format!("{err:#}").contains("disk on fire"));
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "the temporary file must be removed");
    }

    #[test]
    fn creates_missing_parent_folders() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/c.txt");
        write_bytes_atomically(&path, b"hi").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"hi");
    }
}
