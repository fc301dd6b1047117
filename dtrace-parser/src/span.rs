//! Turning byte offsets into lines and columns, through line markers.

use crate::model::Span;

/// A line marker: the line after physical line `at` is `line` of `file`.
#[derive(Debug, Clone)]
pub(crate) struct Marker {
    pub at: usize,
    pub line: usize,
    pub file: String,
}

/// Finds the line, column and file of byte offsets in the parsed text.
#[derive(Debug)]
pub(crate) struct Locator<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
    markers: Vec<Marker>,
    file_name: &'a str,
    /// With the C preprocessor: the source it read, to map offsets back.
    original: Option<(&'a str, Vec<usize>)>,
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        )
        .collect()
}

impl<'a> Locator<'a> {
    /// A locator for `text`, named `file_name`. `original` is the source
    /// before the C preprocessor, if it ran.
    pub(crate) fn new(text: &'a str, file_name: &'a str, original: Option<&'a str>) -> Self {
        Locator {
            text,
            line_starts: line_starts(text),
            markers: Vec::new(),
            file_name,
            original: original.map(|o| (o, line_starts(o))),
        }
    }

    /// The text positions refer to.
    pub(crate) fn text(&self) -> &'a str {
        self.text
    }

    /// Records a line marker found at byte `offset`; `file` None keeps the
    /// current file.
    pub(crate) fn add_marker(&mut self, offset: usize, line: usize, file: Option<String>) {
        let at = self.physical_line(offset);
        let file = match file {
            Some(f) if f == "<stdin>" => self.file_name.to_string(),
            Some(f) => f,
            None => self
                .markers
                .last()
                .map_or_else(|| self.file_name.to_string(), |m| m.file.clone()),
        };
        self.markers.push(Marker { at, line, file });
    }

    /// The 0-based physical line holding `offset`.
    fn physical_line(&self, offset: usize) -> usize {
        self.line_starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }

    /// The span and file name of `len` bytes at `offset`.
    pub(crate) fn locate(&self, offset: usize, len: usize) -> (Span, &str) {
        let line = self.physical_line(offset);
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        let prefix = self.text.get(start..offset).unwrap_or_default();
        let column = prefix.chars().count() + 1;
        let marker = self.markers.iter().rev().find(|m| m.at < line);
        let Some(marker) = marker else {
            let span = Span {
                line: line + 1,
                column,
                offset,
                len,
            };
            return (span, self.file_name);
        };
        let mapped = marker.line.saturating_add(line - marker.at - 1);
        let mut span = Span {
            line: mapped,
            column,
            offset,
            len,
        };
        if let Some((source, starts)) = &self.original {
            if marker.file == self.file_name {
                // Same line in the original; the column is taken as is, as
                // cpp keeps the text of lines it does not expand.
                let line_start = starts.get(mapped.saturating_sub(1)).copied();
                let line_end = starts.get(mapped).copied().unwrap_or(source.len());
                match line_start {
                    Some(s) => {
                        span.offset = (s + prefix.len()).min(line_end);
                        span.len = len.min(source.len() - span.offset);
                    }
                    None => (span.offset, span.len) = (0, 0),
                }
            } else {
                (span.offset, span.len) = (0, 0);
            }
        }
        (span, &marker.file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_char_columns() {
        let l = Locator::new("ab\n\té x\n", "f.d", None);
        let (s, f) = l.locate(7, 1);
        assert_eq!(f, "f.d");
        assert_eq!((s.line, s.column, s.offset, s.len), (2, 4, 7, 1));
        assert_eq!(l.locate(0, 0).0.line, 1);
        assert_eq!(l.locate(99, 0).0.line, 3);
    }

    #[test]
    fn markers_map_lines_and_files() {
        let text = "# 1 \"<stdin>\"\nx\n# 7 \"h.h\"\ny\n# 3 \"<stdin>\"\nz";
        let original = "a\nb\n  z";
        let mut l = Locator::new(text, "main.d", Some(original));
        l.add_marker(0, 1, Some("<stdin>".into()));
        l.add_marker(16, 7, Some("h.h".into()));
        l.add_marker(28, 3, Some("<stdin>".into()));
        let (s, f) = l.locate(14, 1);
        assert_eq!((f, s.line), ("main.d", 1));
        let (s, f) = l.locate(26, 1);
        assert_eq!((f, s.line, s.offset), ("h.h", 7, 0));
        let (s, f) = l.locate(text.len() - 1, 1);
        assert_eq!((f, s.line, s.column), ("main.d", 3, 1));
        assert_eq!(s.offset, 4);
    }
}
