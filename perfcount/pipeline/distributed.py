"""Evaluate past one machine: the Dask glue behind ``evaluate(executor=client)``.

The unit of work stays one task (:func:`perfcount.pipeline.evaluation.evaluate_task`):
a task's references and all its candidates are profiled on the same worker,
so DPE's rule holds — references are re-measured on the machine that measures
the candidates and cached there per machine fingerprint. Each task line
records the worker's ``fingerprint`` and ``hostname`` (and here the Dask
worker address, ``dask_worker``).

- :class:`DaskExecutor` gives a ``distributed.Client`` the
  ``concurrent.futures`` face :func:`perfcount.evaluate` drives (``submit``
  returning futures with ``add_done_callback``/``result``/``cancel``), and
  submits with ``retries=`` (an exception on a worker is retried), ``pure=False``
  (a task is never served from a stale result) and a readable key per task.
  ``evaluate(executor=client)`` wraps a bare ``Client`` in one automatically.
  On the worker, ``evaluate_task`` reuses one long-lived ``Runner`` per worker
  thread, so a worker pays the fork server's start-up once, not per task.
- A worker lost mid-task (killed, OOM, node gone): the scheduler re-runs the
  task elsewhere (up to ``distributed.scheduler.allowed-failures`` times,
  default 3, then ``KilledWorker``, reported as a :class:`BackendError`).
  ``evaluate_task`` is idempotent and the results writer drops a task id
  already written, so every task lands in the results file exactly once.
- :func:`connect` turns the CLI's ``--dask`` value into a client:
  ``local:N`` starts a ``LocalCluster`` of N single-threaded worker
  processes on loopback; ``tcp://HOST:PORT`` (or ``tls://``) joins a running
  scheduler.

Dask is optional (``pip install 'perfcount[dask]'``); nothing here imports it
until a cluster is actually used.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from perfcount._version import __version__
from perfcount.errors import BackendError, InvalidArgument

__all__ = [
    "DEFAULT_RETRIES",
    "INSTALL_HINT",
    "DaskExecutor",
    "as_executor",
    "connect",
    "is_dask_client",
    "require_distributed",
]

INSTALL_HINT = "pip install 'perfcount[dask]'"
#: retries of a task that raised on a worker (lost workers are re-run by the scheduler)
DEFAULT_RETRIES = 2
_LOCAL = re.compile(r"^local(?::(\d+))?$")
_REMOTE = re.compile(r"^(tcp|tls|ucx|inproc)://\S+$")


def require_distributed() -> Any:
    """The ``distributed`` module, or a clear error naming the extra to install."""
    try:
        import distributed
    except ImportError as exc:
        raise BackendError(
            f"Dask is not installed ({exc})",
            hint=f"{INSTALL_HINT} to evaluate on a Dask cluster",
        ) from None
    return distributed


def is_dask_client(obj: Any) -> bool:
    """True for a ``distributed.Client`` (or subclass), without importing Dask."""
    return any(
        c.__name__ == "Client" and c.__module__.split(".")[0] == "distributed"
        for c in type(obj).__mro__
    )


def as_executor(executor: Any, *, retries: int = DEFAULT_RETRIES) -> Any:
    """A bare ``distributed.Client`` → :class:`DaskExecutor`; anything else unchanged."""
    if is_dask_client(executor):
        return DaskExecutor(executor, retries=retries)
    return executor


def _task_key(fn: Callable[..., Any], args: tuple[Any, ...]) -> str:
    name = getattr(fn, "__name__", "call")
    tid = getattr(args[0], "task_id", None) if args else None
    parts = ["perfcount", name]
    if tid is not None:
        parts.append(re.sub(r"[^A-Za-z0-9_.]+", "_", str(tid))[:60])
    return "-".join([*parts, uuid.uuid4().hex[:12]])


# per worker thread: long-lived Runners, keyed by (backend, timeout, memory_mb)
_local = threading.local()


def _worker_runner(config: Mapping[str, Any]) -> Any:
    """This worker thread's Runner for ``config`` (started once, reused by later tasks)."""
    from perfcount.execute.runner import Runner

    key = (config.get("backend", "auto"), config.get("timeout"), config.get("memory_mb"))
    runners: dict[tuple[Any, ...], Any] = _local.__dict__.setdefault("runners", {})
    runner = runners.get(key)
    if runner is None:
        runner = runners[key] = Runner(key[0], timeout=key[1], memory_mb=key[2])
    return runner


