"""The `tracing` layers of usdt-tracing, measured: a section of the benchmark report.

- The untraced `ProbeLayer` and `ProbeSubscriber` against the registry alone: instructions
  (callgrind) and nanoseconds (the thread's CPU time, least of 7 rounds in a process;
  median, least and most of interleaved processes pinned to one CPU) per span entered and
  exited and per event.
- `ProfileLayer` against tracing-prof 0.3 (crates.io) on the same workload (a root span and
  a child, both entered, the child allocating 64 bytes): CPU time per span with each metric
  on (the workload's thread, and the whole process with the profilers' own threads), heap
  bytes added per allocation by each tracking allocator, and the heap held after a million
  spans.

The fixtures are `bench/spans` (a Cargo workspace of its own: `spans-layers`, `spans-ours`,
`spans-tprof`). `run.py` calls `section()`.
"""

import datetime
import os
import re
import shutil
import statistics
import subprocess
from pathlib import Path

BENCH = Path(__file__).resolve().parent
CONFIGS = ["wall", "cpu", "alloc", "heap", "all"]
CONFIG_LABEL = {
    "wall": "wall time",
    "cpu": "CPU time",
    "alloc": "allocations",
    "heap": "heap in use",
    "all": "all four",
}
IMPLS = {"ours": "usdt-tracing", "tprof": "tracing-prof 0.3"}
# `spans-layers`' subscribers: the registry alone, with a layer that does nothing, with one
# that tests a flag, with `ProbeLayer`; and `ProbeSubscriber` around the registry.
SUBSCRIBERS = ["registry", "identity", "flag", "probe", "subscriber"]
CASES = ["enter_exit", "event"]
CASE_LABEL = {"enter_exit": "span enter + exit", "event": "event"}


def results(out, pattern):
    """Every `RESULT k=v ...` line of `out` as a dict, keeping those that match `pattern`."""
    found = []
    for line in out.splitlines():
        if line.startswith("RESULT ") and re.search(pattern, line):
            found.append(dict(kv.split("=", 1) for kv in line.split()[1:]))
    if not found:
        raise SystemExit(f"no RESULT matching {pattern}:\n{out[-3000:]}")
    return found


def callgrind(out_dir, run, binary, subscriber, case, n):
    out_file = out_dir / "callgrind" / f"spans.{subscriber}.{case}.out"
    out_file.parent.mkdir(parents=True, exist_ok=True)
    run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out_file}", "--collect-atstart=no",
         f"--toggle-collect=loop_{case}", str(binary), "loop", subscriber, case, str(n)])
    for line in out_file.read_text().splitlines():
        if line.startswith("summary:") or line.startswith("totals:"):
            return int(line.split()[1]) / n
    raise SystemExit(f"no totals in {out_file}")


