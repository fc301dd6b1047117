"""Run-time providers (usdt-dynamic) beside static probes, in one binary and one run.

- untraced: callgrind instructions per iteration of `Probe::fire` (and `is_enabled()` then
  `fire`) against the static site of the same probe, minus the empty loop;
- traced: nanoseconds per fire while one bpftrace session counts both the static and the
  dynamic probes of the same process, same arguments, median of interleaved runs;
- load: the time to load a provider of 1, 100 and 1,000 probes, and the memory per probe.

Called by run.py (`measure`, then `report`); the fixture is bench/dynamic/.
"""

import signal
import statistics
import subprocess
from pathlib import Path

BENCH = Path(__file__).resolve().parent
CASES = ["p0", "p1", "pstr"]
LABEL = {"p0": "0 args", "p1": "`u64`", "pstr": "(`&str`, `u8`)"}
LOAD_SIZES = [1, 100, 1000]


def build(run, env, out):
    run(["cargo", "build", "--release", "--quiet"], cwd=BENCH / "dynamic", env=env)
    return out / "release" / "bench-dynamic"


def untraced(binary, n, callgrind_ir):
    base = callgrind_ir(binary, "none", n)
    res = {}
    for case in [f"{k}_{c}" for c in CASES for k in ("s", "d")] + ["g_p1"]:
        res[case] = (callgrind_ir(binary, case, n) - base) / n
    return res


