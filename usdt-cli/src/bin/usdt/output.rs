//! The listing as an aligned table (like `dtrace -l`) or as JSON.

use std::io::{self, Write};

use usdt_cli::ProbeSite;

/// What the table shows besides the base columns.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TableOptions {
    /// Add the ADDRESS column and the raw argument string.
    pub verbose: bool,
    /// Add the ENABLED column (listing a process).
    pub enabled: bool,
}

/// Writes one aligned row per probe under a header line.
pub fn write_table(
    out: &mut dyn Write,
    probes: &[ProbeSite],
    options: TableOptions,
) -> io::Result<()> {
    let mut rows: Vec<Vec<String>> = Vec::with_capacity(probes.len() + 1);
    let mut header = vec!["PROVIDER", "MODULE", "FUNCTION", "NAME"];
    if options.verbose {
        header.push("ADDRESS");
    }
    header.push("SEMAPHORE");
    if options.enabled {
        header.push("ENABLED");
    }
    header.push("ARGUMENTS");
    if options.verbose {
        header.push("RAW");
    }
    rows.push(header.into_iter().map(String::from).collect());
    for probe in probes {
        let mut row = vec![
            probe.provider.clone(),
            probe.module.clone(),
            probe.function.clone().unwrap_or_else(|| "-".to_string()),
            probe.name.clone(),
        ];
        if options.verbose {
            row.push(format!("{:#x}", probe.address));
        }
        row.push(semaphore_cell(probe, options.verbose));
        if options.enabled {
            row.push(
                match probe.enabled {
                    Some(true) => "yes",
                    Some(false) => "no",
                    None => "-",
                }
                .to_string(),
            );
        }
        row.push(probe.argument_types());
        if options.verbose {
            row.push(probe.arguments_raw.clone());
        }
        rows.push(row);
    }
    let columns = rows.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in &rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            if c + 1 == row.len() {
                line.push_str(cell);
            } else {
                let width = widths.get(c).copied().unwrap_or(0);
                line.push_str(&format!("{cell:<width$}  "));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// The SEMAPHORE cell: the semaphore's address, or `-`. A DTrace probe has is-enabled sites
/// instead, which `-v` shows as `is-enabled@ADDR[,ADDR...]`.
fn semaphore_cell(probe: &ProbeSite, verbose: bool) -> String {
    match probe.semaphore {
        Some(s) => format!("{s:#x}"),
        None if verbose && !probe.is_enabled_sites.is_empty() => {
            let sites: Vec<String> = probe
                .is_enabled_sites
                .iter()
                .map(|a| format!("{a:#x}"))
                .collect();
            format!("is-enabled@{}", sites.join(","))
        }
        None => "-".to_string(),
    }
}

/// Writes the probes as a JSON array, one object per probe site.
pub fn write_json(out: &mut dyn Write, probes: &[ProbeSite]) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, probes)?;
    writeln!(out)
}
