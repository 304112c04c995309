"""Connecting to Dask: the CLI's ``--dask`` value -> a checked ``distributed.Client``.

- :func:`parse_spec` reads ``local`` / ``local:N`` (a ``LocalCluster`` of N
  single-threaded worker processes on loopback) or ``tcp://HOST:PORT`` (or
  ``tls://``, ``ucx://``, ``inproc://``: a running scheduler).
- :func:`connect` opens the client (and the local cluster), fails fast on a
  scheduler address nobody listens on, waits for a first worker, and checks
  that every worker runs this perfcount version
  (:func:`worker_identities`).

The client then goes to ``perfcount.evaluate(executor=client)``, which wraps
it in :class:`perfcount.pipeline.distributed.DaskExecutor` (retries, task
keys). Dask is optional (``pip install 'perfcount[dask]'``); nothing here
imports it until a cluster is actually used.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Callable, Iterator
from typing import Any

from perfcount._version import __version__
from perfcount.errors import BackendError, InvalidArgument

__all__ = ["INSTALL_HINT", "connect", "parse_spec", "require_distributed", "worker_identities"]

INSTALL_HINT = "pip install 'perfcount[dask]'"
_LOCAL = re.compile(r"^local(?::(\d+))?$")
_REMOTE = re.compile(r"^(tcp|tls|ucx|inproc)://\S+$")
_START_HINT = (
    "start one with `dask scheduler` (port 8786) and workers with "
    "`dask worker tcp://HOST:8786 --nthreads 1`, or use --dask local:N"
)


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
            f"cannot reach the Dask scheduler at {address} ({exc})", hint=_START_HINT
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
            from perfcount.pipeline.evaluation import default_workers

            n = int(arg) or default_workers()
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
                    f"cannot reach the Dask scheduler at {arg} ({exc})", hint=_START_HINT
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