def measure(args, run, log, out_dir, env):
    quick = args.quick
    log("5. tracing layers: building bench/spans")
    run(["cargo", "build", "--release", "--quiet"], cwd=BENCH / "spans", env=env)
    rel = out_dir / "release"
    layers, bins = rel / "spans-layers", {k: rel / f"spans-{k}" for k in IMPLS}
    n_loop = 20_000 if quick else 1_000_000
    n_time = 100_000 if quick else 3_000_000
    n_cost = 10_000 if quick else 300_000
    n_bytes = 10_000 if quick else 200_000
    n_memory = 10_000 if quick else 500_000
    rounds = 1 if quick else 3
    ns_runs = 1 if quick else 7
    settle = ["100"] if quick else []
    r = {"n_cost": n_cost, "n_memory": n_memory, "n_bytes": n_bytes, "rounds": rounds,
         "n_loop": n_loop, "n_time": n_time}

    for sub in SUBSCRIBERS:
        for case in CASES:
            r[("insn", sub, case)] = callgrind(out_dir, run, layers, sub, case, n_loop)
    log("   probes, instructions: " + ", ".join(
        f"{s}/{c}={r[('insn', s, c)]:.1f}" for s in SUBSCRIBERS for c in CASES))
    # Interleaved processes, each on the same CPU (no migration in the middle of a round).
    pin = ["taskset", "-c", str(max(os.sched_getaffinity(0)))] if shutil.which("taskset") else []
    r["ns_runs"] = ns_runs
    for _ in range(ns_runs):
        for sub in SUBSCRIBERS:
            for case in CASES:
                res = results(run(pin + [str(layers), "time", sub, case, str(n_time)]), "ns=")[0]
                r.setdefault(("ns_all", sub, case), []).append(float(res["ns"]))
    for sub in SUBSCRIBERS:
        for case in CASES:
            runs = r[("ns_all", sub, case)]
            r[("ns", sub, case)] = statistics.median(runs)
            r[("ns_spread", sub, case)] = (min(runs), max(runs))
    log("   probes, ns: " + ", ".join(
        f"{s}/{c}={r[('ns', s, c)]:.2f}" for s in SUBSCRIBERS for c in CASES))

    for i in range(rounds):
        for config in ["none"] + CONFIGS:
            for impl, binary in bins.items():
                res = results(run([str(binary), "cost", config, str(n_cost)] + settle), "config=")[0]
                for what in ["thread", "process"]:
                    r.setdefault((what, impl, config), []).append(float(res[f"{what}_ns"]))
        log(f"   profile layers, round {i + 1}/{rounds} done")
    for key in [k for k in r if isinstance(k, tuple) and k[0] in ("thread", "process")]:
        r[key] = statistics.median(r[key])

    base = results(run([str(layers), "bytes", str(n_bytes)]), "bytes=")[0]
    r["bytes", "system"] = float(base["heap_per_alloc"])
    r["requested"] = float(base["requested_per_alloc"])
    for impl, binary in bins.items():
        res = results(run([str(binary), "bytes", str(n_bytes)]), "bytes=")[0]
        r["bytes", impl] = float(res["heap_per_alloc"])
        res = results(run([str(binary), "memory", str(n_memory)] + settle), "memory=")[0]
        r["memory", impl] = (int(res["right_after"]), int(res["settled"]), res["own"])
    log(f"   bytes per allocation: {[(k, v) for k, v in r.items() if k[0] == 'bytes']}")
    log(f"   memory after {2 * n_memory:,} spans: {[(k, v) for k, v in r.items() if k[0] == 'memory']}")
    return r


def added(r, what, impl, config):
    """CPU nanoseconds per span the profile layer adds to the registry alone."""
    return r[(what, impl, config)] - r[(what, impl, "none")]


def kib(b):
    return f"{b / 1024:,.1f} KiB"


def provenance():
    """When, and at which commit (with usdt-tracing or bench/spans changed or not)."""
    git = lambda *a: subprocess.run(["git", "-C", str(BENCH.parent), *a], text=True,
                                    capture_output=True).stdout.strip()
    dirty = git("status", "--porcelain", "--", "usdt-tracing", "bench/spans")
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return f"{date}, commit {git('rev-parse', '--short', 'HEAD')}{' with changes' if dirty else ''}"


