//! `readelf -n`'s reading of the SystemTap notes: the reference the tests hold this
//! workspace's own note reader and writer against.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::run;
use crate::HarnessError;

/// One `.note.stapsdt` entry as `readelf -n` prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadelfNote {
    /// The provider.
    pub provider: String,
    /// The probe name.
    pub name: String,
    /// The probe's address.
    pub location: u64,
    /// The semaphore's address (0 for none).
    pub semaphore: u64,
    /// The argument string, split at spaces (`-4@%rax`, `8@x1`).
    pub args: Vec<String>,
}

/// The SystemTap notes of `bin`, as `readelf -n` prints them.
pub fn readelf_notes(bin: &Path) -> Result<Vec<ReadelfNote>, HarnessError> {
    let mut cmd = Command::new("readelf");
    cmd.arg("-nW").arg(bin);
    let out = run::run(&mut cmd, Duration::from_secs(60))?.success(&cmd)?;
    parse_readelf_notes(&out.stdout)
}

/// Parse the stapsdt entries of `readelf -n` output.
pub fn parse_readelf_notes(text: &str) -> Result<Vec<ReadelfNote>, HarnessError> {
    let mut notes = Vec::new();
    let mut cur: Option<ReadelfNote> = None;
    let hex =
        |s: &str| u64::from_str_radix(s.trim().trim_start_matches("0x").trim_end_matches(','), 16);
    for line in text.lines().map(str::trim) {
        // With `-W` the provider shares the line of the note's header.
        let line = line
            .find("Provider:")
            .and_then(|i| line.get(i..))
            .unwrap_or(line);
        if let Some(p) = line.strip_prefix("Provider:") {
            let next = ReadelfNote {
                provider: p.trim().to_owned(),
                name: String::new(),
                location: 0,
                semaphore: 0,
                args: Vec::new(),
            };
            notes.extend(cur.replace(next));
        } else if let Some(note) = cur.as_mut() {
            if let Some(n) = line.strip_prefix("Name:") {
                note.name = n.trim().to_owned();
            } else if let Some(rest) = line.strip_prefix("Location:") {
                // `Location: 0x..., Base: 0x..., Semaphore: 0x...`
                let fields: Vec<&str> = rest.split(',').collect();
                let field = |i: usize, label: &str| {
                    fields
                        .get(i)
                        .map(|f| f.trim().trim_start_matches(label).trim())
                        .ok_or_else(|| {
                            HarnessError::Parse(format!("readelf location line: {line}"))
                        })
                };
                note.location =
                    hex(field(0, "")?).map_err(|e| HarnessError::Parse(format!("{line}: {e}")))?;
                note.semaphore = hex(field(2, "Semaphore:")?)
                    .map_err(|e| HarnessError::Parse(format!("{line}: {e}")))?;
            } else if let Some(a) = line.strip_prefix("Arguments:") {
                note.args = a.split_whitespace().map(str::to_owned).collect();
                notes.extend(cur.take());
            }
        }
    }
    // A probe without arguments has an empty `Arguments:` line, or none at all.
    notes.extend(cur);
    Ok(notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readelf_notes_are_parsed_wide_or_not() {
        let text = "\
Displaying notes found in: .note.stapsdt
  Owner                Data size \tDescription
  stapsdt              0x0000002b\tNT_STAPSDT (SystemTap probe descriptors)\t    Provider: sites
    Name: inlined
    Location: 0x0000000000009668, Base: 0x0000000000047d52, Semaphore: 0x0000000000071002
    Arguments: 4@x8
  stapsdt              0x00000029\tNT_STAPSDT (SystemTap probe descriptors)
    Provider: types
    Name: zero
    Location: 0x0000000000000010, Base: 0x0000000000000020, Semaphore: 0x0000000000000030
    Arguments: 
  stapsdt              0x00000029\tNT_STAPSDT (SystemTap probe descriptors)
    Provider: types
    Name: two
    Location: 0x0000000000000011, Base: 0x0000000000000020, Semaphore: 0x0000000000000000
    Arguments: -4@%rax 8@%r14
";
        let notes = parse_readelf_notes(text).unwrap();
        assert_eq!(notes.len(), 3);
        assert_eq!(
            (notes[0].provider.as_str(), notes[0].name.as_str()),
            ("sites", "inlined")
        );
        assert_eq!((notes[0].location, notes[0].semaphore), (0x9668, 0x71002));
        assert_eq!(notes[0].args, ["4@x8"]);
        assert!(notes[1].args.is_empty());
        assert_eq!(notes[2].args, ["-4@%rax", "8@%r14"]);
    }
}
