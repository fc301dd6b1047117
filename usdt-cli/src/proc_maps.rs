//! The memory map of a process, from `/proc/PID/maps`.

use std::collections::HashSet;

/// One line of `/proc/PID/maps`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    /// First address.
    pub start: u64,
    /// One past the last address.
    pub end: u64,
    /// Mapped writable.
    pub writable: bool,
    /// Offset in the file of the byte at `start`.
    pub offset: u64,
    /// The file path, `[heap]`-style pseudo name, or `None` for anonymous memory.
    /// A deleted file keeps the kernel's ` (deleted)` suffix.
    pub path: Option<String>,
}

impl Mapping {
    /// True when the mapping is backed by a file (its path is absolute).
    pub fn is_file(&self) -> bool {
        self.path.as_deref().is_some_and(|p| p.starts_with('/'))
    }

    /// The address where the file byte at `file_offset` is mapped, if this mapping covers it.
    pub fn address_of(&self, file_offset: u64) -> Option<u64> {
        let delta = file_offset.checked_sub(self.offset)?;
        let address = self.start.checked_add(delta)?;
        (address < self.end).then_some(address)
    }
}

/// Parses the text of `/proc/PID/maps`; `Err` holds the first line that does not parse.
pub fn parse_maps(text: &str) -> Result<Vec<Mapping>, String> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| parse_line(line).ok_or_else(|| line.to_string()))
        .collect()
}

/// Parses `start-end perms offset dev inode [path]`; the path may hold spaces.
fn parse_line(line: &str) -> Option<Mapping> {
    let mut rest = line;
    let mut field = || {
        let trimmed = rest.trim_start();
        let end = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
        let (head, tail) = trimmed.split_at(end);
        rest = tail;
        (!head.is_empty()).then_some(head)
    };
    let (start, end) = field()?.split_once('-')?;
    let perms = field()?;
    let offset = field()?;
    let _dev = field()?;
    let _inode = field()?;
    let path = rest.trim_start();
    Some(Mapping {
        start: u64::from_str_radix(start, 16).ok()?,
        end: u64::from_str_radix(end, 16).ok()?,
        writable: perms.as_bytes().get(1) == Some(&b'w'),
        offset: u64::from_str_radix(offset, 16).ok()?,
        path: (!path.is_empty()).then(|| path.to_string()),
    })
}

/// The file-backed objects of a map, each once, in order of first mapping.
pub fn mapped_files(maps: &[Mapping]) -> Vec<&str> {
    let mut seen = HashSet::new();
    maps.iter()
        .filter(|m| m.is_file())
        .filter_map(|m| m.path.as_deref())
        .filter(|p| seen.insert(*p))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAPS: &str = "\
55d0c2a00000-55d0c2a01000 r--p 00000000 fd:01 1234     /tmp/my prog
55d0c2a01000-55d0c2a02000 r-xp 00001000 fd:01 1234     /tmp/my prog
55d0c2a03000-55d0c2a04000 rw-p 00002000 fd:01 1234     /tmp/my prog
55d0c3000000-55d0c3021000 rw-p 00000000 00:00 0        [heap]
7f0000000000-7f0000001000 rw-p 00000000 00:00 0 
7f0000100000-7f0000200000 r-xp 00000000 fd:01 99       /lib/libc.so.6 (deleted)
";

    #[test]
    fn parses_lines_with_spaces_and_pseudo_paths() {
        let maps = parse_maps(MAPS).unwrap();
        assert_eq!(maps.len(), 6);
        assert_eq!(maps[0].path.as_deref(), Some("/tmp/my prog"));
        assert!(maps[2].writable && !maps[1].writable);
        assert_eq!(maps[2].offset, 0x2000);
        assert!(!maps[3].is_file());
        assert_eq!(maps[4].path, None);
        assert_eq!(
            mapped_files(&maps),
            ["/tmp/my prog", "/lib/libc.so.6 (deleted)"]
        );
    }

    #[test]
    fn address_of_file_offset() {
        let maps = parse_maps(MAPS).unwrap();
        assert_eq!(maps[2].address_of(0x2010), Some(0x55d0c2a03010));
        assert_eq!(maps[2].address_of(0x1fff), None);
        assert_eq!(maps[2].address_of(0x3000), None);
    }

    #[test]
    fn bad_lines_are_reported() {
        assert_eq!(parse_maps("zzz-1 r--p").unwrap_err(), "zzz-1 r--p");
        assert!(parse_maps("").unwrap().is_empty());
    }
}
