#!/usr/bin/env python3
"""What adding a probe crate costs a program: the crates it builds and its cold build time.

Three hello-world programs, each firing one probe `greet(uint8_t)`: one with this
workspace's `usdt` (by path, `dtrace_provider!`), one with usdt 0.6 from crates.io (the same
provider file and macro), one with the `probe` crate (`probe_lazy!`). Each is built from
nothing (a fresh CARGO_TARGET_DIR, dependencies fetched beforehand so the network is not
timed), debug profile, as `cargo build` after `cargo new`; the median of three builds.

    python3 bench/deps.py            # measure and print the section
    python3 bench/deps.py --write    # and put it in BENCHMARKS.md, replacing the old one

`bench/run.py` runs it too, as part of the full suite.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
HEADING = "## Dependencies and cold build"
LOAD_AT_START = " ".join(Path("/proc/loadavg").read_text().split()[:3])

PROVIDER = "provider hello {\n    probe greet(uint8_t);\n};\n"

# name -> (label, [dependencies] lines, main.rs, lock file to start from)
PROGRAMS = {
    "ours": (
        "`usdt` (this workspace)",
        f'usdt = {{ path = "{ROOT / "usdt"}" }}',
        'usdt::dtrace_provider!("test.d");\n\nfn main() {\n'
        "    let n: u8 = 7;\n    hello_greet!(|| n);\n    println!(\"hello\");\n}\n",
        ROOT / "Cargo.lock",
    ),
    "usdt06": (
        "usdt 0.6 (crates.io)",
        'usdt = "0.6"',
        'usdt::dtrace_provider!("test.d");\n\nfn main() {\n'
        "    let n: u8 = 7;\n    hello::greet!(|| n);\n    println!(\"hello\");\n}\n",
        BENCH / "peers" / "usdt06" / "Cargo.lock",
    ),
    "probe": (
        "`probe` 0.5 (crates.io)",
        'probe = "0.5"',
        "use probe::probe_lazy;\n\nfn main() {\n"
        "    let n: u8 = 7;\n    probe_lazy!(hello, greet, n);\n    println!(\"hello\");\n}\n",
        BENCH / "peers" / "probe" / "Cargo.lock",
    ),
}


def _run(cmd, cwd=None, env=None, check=True, capture=True):
    proc = subprocess.run(cmd, cwd=cwd, env=env, text=True,
                          stdout=subprocess.PIPE if capture else None,
                          stderr=subprocess.STDOUT if capture else None)
    if check and proc.returncode != 0:
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(map(str, cmd))}\n"
                         f"{(proc.stdout or '')[-4000:]}")
    return proc.stdout or ""


def _log(msg):
    print(f"[deps {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def write_program(dir, name):
    """The hello-world crate `name` in `dir`."""
    _, dep, main, lock = PROGRAMS[name]
    (dir / "src").mkdir(parents=True)
    (dir / "Cargo.toml").write_text(
        f'[package]\nname = "hello-{name}"\nversion = "0.1.0"\nedition = "2021"\n'
        f"publish = false\n\n[workspace]\n\n[dependencies]\n{dep}\n")
    (dir / "src" / "main.rs").write_text(main)
    (dir / "test.d").write_text(PROVIDER)
    # Start from a lock file the workspace already resolved, so the versions measured are
    # the ones the rest of the suite uses; cargo drops what this crate does not need.
    shutil.copy(lock, dir / "Cargo.lock")


def crates(dir, run):
    """The packages a build of the crate in `dir` compiles (normal and build dependencies,
    proc macros included, the crate itself excluded), and the crates that build with `cc`
    (None when it is not among them)."""
    out = run(["cargo", "tree", "-e", "normal,build", "--prefix", "none",
               "--format", "{p}", "--offline"], cwd=dir)
    pkgs = set()
    for line in out.splitlines():
        m = re.match(r"(\S+) v(\S+)", line.strip())
        if m:
            pkgs.add((m.group(1), m.group(2)))
    root = {p for p in pkgs if p[0].startswith("hello-")}
    pkgs -= root
    if not any(p[0] == "cc" for p in pkgs):
        return len(pkgs), None
    # The crates whose build scripts use it.
    out = run(["cargo", "tree", "-e", "normal,build", "-i", "cc", "--depth", "1",
               "--prefix", "none", "--format", "{p}", "--offline"], cwd=dir)
    users = sorted({line.split()[0] for line in out.splitlines()[1:] if line.strip()})
    return len(pkgs), users


def measure(run=_run, log=_log, names=None, runs=3):
    """{name: {"crates", "cc", "seconds", "all"}} for each program in `names` (default: all):
    the median of `runs` cold builds, the programs interleaved so that each sees the same
    machine."""
    names = list(names or PROGRAMS)
    m = {}
    with tempfile.TemporaryDirectory(prefix="usdt-deps-") as tmp:
        env = dict(os.environ)
        env.pop("RUSTFLAGS", None)
        for name in names:
            dir = Path(tmp) / name
            write_program(dir, name)
            run(["cargo", "fetch"], cwd=dir, env=env)
            count, cc = crates(dir, run)
            m[name] = {"crates": count, "cc": cc, "all": []}
        for i in range(runs):
            for name in names:
                target = Path(tmp) / f"target-{name}"
                shutil.rmtree(target, ignore_errors=True)
                t0 = time.monotonic()
                run(["cargo", "build", "--offline", "--quiet"], cwd=Path(tmp) / name,
                    env=dict(env, CARGO_TARGET_DIR=str(target)))
                m[name]["all"].append(time.monotonic() - t0)
                log(f"{name}: cold build {m[name]['all'][-1]:.1f} s (run {i + 1} of {runs})")
    for r in m.values():
        r["seconds"] = statistics.median(r["all"])
    return m


def report(m):
    """The BENCHMARKS.md section and its targets: (markdown, [(name, ok, figure)])."""
    n = max(len(r["all"]) for r in m.values())
    L = [HEADING, "",
         "What adding the crate costs a hello-world program firing one probe `greet(uint8_t)`: "
         "the packages its build compiles (normal and build dependencies, proc macros "
         "included, `cargo tree -e normal,build`), whether `cc` (a C compiler at build time) "
         "is among them and for which crates' build scripts, and `cargo build` (debug) from nothing, dependencies fetched "
         f"beforehand: the median of {n} builds, the programs interleaved, with the least and "
         "the most. Written by `python3 bench/deps.py` (the programs are in it).", "",
         "| program adds | crates built | needs `cc` | cold build, s (least-most) |",
         "|---|---|---|---|"]
    for name, r in m.items():
        cc = f"yes ({', '.join(r['cc'])})" if r["cc"] else "no"
        L.append(f"| {PROGRAMS[name][0]} | {r['crates']} | {cc} | "
                 f"{r['seconds']:.1f} ({min(r['all']):.1f}-{max(r['all']):.1f}) |")
    targets = []
    if "ours" in m and "usdt06" in m:
        o, u = m["ours"], m["usdt06"]
        targets.append(("deps: fewer crates than usdt 0.6", o["crates"] < u["crates"],
                        f"{o['crates']} vs {u['crates']}"))
        targets.append(("deps: cold build at most usdt 0.6's", o["seconds"] <= u["seconds"],
                        f"{o['seconds']:.1f} s vs {u['seconds']:.1f} s"))
    return "\n".join(L) + "\n", targets


def machine_line():
    """The machine, for a section written alone (the full suite's report has its own)."""
    from run import cpu_name, workspace_state  # not at the top: run.py imports this module

    rustc = _run(["rustc", "--version"]).strip()
    return (f"Measured on {cpu_name()} ({os.cpu_count()} cores), Linux {os.uname().release}, "
            f"{rustc}, workspace {workspace_state()}, "
            f"{time.strftime('%Y-%m-%d', time.gmtime())}; load average at start (other work "
            f"on the machine) {LOAD_AT_START}.")


def replace_section(text, section):
    """`text` with its dependencies section replaced by `section` (or put before
    `## Reproduce`)."""
    start = text.find(HEADING)
    if start >= 0:
        end = text.find("\n## ", start + len(HEADING))
        rest = "" if end < 0 else text[end + 1:]
        return text[:start] + section + ("\n" + rest if rest else "")
    return text.replace("## Reproduce", section + "\n## Reproduce", 1)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--write", action="store_true", help="replace the section in BENCHMARKS.md")
    args = ap.parse_args()
    m = measure()
    section, targets = report(m)
    lines = section.rstrip("\n").split("\n")
    section = "\n".join(lines[:3] + ["", machine_line()] + lines[3:]) + "\n"
    print(section)
    for name, ok, fig in targets:
        print(f"{'PASS' if ok else 'FAIL'}  {name}  {fig}")
    if args.write:
        path = ROOT / "BENCHMARKS.md"
        path.write_text(replace_section(path.read_text(), section))
        _log(f"wrote {path}")


if __name__ == "__main__":
    sys.exit(main())
