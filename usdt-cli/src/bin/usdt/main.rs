//! `usdt`: list USDT probes and print DTrace DOF. The reading is done by the `usdt_cli`
//! library; this binary parses the command line, filters, sorts and prints.

mod cli;
mod filter;
mod output;

use std::io::{self, BufWriter, ErrorKind, IsTerminal};
use std::process::ExitCode;

use clap::Parser;
use usdt_cli::Error;

use crate::cli::{run, Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    if matches!(&cli.command, Command::Dof(args) if args.raw) && io::stdout().is_terminal() {
        eprintln!("usdt: error: --raw writes binary DOF: redirect standard output to a file");
        return ExitCode::FAILURE;
    }
    // Buffered: stdout is line-buffered, and a listing has thousands of lines.
    let mut out = BufWriter::new(io::stdout().lock());
    let mut err = io::stderr().lock();
    match run(&cli, &mut out, &mut err) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        // The reader went away (`usdt list ... | head`): not an error worth a message.
        Err(Error::Output(e)) if e.kind() == ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("usdt: error: {e}");
            ExitCode::FAILURE
        }
    }
}
