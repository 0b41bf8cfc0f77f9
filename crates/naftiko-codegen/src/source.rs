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
    /// Where each line of `text` starts: diagnostics quote lines by number, many per file.
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// Line `line` (1-based) without its line ending, as `str::lines` would give it.
    fn line(&self, line: u32) -> Option<&str> {
        let at = usize::try_from(line.checked_sub(1)?).ok()?;
        let start = *self.line_starts.get(at)?;
        let end = self.line_starts.get(at + 1).copied();
        let text = self.text.get(start..end.unwrap_or(self.text.len()))?;
        Some(match text.strip_suffix('\n') {
            Some(text) => text.strip_suffix('\r').unwrap_or(text),
            None => text,
        })
    }
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
        // A text ending in a line break has no line after it, as for `str::lines`.
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(at, _)| at + 1))
            .filter(|&start| start < text.len())
            .collect();
        self.files.push(SourceFile {
            name,
            path,
            text,
            line_starts,
        });
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
        self.files.iter().find(|f| f.name == name)?.line(line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_the_ones_str_lines_gives() {
        for text in [
            "",
            "one",
            "one\n",
            "one\ntwo",
            "one\r\ntwo\r\n",
            "\n\nthree\n",
            "a\n\r\nb",
            "a\rb\r",
        ] {
            let mut sources = SourceMap::new();
            sources.add("f".into(), PathBuf::from("f"), text.into());
            let expected: Vec<&str> = text.lines().collect();
            let found: Vec<&str> = (1..).map_while(|line| sources.line_of("f", line)).collect();
            assert_eq!(found, expected, "{text:?}");
            assert_eq!(sources.line_of("f", 0), None);
        }
    }
}
