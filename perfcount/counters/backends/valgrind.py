"""``valgrind`` backend: deterministic instruction counts from callgrind.

The fork server itself runs under ``valgrind --tool=callgrind
--instr-atstart=no``; each forked candidate switches instrumentation on only
around its calls (``_native.callgrind_start()`` ... ``callgrind_stop(label)``),
which dumps ``cg.<pid>.<n>`` with ``desc: Trigger: Client Request: <label>``.
The parent reads the ``totals:`` line of that dump (``summary:`` is unreliable
in valgrind 3.19). Counts are those of callgrind's ``Ir`` event, reported as
``instructions``; they are not identical to hardware ``instructions:u``, so
compare within this backend only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from perfcount._util.stats import median_cv
from perfcount.counters.backends.base import Backend, Region, Summary
from perfcount.counters.callgrind import TIMEOUT_FACTOR, read_labelled_dumps, require_valgrind
from perfcount.counters.events import parse_events
from perfcount.counters.region import Counts
from perfcount.errors import BackendError, CandidateError, InvalidArgument

__all__ = ["ValgrindBackend"]


class ValgrindBackend(Backend):
    name = "valgrind"
    metric = "instructions"
    server = "valgrind"
    timeout_factor = TIMEOUT_FACTOR

    def default_events(self) -> list[str]:
        return ["instructions"]

    def check_events(self, events: list[str]) -> None:
        if [e.name for e in parse_events(events)] != ["instructions"]:
            raise InvalidArgument(
                f"the valgrind backend counts instructions only, not {list(events)}",
                hint="drop events=, or use backend='perf'/'software' for other events",
            )

    @staticmethod
    def running_under_callgrind() -> bool:
        """Whether this process runs under valgrind (so its regions can be counted by callgrind)."""
        try:
            from perfcount import _native
        except ImportError:
            return False
        return bool(_native.running_on_valgrind())

    def check_in_process(self) -> None:
        if not self.running_under_callgrind():
            raise BackendError(
                "backend='valgrind' in measure() needs this Python to run under callgrind",
                hint="use perfcount.profile(..., backend='valgrind') (the runner starts "
                "callgrind for you), or run Python under "
                "`valgrind --tool=callgrind --instr-atstart=no python ...`",
            )

    def check_available(self) -> None:
        require_valgrind()
        try:
            from perfcount import _native
        except ImportError as exc:
            raise BackendError(
                f"perfcount's native extension is missing ({exc}); the valgrind backend needs "
                "its callgrind client requests",
                hint="pip install -e . (rebuild perfcount)",
            ) from exc
        if not getattr(_native, "HAVE_CALLGRIND_REQUESTS", False):
            raise BackendError(
                "perfcount was built without valgrind's client-request headers, so the "
                "valgrind backend cannot count",
                hint="install valgrind (Debian: apt-get install valgrind) and reinstall perfcount",
            )

    @contextmanager
    def region(self, label: str) -> Iterator[Region]:
        from perfcount import _native

        out = Region()
        _native.callgrind_start()
        try:
            yield out
        finally:
            _native.callgrind_stop(label)

    def summarise(
        self, raw: list[dict[str, Any]], *, pid: int, label: str, out_dir: Path
    ) -> Summary:
        totals = read_labelled_dumps(out_dir, pid, label)
        if len(totals) > max(1, self.repeats):
            raise CandidateError(
                f"{len(totals)} callgrind dumps labelled {label!r} came from pid {pid} where "
                f"{max(1, self.repeats)} were expected: the candidate issued callgrind client "
                "requests itself, so its count cannot be trusted"
            )
        if not totals:
            raise BackendError(
                f"no callgrind dump labelled {label!r} from pid {pid} in {out_dir}",
                hint="is the fork server really running under valgrind --tool=callgrind?",
            )
        cost, cv = median_cv(totals)
        counts = Counts(data={"instructions": cost}, backend=self.name)
        return Summary(counts=counts, cost=cost, repeats=len(totals), cv=cv)
