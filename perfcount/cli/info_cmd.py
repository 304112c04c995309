"""``python -m perfcount info``: what this machine can measure, and why."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


class Command:
    name = "info"
    help = (
        "Show the kernel, perf_event_paranoid, PMU, which events open, every backend's "
        "availability and measured speed relative to native (cached per machine), NVML, the "
        "sandbox and the backend 'auto' picks (perf, else qemu, else valgrind, else software; "
        "with the reason)."
    )

    def prepare_parser(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--json", action="store_true", help="print machine-readable JSON")
        parser.add_argument(
            "--no-speed",
            action="store_true",
            help="do not measure or show the backends' speeds (the first measurement takes "
            "~20 s; later calls read the cache)",
        )
        parser.add_argument(
            "--remeasure", action="store_true", help="measure the backends' speeds again"
        )

    def run(self, args: argparse.Namespace) -> int:
        from perfcount.execute.info import info

        data = info(speed=not args.no_speed, refresh=args.remeasure)
        if args.json:
            json.dump(data, sys.stdout, indent=2, sort_keys=False)
            sys.stdout.write("\n")
            return 0
        render(data)
        return 0


def render(data: dict[str, Any]) -> None:
    """Rich tables for :func:`perfcount.info`'s dict."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    machine = Table(title="perfcount info", show_header=False, box=None, pad_edge=False)
    machine.add_column(style="bold")
    machine.add_column()
    pmu = data["pmu"]
    vg = data["valgrind"]
    nvml = data["nvml"]
    rows = [
        ("perfcount", f"{data['perfcount']} (native: {data['native']})"),
        ("kernel", f"{data['kernel']} ({data['machine']})"),
        (
            "cpu",
            f"{data['cpu_model']} × {data['cpus']}"
            + (" (virtual machine)" if data.get("hypervisor") else ""),
        ),
        ("python", data["python"]),
        ("perf_event_paranoid", str(data["perf_event_paranoid"])),
        (
            "hardware PMU",
            ("yes: " + ", ".join(pmu["cpu_pmus"]))
            if pmu["present"]
            else "[red]no[/] (no cpu PMU in /sys/bus/event_source/devices)",
        ),
        ("rdpmc", "n/a" if pmu["rdpmc"] is None else str(pmu["rdpmc"])),
        (
            "valgrind",
            f"{vg['version'] or '?'} at {vg['path']}" if vg["path"] else "[yellow]not installed[/]",
        ),
        (
            "NVML",
            "[green]available[/]" if nvml.get("available") else f"no ({nvml.get('reason')})",
        ),
        ("auto backend", f"[bold]{data['backend']['auto']}[/]: {data['backend']['reason']}"),
        ("sandbox", data["sandbox"]["summary"] if "sandbox" in data else "?"),
        ("fingerprint", data["fingerprint"]),
    ]
    for key, value in rows:
        machine.add_row(key, value)
    console.print(machine)

    events = Table(title="events")
    events.add_column("event")
    events.add_column("status")
    for name, status in data["events"].items():
        events.add_row(name, "[green]ok[/]" if status == "ok" else f"[red]{status}[/]")
    console.print(events)
    backends = Table(title="backends")
    backends.add_column("backend")
    backends.add_column("available")
    backends.add_column("CPU time × native", justify="right")
    for name, b in data.get("backends", {}).items():
        ratio = b.get("x_native")
        speed = f"{ratio:.1f}" if ratio is not None else (b.get("error") or "-")
        state = "[green]yes[/]" if b.get("available") else f"[red]no[/]: {b.get('reason')}"
        backends.add_row(name, state, speed)
    console.print(backends)
    sp = data.get("speeds") or {}
    if sp:
        origin = "cached" if sp.get("cached") else "measured now"
        note = f"; {sp['cache_error']}" if sp.get("cache_error") else ""
        console.print(
            f"speeds: {sp.get('workload')}, native {sp.get('native_cpu_s') or 0:.4f} s CPU, "
            f"{origin} {sp.get('measured')} ({sp.get('cache_file')}{note})"
        )
    for gpu in nvml.get("gpus", []) if isinstance(nvml.get("gpus"), list) else []:
        console.print(f"GPU {gpu.get('index')}: {gpu.get('name')} ({gpu.get('uuid')})")