def _drop_worker_runners() -> None:
    for runner in _local.__dict__.pop("runners", {}).values():
        with contextlib.suppress(Exception):
            runner.close()


def _on_worker(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run ``fn`` on a Dask worker; a task group's task line gets the worker's address.

    ``evaluate_task(task, samples, config)`` runs with this worker thread's
    long-lived Runner, as local mode does with its one Runner: a fork server
    (seconds to start under valgrind) serves every task the worker gets, not
    one per task. After a failure the Runner is dropped, so a retry starts
    from a fresh one.
    """
    from perfcount.pipeline.evaluation import evaluate_task

    if fn is evaluate_task and len(args) == 3 and not kwargs:
        try:
            result = fn(*args, _worker_runner(args[2]))
        except BaseException:
            _drop_worker_runners()
            raise
    else:
        result = fn(*args, **kwargs)
    if isinstance(result, list) and result:
        last = result[-1]
        if isinstance(last, dict) and last.get("kind") == "task":
            try:
                from distributed import get_worker

                last["dask_worker"] = get_worker().address
            except (ImportError, ValueError):
                pass  # not on a worker (e.g. a client in-process test)
    return result


class _DaskFuture:
    """A ``distributed.Future`` with ``concurrent.futures`` callback semantics.

    ``add_done_callback(fn)`` calls ``fn(self)`` (this wrapper), and
    ``result()`` reports a task that kept killing its workers as a
    :class:`BackendError` instead of Dask's ``KilledWorker``.
    """

    def __init__(self, future: Any, key: str) -> None:
        self.future = future
        self.key = key

    def add_done_callback(self, fn: Callable[[Any], Any]) -> None:
        self.future.add_done_callback(lambda _f: fn(self))

    def result(self, timeout: float | None = None) -> Any:
        try:
            return self.future.result(timeout=timeout)
        except Exception as exc:
            if type(exc).__name__ == "KilledWorker":
                raise BackendError(
                    f"Dask task {self.key} was running on workers that died, too often ({exc})",
                    hint="a worker process was killed (out of memory? the node lost?); check the "
                    "worker logs, give workers more memory, or raise "
                    "distributed.scheduler.allowed-failures; finished tasks are saved and a "
                    "rerun resumes",
                ) from exc
            raise

    def exception(self, timeout: float | None = None) -> BaseException | None:
        return self.future.exception(timeout=timeout)

    def done(self) -> bool:
        return bool(self.future.done())

    def cancel(self) -> bool:
        self.future.cancel()
        return True

    def __repr__(self) -> str:
        return f"<perfcount DaskFuture {self.key} {self.future.status}>"


class DaskExecutor:
    """``concurrent.futures.Executor``-like face of a ``distributed.Client``.

    ``submit(fn, *args)`` runs ``fn`` on some worker with ``retries`` retries
    on exceptions and ``pure=False``; the key names the task id when the
    first argument has one (``perfcount-evaluate_task-<task_id>-<random>``),
    which is what the Dask dashboard shows. The client is not owned:
    ``shutdown`` only cancels what this executor submitted when asked to.
    """

    def __init__(self, client: Any, *, retries: int = DEFAULT_RETRIES) -> None:
        if int(retries) < 0:
            raise InvalidArgument("retries must be ≥ 0")
        self.client = client
        self.retries = int(retries)
        self._futures: list[_DaskFuture] = []

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> _DaskFuture:
        key = _task_key(fn, args)
        fut = self.client.submit(
            _on_worker, fn, *args, key=key, pure=False, retries=self.retries, **kwargs
        )
        wrapped = _DaskFuture(fut, key)
        self._futures.append(wrapped)
        return wrapped

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if cancel_futures:
            for fut in self._futures:
                if not fut.done():
                    fut.cancel()
        self._futures = []

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown(cancel_futures=exc[0] is not None)


def _worker_identity() -> dict[str, Any]:
    """What a worker reports about itself when a client connects."""
    import socket

    import perfcount
    from perfcount.counters.host import fingerprint

    return {
        "perfcount": perfcount.__version__,
        "python": sys.version.split()[0],
        "hostname": socket.gethostname(),
        "pid": os.getpid(),
        "fingerprint": fingerprint(),
    }


def worker_identities(client: Any) -> dict[str, dict[str, Any]]:
    """Worker address → perfcount version, python, hostname, pid, machine fingerprint."""
    return dict(client.run(_worker_identity))


def _check_workers(client: Any) -> dict[str, dict[str, Any]]:
    try:
        ids = worker_identities(client)
    except Exception as exc:
        raise BackendError(
            f"the Dask workers cannot import perfcount ({type(exc).__name__}: {exc})",
            hint=f"install perfcount {__version__} (same version) in every worker's environment",
        ) from None
    wrong = {a: i["perfcount"] for a, i in ids.items() if i["perfcount"] != __version__}
    if wrong:
        listed = ", ".join(f"{a} has {v}" for a, v in sorted(wrong.items()))
        raise BackendError(
            f"Dask workers run another perfcount version than this client ({__version__}): "
            f"{listed}",
            hint="install the same perfcount version on the client and every worker",
        )
    return ids


def parse_spec(spec: str) -> tuple[str, int | str]:
    """``local`` / ``local:N`` → ("local", N or 0); ``tcp://H:P`` → ("remote", address)."""
    text = spec.strip()
    m = _LOCAL.match(text)
    if m:
        n = int(m.group(1)) if m.group(1) else 0
        if m.group(1) and n < 1:
            raise InvalidArgument(f"--dask {spec!r}: a local cluster needs at least 1 worker")
        return "local", n
    if _REMOTE.match(text):
        return "remote", text
    raise InvalidArgument(
        f"--dask {spec!r} is neither local:N nor a scheduler address",
        hint="use --dask local:2 (a cluster of 2 worker processes on this machine) or "
        "--dask tcp://HOST:8786 (a running dask scheduler)",
    )


def _probe(address: str) -> None:
    """Fail fast on a TCP scheduler address nobody listens on (Dask retries for a minute)."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(address)
    if parts.scheme not in ("tcp", "tls") or parts.hostname is None:
        return
    try:
        port = parts.port or 8786
    except ValueError:
        raise InvalidArgument(f"--dask {address!r}: bad port") from None
    try:
        with socket.create_connection((parts.hostname, port), timeout=10):
            pass
    except OSError as exc:
        raise BackendError(
            f"cannot reach the Dask scheduler at {address} ({exc})",
            hint="start one with `dask scheduler` (port 8786) and workers with "
            "`dask worker tcp://HOST:8786 --nthreads 1`, or use --dask local:N",
        ) from None


@contextlib.contextmanager
def connect(
    spec: str,
    *,
    timeout: float = 60.0,
    log: Callable[[str], None] | None = None,
) -> Iterator[Any]:
    """A ``distributed.Client`` for ``spec``, closed (with its local cluster) on exit.

    ``local:N`` starts ``LocalCluster(n_workers=N, threads_per_worker=1,
    processes=True)`` bound to 127.0.0.1 with no dashboard (``local`` alone:
    cores − 1 workers); ``tcp://HOST:PORT`` connects to a running scheduler
    and waits up to ``timeout`` seconds for a first worker. Every worker must
    run this perfcount version (checked).
    """
    distributed = require_distributed()
    kind, arg = parse_spec(spec)
    say = log or (lambda _msg: None)
    with contextlib.ExitStack() as stack:
        if kind == "local":
            from perfcount.pipeline.evaluation import _default_workers

            n = int(arg) or _default_workers()
            cluster = stack.enter_context(
                distributed.LocalCluster(
                    n_workers=n,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=None,
                )
            )
            client = stack.enter_context(distributed.Client(cluster))
            say(f"local Dask cluster: {n} worker process(es) at {cluster.scheduler_address}")
        else:
            _probe(str(arg))
            try:
                client = stack.enter_context(distributed.Client(str(arg), timeout=timeout))
            except OSError as exc:
                raise BackendError(
                    f"cannot reach the Dask scheduler at {arg} ({exc})",
                    hint="start one with `dask scheduler` (port 8786) and workers with "
                    "`dask worker tcp://HOST:8786 --nthreads 1`, or use --dask local:N",
                ) from None
            try:
                client.wait_for_workers(1, timeout=timeout)
            except TimeoutError:
                raise BackendError(
                    f"the Dask scheduler at {arg} has no workers (waited {timeout:g} s)",
                    hint="start workers with `dask worker tcp://HOST:8786 --nthreads 1`",
                ) from None
        ids = _check_workers(client)
        hosts = sorted({i["hostname"] for i in ids.values()})
        fps = {i["fingerprint"] for i in ids.values()}
        say(
            f"{len(ids)} Dask worker(s) on {len(hosts)} host(s) ({', '.join(hosts[:4])}"
            f"{', ...' if len(hosts) > 4 else ''}), {len(fps)} machine type(s)"
        )
        yield client
