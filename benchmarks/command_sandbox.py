"""What the command jail costs: wall time per trivial C candidate, unjailed and jailed, in one run.

Each candidate is a distinct trivial C program (so each one is built), built
and profiled once on one input through :class:`CommandRunner` with
``sandbox=False`` (the code path of before the jail: the compiler and the
program run as this user with the caller's environment) and with
``sandbox=True`` (a jail process per build and per ``profile`` call), the two
alternating round by round. It prints the median build, run and total
seconds per candidate of each and the ratio jailed/unjailed. With
``--counts`` it also prints the deterministic instruction count of one
program (valgrind, and qemu when installed) unjailed and jailed in the same
environment, and unjailed in the caller's whole environment.

    python benchmarks/command_sandbox.py [--candidates 8] [--rounds 3] [--counts]
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import statistics
import sys
import tempfile
import time

from perfcount.execute import jail

TRIVIAL = r"""
#include <stdio.h>
int main(void) {
    int n = 0;
    if (scanf("%d", &n) != 1) return 1;
    printf("%d\n", n + 1);
    return 0;
}
/* candidate %s */
"""

SUM_C = r"""
#include <stdio.h>
int main(void) {
    long n, s = 0;
    if (scanf("%ld", &n) != 1) return 3;
    for (long i = 1; i <= n; i++) s += i % 7;
    printf("%ld\n", s);
    return 0;
}
"""


def _round(sandbox: bool, n: int, tag: str) -> tuple[list[float], list[float]]:
    from perfcount.execute.commands import CommandRunner, CommandSpec

    builds, runs = [], []
    with CommandRunner(
        CommandSpec.create("c"), "software", repeats=1, timeout=20, sandbox=sandbox
    ) as r:
        for i in range(n):
            source = TRIVIAL.replace("%s", f"{tag}-{i}")
            t0 = time.perf_counter()
            built = r.build(source)
            t1 = time.perf_counter()
            prof = r.profile(source, "", ["41"])
            t2 = time.perf_counter()
            if not built.ok or prof.status != "ok" or prof.outputs != ["42\n"]:
                sys.exit(f"candidate failed (sandbox={sandbox}): {built.error or prof.error}")
            builds.append(t1 - t0)
            runs.append(t2 - t1)
    return builds, runs


def _counts() -> None:
    import os

    import perfcount
    from perfcount.execute.commands import CommandRunner, CommandSpec

    backends = [
        b for b, tool in (("valgrind", "valgrind"), ("qemu", "qemu-x86_64")) if shutil.which(tool)
    ]
    for backend in backends:
        spec = CommandSpec.create("c")
        with CommandRunner(spec, backend, timeout=20, sandbox=False) as r:
            before = r.profile(SUM_C, "", ["2000"]).cost
        with CommandRunner(spec, backend, timeout=20) as r:
            jailed = r.profile(SUM_C, "", ["2000"]).cost
            built = r.build(SUM_C)
            assert built.program is not None
            # the program unjailed at the path it has in the jail, in the same environment
            at = jail.JAIL_ROOT / built.directory.name
            at.mkdir(parents=True)
            try:
                shutil.copy2(built.program, at / "candidate")
                same = perfcount.run(
                    [str(at / "candidate")],
                    stdin="2000",
                    env=jail.environment(at, None, build=False),
                    cwd=at,
                    backend=backend,
                    timeout=60,
                ).counts["instructions"]
            finally:
                shutil.rmtree(at)
                with contextlib.suppress(OSError):
                    jail.JAIL_ROOT.rmdir()
        print(
            f"{backend}: jailed {jailed:.0f}; unjailed at the same path and environment "
            f"{same:.0f} ({'identical' if jailed == same else 'DIFFERENT'}); "
            f"sandbox=False (the caller's {len(os.environ)} variables, the host path) {before:.0f}"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--candidates", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--counts", action="store_true")
    args = ap.parse_args()
    if shutil.which("gcc") is None:
        sys.exit("gcc is not installed")
    times: dict[bool, tuple[list[float], list[float]]] = {False: ([], []), True: ([], [])}
    for rnd in range(args.rounds):
        for sandbox in (False, True) if rnd % 2 == 0 else (True, False):
            b, r = _round(sandbox, args.candidates, f"{rnd}-{sandbox}")
            times[sandbox][0].extend(b)
            times[sandbox][1].extend(r)
    n = args.candidates * args.rounds
    print(
        f"{n} trivial C candidates each way (build + profile on one input, software backend; "
        f"one runner per {args.candidates}: its jail starts with the first)"
    )
    for what, pick in (("build", 0), ("run", 1), ("build + run", 2)):
        for name, agg in (("median", statistics.median), ("mean", statistics.fmean)):
            value = {}
            for s_, (b, r) in times.items():
                series = b if pick == 0 else r if pick == 1 else [x + y for x, y in zip(b, r)]
                value[s_] = agg(series)
            print(
                f"{what:>12} {name:>6}: unjailed {value[False] * 1000:7.1f} ms, "
                f"jailed {value[True] * 1000:7.1f} ms, ratio {value[True] / value[False]:.2f}"
            )
    starts = []
    for _ in range(5):
        t0 = time.perf_counter()
        with tempfile.TemporaryDirectory() as d, jail.Jail(d):
            pass
        starts.append(time.perf_counter() - t0)
    print(
        f"a jail's start and end (once per runner): median {statistics.median(starts) * 1000:.0f} ms"
    )
    if args.counts:
        _counts()


if __name__ == "__main__":
    main()
