//! The files a spec was read from, so diagnostics can name them and quote their lines.

use std::path::{Path, PathBuf};

/// Index of a file in a [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileId(pub u32);

/// A position in a source file (1-based line and column, in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Loc {
    pub file: FileId,
    pub line: u32,
    pub column: u32,
}

#[derive(Debug, Clone)]
pub struct SourceFile {
    /// How diagnostics name the file: as the user gave it, imports relative to their importer.
    pub name: String,
    /// Where it was read from.
    pub path: PathBuf,
    pub text: String,
}

#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, name: String, path: PathBuf, text: String) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(SourceFile { name, path, text });
        id
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    pub fn name(&self, id: FileId) -> &str {
        self.get(id).map_or("<unknown>", |f| f.name.as_str())
    }

    pub fn path(&self, id: FileId) -> Option<&Path> {
        self.get(id).map(|f| f.path.as_path())
    }

    pub fn find_path(&self, path: &Path) -> Option<FileId> {
        self.files
            .iter()
            .position(|f| f.path == path)
            .and_then(|i| u32::try_from(i).ok())
            .map(FileId)
    }

    /// Every file read, in the order read: the spec first, then its imports.
    pub fn files(&self) -> impl Iterator<Item = &SourceFile> {
        self.files.iter()
    }

    /// The text of line `line` (1-based) of the file diagnostics call `name`.
    pub fn line_of(&self, name: &str, line: u32) -> Option<&str> {
        let file = self.files.iter().find(|f| f.name == name)?;
        file.text.lines().nth(line.checked_sub(1)? as usize)
    }
}
