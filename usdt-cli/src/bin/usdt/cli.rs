//! The command line: `usdt list [-P GLOB] [-n GLOB] [-v] [--json] [--pid PID] [PATH...]` and
//! `usdt dof [--raw] [--section NAME] PATH`.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};
use glob::Pattern;
use usdt_cli::{dof_documents, list_file, list_process, DofDocument, DofOrigin, Error, ProbeSite};

use crate::filter::Filter;
use crate::output::{write_json, write_table, TableOptions};

/// The `usdt` command.
#[derive(Debug, Parser)]
#[command(
    name = "usdt",
    version,
    about = "Inspect USDT probes without tracing privileges"
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the probes of object files or of a running process, like `dtrace -l`.
    List(ListArgs),
    /// Print the DOF of an object file: its DOF sections, or the DOF that
    /// `usdt::register_probes()` builds from its DTrace probe records.
    Dof(DofArgs),
}

/// The options of `usdt dof`.
#[derive(Debug, clap::Args)]
pub struct DofArgs {
    /// The object file or binary.
    pub path: PathBuf,
    /// Write the document's exact bytes to standard output instead of a readable dump.
    #[arg(long)]
    pub raw: bool,
    /// Only the document of this section (e.g. `.SUNW_dof`, `set_dtrace_probes`).
    #[arg(long, value_name = "NAME")]
    pub section: Option<String>,
}

/// The options of `usdt list`.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Executables and shared libraries to read.
    #[arg(required_unless_present = "pid")]
    pub paths: Vec<PathBuf>,
    /// List every object mapped by this process, and whether each probe is enabled now.
    #[arg(short = 'p', long)]
    pub pid: Option<u32>,
    /// Only providers matching this glob (`*`, `?`, `[...]`); may repeat.
    #[arg(short = 'P', long = "provider", value_name = "GLOB", value_parser = Pattern::new)]
    pub providers: Vec<Pattern>,
    /// Only probe names matching this glob (`*`, `?`, `[...]`); may repeat.
    #[arg(short = 'n', long = "name", value_name = "GLOB", value_parser = Pattern::new)]
    pub names: Vec<Pattern>,
    /// Also show each probe's address and raw argument string.
    #[arg(short, long)]
    pub verbose: bool,
    /// Print a JSON array with one object per probe site.
    #[arg(long)]
    pub json: bool,
}

/// Runs a parsed command, writing the listing to `out` and per-object problems to `err`.
///
/// Returns `Ok(false)` when some named file could not be read (its error is on `err`, the
/// other files are listed); `Err` when nothing sensible can be printed.
pub fn run(cli: &Cli, out: &mut dyn Write, err: &mut dyn Write) -> Result<bool, Error> {
    match &cli.command {
        Command::List(args) => list(args, out, err),
        Command::Dof(args) => dof(args, out),
    }
}

fn dof(args: &DofArgs, out: &mut dyn Write) -> Result<bool, Error> {
    let mut documents = dof_documents(&args.path)?;
    let sections = |documents: &[DofDocument]| {
        documents
            .iter()
            .map(|d| d.section.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(section) = &args.section {
        let all = sections(&documents);
        documents.retain(|d| &d.section == section);
        if documents.is_empty() {
            return Err(Error::NoSuchDof {
                path: args.path.clone(),
                section: section.clone(),
                sections: all,
            });
        }
    }
    if args.raw {
        let [document] = documents.as_slice() else {
            return Err(Error::SeveralDof {
                path: args.path.clone(),
                sections: sections(&documents),
            });
        };
        out.write_all(&document.bytes)?;
    } else {
        for (i, document) in documents.iter().enumerate() {
            if i > 0 {
                writeln!(out)?;
            }
            write_document(out, &args.path, document)?;
        }
    }
    out.flush()?;
    Ok(true)
}

/// A heading line that says where the document comes from, a blank line, then the dump.
fn write_document(out: &mut dyn Write, path: &Path, document: &DofDocument) -> Result<(), Error> {
    let origin = match document.origin {
        DofOrigin::Section => "in section",
        DofOrigin::Records => "built from the probe records in",
    };
    writeln!(out, "{}: DOF {origin} {}", path.display(), document.section)?;
    writeln!(out)?;
    write!(out, "{}", document.file)?;
    Ok(())
}

fn list(args: &ListArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<bool, Error> {
    let mut probes: Vec<ProbeSite> = Vec::new();
    let mut ok = true;
    if let Some(pid) = args.pid {
        let found = list_process(pid)?;
        for warning in &found.warnings {
            writeln!(err, "usdt: warning: {warning}")?;
        }
        probes.extend(found.probes);
    }
    for path in &args.paths {
        match list_file(path) {
            Ok(found) => probes.extend(found),
            Err(e) => {
                writeln!(err, "usdt: error: {e}")?;
                ok = false;
            }
        }
    }
    let filter = Filter {
        providers: args.providers.clone(),
        names: args.names.clone(),
    };
    // Nothing to show but errors: a bare header would only add noise to them.
    if !ok && probes.is_empty() {
        return Ok(false);
    }
    probes.retain(|p| filter.matches(p));
    sort_probes(&mut probes);
    if args.json {
        write_json(out, &probes)?;
    } else {
        let options = TableOptions {
            verbose: args.verbose,
            enabled: args.pid.is_some(),
        };
        write_table(out, &probes, options)?;
    }
    out.flush()?;
    Ok(ok)
}

/// Sorts probe sites by provider, name, module and address, keeping the order of equal ones.
fn sort_probes(probes: &mut [ProbeSite]) {
    probes.sort_by(|a, b| {
        (&a.provider, &a.name, &a.module, a.address).cmp(&(
            &b.provider,
            &b.name,
            &b.module,
            b.address,
        ))
    });
}