def report(r):
    L, targets = [], []
    L.append("## 5. `tracing` layers (usdt-tracing)\n")
    L.append(f"Measured {provenance()}.\n")

    # Probes, untraced
    L.append(f"**Untraced probes** against the registry alone: a span entered and exited, and an "
             f"`info!` event with one field, per operation, with `ProbeLayer` "
             f"(`registry().with(ProbeLayer::new())`) and with `ProbeSubscriber` "
             f"(`ProbeSubscriber::new(registry())`). Instructions: callgrind over {r['n_loop']:,} "
             f"operations; nanoseconds: the thread's CPU time over {r['n_time']:,} operations, least "
             f"of 7 rounds in a process, median of {r['ns_runs']} processes interleaved and pinned to "
             f"one CPU (least and most of them in the second table). Every function of the fixture "
             f"starts a 64-byte line (`bench/spans/.cargo/config.toml`), so that where the linker put "
             f"it does not move these figures. For scale, two layers that are not probes: "
             f"`tracing_subscriber::layer::Identity`, which does nothing and inlines away, and a layer "
             f"whose callbacks test one flag (clear), as the probe's gate does: the least any layer "
             f"costs that may act after the registry's own work, since `Layered` then calls the "
             f"registry instead of jumping to it. `ProbeSubscriber` tests its enter and exit gates "
             f"before the registry, and untraced jumps to it.\n")
    L.append("| operation | registry | + Identity | + flag test | + ProbeLayer | ProbeSubscriber | "
             "ProbeLayer / registry | ProbeSubscriber / registry |")
    L.append("|---|---|---|---|---|---|---|---|")
    for unit, key, digits in [("instructions", "insn", 1), ("ns", "ns", 2)]:
        for case in CASES:
            reg, ident, flag, layer, sub = (r[(key, s, case)] for s in SUBSCRIBERS)
            L.append(f"| {CASE_LABEL[case]}, {unit} | {reg:.{digits}f} | {ident:.{digits}f} | "
                     f"{flag:.{digits}f} | {layer:.{digits}f} | {sub:.{digits}f} | {layer / reg:.2f}x | "
                     f"{sub / reg:.2f}x |")
    L.append("")
    L.append(f"| ns, least - most of {r['ns_runs']} processes | registry | + Identity | + flag test | "
             "+ ProbeLayer | ProbeSubscriber |")
    L.append("|---|---|---|---|---|---|")
    for case in CASES:
        spreads = [r[("ns_spread", s, case)] for s in SUBSCRIBERS]
        L.append(f"| {CASE_LABEL[case]} | " + " | ".join(f"{lo:.2f} - {hi:.2f}" for lo, hi in spreads) + " |")
    L.append("")
    # ProbeSubscriber is the probes within 1.2x of the registry alone. A layer cannot be: any
    # layer that may act after the registry makes `Layered` call it rather than jump to it, so
    # ProbeLayer is held to the least such a layer costs, one testing a flag.
    for unit, key, digits in [("instructions", "insn", 1), ("ns", "ns", 2)]:
        for case in CASES:
            reg, sub = r[(key, "registry", case)], r[(key, "subscriber", case)]
            targets.append((f"ProbeSubscriber untraced, {CASE_LABEL[case]}: {unit} <= 1.2x the "
                            f"registry alone", sub <= 1.2 * reg,
                            f"{sub:.{digits}f} vs {reg:.{digits}f} ({sub / reg:.2f}x)"))
    for unit, key, digits in [("instructions", "insn", 1), ("ns", "ns", 2)]:
        for case in CASES:
            reg, layer, flag = (r[(key, s, case)] for s in ("registry", "probe", "flag"))
            targets.append((f"ProbeLayer untraced, {CASE_LABEL[case]}: {unit} <= 1.05x a layer "
                            f"testing one flag", layer <= 1.05 * flag,
                            f"{layer:.{digits}f} vs {flag:.{digits}f} ({layer / flag:.2f}x; "
                            f"the registry alone {reg:.{digits}f}, {layer / reg:.2f}x)"))

    # Profile layers
    L.append(f"**Span profiles, cost per span**: the workload (a root span and a child, both "
             f"entered, the child allocating 64 bytes; {2 * r['n_cost']:,} spans) under each "
             f"profiler measuring one metric, then all four, less the same binary with the registry "
             f"alone (\"none\", with the same tracking allocator installed). CPU nanoseconds per span: of "
             f"the workload's thread, and of the whole process (the profilers' own threads "
             f"included, counted until they are idle). Median of {r['rounds']} interleaved runs. "
             f"tracing-prof gets a reporter that discards its samples (its pprof building is not "
             f"counted); usdt-tracing's figures include building its profile at the end.\n")
    L.append("| metric | usdt-tracing, thread | tracing-prof, thread | ratio | usdt-tracing, process | "
             "tracing-prof, process | ratio |")
    L.append("|---|---|---|---|---|---|---|")
    L.append(f"| none (registry alone), absolute | {r[('thread', 'ours', 'none')]:.0f} | "
             f"{r[('thread', 'tprof', 'none')]:.0f} | | {r[('process', 'ours', 'none')]:.0f} | "
             f"{r[('process', 'tprof', 'none')]:.0f} | |")
    for config in CONFIGS:
        row = [CONFIG_LABEL[config]]
        ratios = []
        for what in ["thread", "process"]:
            o, t = added(r, what, "ours", config), added(r, what, "tprof", config)
            ratios.append(o / t if t > 0 else float("inf"))
            row += [f"+{o:.0f}", f"+{t:.0f}", f"{ratios[-1]:.2f}x"]
        L.append("| " + " | ".join(row) + " |")
        targets.append((f"ProfileLayer, {CONFIG_LABEL[config]}: cost per span <= 0.5x tracing-prof's "
                        "(thread and process)", all(x <= 0.5 for x in ratios),
                        f"thread {ratios[0]:.2f}x, process {ratios[1]:.2f}x"))
    L.append("")

    sysb, ours_b, tprof_b = r["bytes", "system"], r["bytes", "ours"], r["bytes", "tprof"]
    L.append(f"**Bytes added per allocation**, by each tracking global allocator: {r['n_bytes']:,} "
             f"live allocations of 8 to 1000 bytes (average {r['requested']:.0f}), one in 20 aligned to "
             f"64 and one in 10 to 16, the rest to 8; the C heap in use (`mallinfo2`) per allocation, "
             f"less the system allocator's. usdt-tracing writes a 4-byte tag after the object; "
             f"tracing-prof an 8-byte one before it, padded to the alignment.\n")
    L.append("| allocator | heap per allocation | added |")
    L.append("|---|---|---|")
    L.append(f"| system | {sysb:.1f} B | |")
    L.append(f"| usdt-tracing `TrackingAllocator` | {ours_b:.1f} B | +{ours_b - sysb:.1f} B |")
    L.append(f"| tracing-prof `TrackingAllocator` | {tprof_b:.1f} B | +{tprof_b - sysb:.1f} B |")
    L.append("")
    targets.append(("TrackingAllocator: bytes added per allocation <= tracing-prof's",
                    ours_b - sysb <= tprof_b - sysb, f"+{ours_b - sysb:.1f} B vs +{tprof_b - sysb:.1f} B"))

    spans = 2 * r["n_memory"]
    L.append(f"**Memory held after {spans:,} spans** (every metric on): the C heap in use right "
             f"after the workload and once the profiler's thread is idle, less before it. "
             f"usdt-tracing's own count of what it holds (`Profiler::stats`) beside.\n")
    L.append("| profiler | right after | settled | its own count |")
    L.append("|---|---|---|---|")
    for impl, label in IMPLS.items():
        right, settled, own = r["memory", impl]
        own = kib(int(own)) if own.isdigit() else "n/a"
        L.append(f"| {label} | {kib(right)} | {kib(settled)} | {own} |")
    L.append("")
    right, settled, _ = r["memory", "ours"]
    targets.append((f"ProfileLayer: memory after {spans:,} spans bounded (< 1 MiB held)",
                    max(right, settled) < 1 << 20, f"{kib(right)} right after, {kib(settled)} settled"))

    L.append("Reproduce this section alone: `cargo build --release` in `bench/spans` "
             "(`CARGO_TARGET_DIR=target-bench`), then `spans-layers loop|time "
             "registry|identity|flag|probe|subscriber enter_exit|event N`, "
             "`spans-ours|spans-tprof cost CONFIG N`, `... bytes N`, `... memory N`.\n")
    L.append("| target | result | figures |\n|---|---|---|")
    for name, ok, fig in targets:
        L.append(f"| {name} | {'**PASS**' if ok else '**FAIL**'} | {fig} |")
    L.append("")
    return "\n".join(L) + "\n", targets


def section(args, run, log, out_dir, env):
    """Measure and report: (markdown, [(target, ok, figures)])."""
    return report(measure(args, run, log, out_dir, env))