def traced_once(binary, order, n, log):
    """One process running `order` (cases, repeated) with n fires each, while one bpftrace
    session counts every probe; nanoseconds per fire of each case over all its chunks."""
    proc = subprocess.Popen([str(binary), "traced", ",".join(order), str(n)], text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    path = proc.stdout.readline().split(" ", 1)[1].strip()
    specs = [f"usdt:{binary}:bench:{c}" for c in CASES] + [f"usdt:{path}:benchd:{c}" for c in CASES]
    tracer = subprocess.Popen(["bpftrace", "-e", ",".join(specs) + " { @[probe] = count(); }"],
                              text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    for line in tracer.stdout:
        if line.startswith("Attaching"):
            break
    proc.stdin.write("go\n")
    proc.stdin.flush()
    total = {}
    for line in proc.stdout:
        if line.startswith("RESULT"):
            f = dict(kv.split("=") for kv in line.split()[1:])
            ns, fires = total.get(f["case"], (0, 0))
            total[f["case"]] = (ns + int(f["ns"]), fires + int(f["n"]))
    proc.wait()
    tracer.send_signal(signal.SIGINT)
    out = tracer.communicate(timeout=300)[0]
    counts = {}
    for line in out.splitlines():
        if line.startswith("@[usdt:"):
            key, value = line.rsplit(":", 1)
            probe = key.rsplit(":", 1)[1].rstrip("]")
            counts[probe] = counts.get(probe, 0) + int(value)
    for c in CASES:
        want = total[f"s_{c}"][1] + total[f"d_{c}"][1]
        if counts.get(c) != want:
            raise SystemExit(f"dynamic bench: bpftrace counted {counts.get(c)} fires of {c}, "
                             f"expected {want}\n{out[-2000:]}")
    return {case: ns / fires for case, (ns, fires) in total.items()}


def traced(binary, n, runs, chunks, log):
    """Each run times `chunks` alternating chunks of n / chunks fires of the static and the
    dynamic probe, so that both see the same machine; medians over runs."""
    samples = {}
    order = []
    for i in range(chunks):
        for c in CASES:
            order += [f"s_{c}", f"d_{c}"] if i % 2 == 0 else [f"d_{c}", f"s_{c}"]
    for r in range(runs):
        for case, ns in traced_once(binary, order, max(n // chunks, 1), log).items():
            samples.setdefault(case, []).append(ns)
        log(f"dynamic traced run {r + 1}/{runs} done")
    return {k: statistics.median(v) for k, v in samples.items()}


def load(binary, runs, run):
    res = {}
    for count in LOAD_SIZES:
        line = run([str(binary), "load", str(count), str(runs)]).strip().splitlines()[-1]
        f = dict(kv.split("=") for kv in line.split()[1:])
        res[count] = {k: int(v) for k, v in f.items()}
    return res


def measure(args, run, env, out, log, callgrind_ir):
    binary = build(run, env, out)
    log("4. run-time providers (usdt-dynamic)")
    m = {"untraced": untraced(binary, args.loop_n, callgrind_ir)}
    log(f"   untraced: {m['untraced']}")
    m["traced"] = traced(binary, args.fires, args.runs, 2 if args.quick else 20, log)
    m["load"] = load(binary, 3 if args.quick else 21, run)
    log(f"   load: {m['load']}")
    return m


def report(m):
    """The BENCHMARKS.md section and its targets: (markdown, [(name, ok, figure)])."""
    u, t, ld = m["untraced"], m["traced"], m["load"]
    L = ["", "## Run-time providers (`usdt-dynamic`)", "",
         "One binary (`bench/dynamic/`) holds `bench.d`'s static probes and a provider "
         "`benchd` defined at run time with the same probes, loaded from a memfd. Untraced: "
         "callgrind instructions per loop iteration minus the empty loop; the probe handle is "
         "a field of a static, so each iteration loads the semaphore's address from it. "
         "Traced: one `bpftrace` session counts both providers' probes while the program "
         "times 2M fires of each in 20 alternating chunks, so that both see the same machine "
         "(median of runs, counts checked).", "",
         "| probe | static site, instr | `fire`, instr | traced static, ns | traced `fire`, ns | ratio |",
         "|---|---|---|---|---|---|"]
    targets = []
    for c in CASES:
        ratio = t[f"d_{c}"] / t[f"s_{c}"]
        L.append(f"| {LABEL[c]} | {u[f's_{c}']:.2f} | {u[f'd_{c}']:.2f} | {t[f's_{c}']:.0f} | "
                 f"{t[f'd_{c}']:.0f} | {ratio:.2f}x |")
        targets.append((f"dynamic untraced {c}: fire within 1 instruction of the static site",
                        u[f"d_{c}"] - u[f"s_{c}"] <= 1.0 + 1e-9,
                        f"{u[f'd_{c}']:.2f} vs {u[f's_{c}']:.2f}"))
        targets.append((f"dynamic traced {c}: within 1.10x of the static probe", ratio <= 1.10,
                        f"{ratio:.2f}x"))
    L += ["", f"`if probe.is_enabled() {{ probe.fire((x,)) }}`: {u['g_p1']:.2f} instructions "
          f"untraced (the static `u64` site: {u['s_p1']:.2f}).", ""]
    targets.append(("dynamic untraced is_enabled() + fire within 1 instruction of the static site",
                    u["g_p1"] - u["s_p1"] <= 1.0 + 1e-9, f"{u['g_p1']:.2f} vs {u['s_p1']:.2f}"))
    L += ["| probes | load (median) | object | mapped |", "|---|---|---|---|"]
    for count in LOAD_SIZES:
        r = ld[count]
        L.append(f"| {count:,} | {r['ns'] / 1e3:,.0f} µs | {r['object']:,} B | {r['mapped']:,} B |")
    lo, hi = ld[LOAD_SIZES[0]], ld[LOAD_SIZES[-1]]
    span = LOAD_SIZES[-1] - LOAD_SIZES[0]
    L += ["", f"Per probe, from 1 to 1,000 probes: {(hi['object'] - lo['object']) / span:.0f} bytes "
          f"of object and {(hi['mapped'] - lo['mapped']) / span:.0f} bytes mapped "
          f"(a stub, a dynamic symbol and its name, a note, a 2-byte semaphore), "
          f"{(hi['ns'] - lo['ns']) / span / 1e3:.2f} µs of load time.", "", "Targets:", ""]
    L += [f"- {'**PASS**' if ok else '**FAIL**'} {name}: {fig}" for name, ok, fig in targets]
    return "\n".join(L) + "\n", targets
