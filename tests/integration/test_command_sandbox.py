"""Command candidates build and run in the jail (perfcount.execute.jail): each attack found is a test.

Real compilers (gcc), real processes, real files. Where a test shows that the
jail stops something, a control run with ``sandbox=False`` (or the bare
compiler) shows that the attack works without it, so the test can fail.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

import perfcount
from perfcount.execute import jail
from perfcount.execute.commands import CommandRunner, CommandSpec
from perfcount.execute.sandbox import CANDIDATE_UID_BASE

pytestmark = [
    pytest.mark.skipif(shutil.which("gcc") is None, reason="gcc is not installed"),
    pytest.mark.skipif(os.geteuid() != 0, reason="the full jail needs root"),
]


@pytest.fixture
def outside():
    """A world-readable folder outside /tmp (the jail's /tmp is private): /var/tmp/perfcount-test-*."""
    folder = Path(os.path.realpath(tempfile.mkdtemp(prefix="perfcount-test-", dir="/var/tmp")))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _c(**kw) -> CommandRunner:
    return CommandRunner(
        CommandSpec.create("c", **kw.pop("spec", {})), "software", repeats=1, timeout=20, **kw
    )


def _survivors(marker: str, wait: float = 2.0) -> list[str]:
    """Live processes of a candidate uid whose command line holds ``marker``.

    Other candidates (other tests, other users of the machine) are not ours:
    only the marker (the runner's build folder, or a word in the command)
    names them. Processes killed a moment ago may take a little while to go.
    """
    end = time.monotonic() + wait
    while True:
        found = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                st = os.stat(f"/proc/{entry}")
                with open(f"/proc/{entry}/stat") as f:
                    state = f.read().rsplit(")", 1)[1].split()[0]
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    cmdline = f.read().replace(b"\0", b" ").decode("utf-8", "replace")
            except OSError:
                continue
            if st.st_uid >= CANDIDATE_UID_BASE and state not in "ZX" and marker in cmdline:
                found.append(f"{entry}: {cmdline}")
        if not found or time.monotonic() > end:
            return found
        time.sleep(0.05)


# --------------------------------------------------------------------------
# reading files at build time


def test_a_root_only_file_cannot_be_included(outside: Path) -> None:
    secret = outside / "secret.h"
    secret.write_text("#define SECRET 42\n")
    secret.chmod(0o600)  # root's only
    source = f'#include "{secret}"\nint main(void) {{ return SECRET - 42; }}\n'
    with _c() as r:
        built = r.build(source)
        assert not built.ok
        assert "Permission denied" in built.error, built.error
        assert r.check(source, "", [""], [""]).status == "build_failed"
    with _c(sandbox=False) as r:  # control: as root the build reads it
        assert r.build(source).ok


def test_etc_shadow_is_not_readable_nor_quoted() -> None:
    if not os.path.exists("/etc/shadow"):
        pytest.skip("no /etc/shadow here")
    with _c() as r:
        built = r.build('#include "/etc/shadow"\nint main(void) { return 0; }\n')
    assert not built.ok and "Permission denied" in built.error, built.error
    lines = [ln for ln in Path("/etc/shadow").read_text().splitlines() if ln.strip()]
    assert not any(ln in built.error for ln in lines)
    assert not any(ln.split(":", 1)[0] + ":" in built.error for ln in lines)


def test_messages_quoting_files_outside_the_build_folder_are_left_out(outside: Path) -> None:
    public = outside / "public.h"
    public.write_text("PERFCOUNT_MARKER_7f3a is not C at all;\n")
    public.chmod(0o644)
    source = f'#include "{public}"\nint main(void) {{ return undefined_name; }}\n'
    # control: gcc itself quotes the included file's text
    (outside / "main.c").write_text(source)
    raw = subprocess.run(
        ["gcc", "-c", "main.c", "-o", "/dev/null"], cwd=outside, capture_output=True, text=True
    ).stderr
    assert "PERFCOUNT_MARKER_7f3a" in raw
    with _c() as r:
        built = r.build(source)
    assert not built.ok
    assert "PERFCOUNT_MARKER_7f3a" not in built.error, built.error
    assert "left out: " + str(public) in built.error
    # the candidate's own diagnostics stay useful
    assert "main.c:2:" in built.error and "undefined_name" in built.error
    assert "undefined_name" in built.summary or "error" in built.summary


def test_scrub_keeps_own_messages_and_drops_foreign_ones() -> None:
    text = (
        "In file included from main.c:1:\n"
        "/etc/passwd:1:5: error: expected ';' before ':' token\n"
        "    1 | root:x:0:0:root:/root:/bin/bash\n"
        "      |     ^\n"
        "../../etc/hosts:2:1: error: unknown type name 'localhost'\n"
        "main.c:3:12: error: 'x' undeclared\n"
        "    3 |     return x;\n"
        "      |            ^\n"
        "collect2: error: ld returned 1 exit status\n"
    )
    out = jail.scrub_build_output(text, "/tmp/perfcount-cmd-1/abc")
    assert "root:x" not in out and "localhost" not in out
    assert "main.c:3:12: error: 'x' undeclared" in out and "return x;" in out
    assert "In file included from main.c:1:" in out and "collect2" in out
    assert "2 compiler messages located in files outside the build folder" in out


# --------------------------------------------------------------------------
# resources at build time


def test_include_dev_zero_is_build_failed_by_the_memory_limit() -> None:
    spec = CommandSpec.create("c", build_timeout=120)
    t0 = time.monotonic()
    with CommandRunner(spec, "software", repeats=1, timeout=20) as r:
        built = r.build('#include "/dev/zero"\nint main(void) { return 0; }\n')
        prof = r.profile('#include "/dev/zero"\n', "", [""])
        elapsed = time.monotonic() - t0
        assert not built.ok and not built.timed_out, built.error
        assert "out of memory" in built.why and f"{jail.BUILD_MEMORY_MB} MiB" in built.why
        assert built.summary.startswith("build failed: it ran out of memory"), built.summary
        assert prof.status == "build_failed" and "out of memory" in prof.error
        # the evaluator survives and the runner still builds honest code
        assert r.build("int main(void) { return 0; }\n").ok
    print(f"two /dev/zero builds ended by the memory limit in {elapsed:.1f} s")


# --------------------------------------------------------------------------
# writing files, uid


WRITER_C = r"""
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv) {
    FILE *f = fopen(argv[1], "w");
    printf("outside:%s\n", f ? "written" : strerror(errno));
    if (f) { fputs("forged", f); fclose(f); }
    FILE *g = fopen("own.txt", "w");
    printf("own:%s\n", g ? "written" : strerror(errno));
    if (g) fclose(g);
    printf("uid:%d\n", (int)getuid());
    return 0;
}
"""


def test_a_candidate_writes_only_its_own_folder_as_its_own_uid(outside: Path) -> None:
    cache = outside / "references"
    cache.mkdir(mode=0o777)
    cache.chmod(0o777)
    entry = cache / "task-0123.json"
    entry.write_text('{"cost": 1000}')
    entry.chmod(0o666)  # only the read-only mount stops the write
    spec = {"run": ["{bin}", str(entry)]}
    with _c(spec=spec) as r:
        prof = r.profile(WRITER_C, "", [""])
    assert prof.status == "ok", prof.error
    out = prof.outputs[0]
    assert "outside:Read-only file system" in out, out
    assert "own:written" in out
    uid = int(out.split("uid:")[1])
    assert uid >= CANDIDATE_UID_BASE
    assert entry.read_text() == '{"cost": 1000}'
    with _c(spec=spec, sandbox=False) as r:  # control: unjailed, the cache is rewritten
        assert "outside:written" in r.profile(WRITER_C, "", [""]).outputs[0]
    assert entry.read_text() == "forged"


# --------------------------------------------------------------------------
# processes


DAEMON_C = r"""
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
int main(void) {
    pid_t pid = fork();
    if (pid == 0) {
        setsid();
        pid_t daemon = fork();
        if (daemon == 0) { for (;;) {} }  /* a 100 % CPU daemon in a session of its own */
        printf("%d\n", (int)daemon);
        return 0;
    }
    waitpid(pid, NULL, 0);
    sleep(1);  /* the daemon runs */
    return 0;
}
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in "ZX"
    except OSError:
        return False


def test_a_setsid_daemon_is_killed_and_the_run_fails() -> None:
    with _c() as r:
        prof = r.profile(DAEMON_C, "", [""])
        chk = r.check(DAEMON_C, "", [""], [""])
        assert prof.status == "failed" and "left 1 process running" in prof.error, prof.error
        assert chk.status == "failed" and "left 1 process running" in chk.error
        # nothing of the candidate survives the run, not even while the runner lives
        assert _survivors(str(r._dir)) == []
        # (the pid it printed is the one in its own pid namespace, not the host's)
        assert int(prof.stdout.split()[0]) < 10
    with _c(sandbox=False) as r:  # control: unjailed, the daemon outlives the run
        prof = r.profile(DAEMON_C, "", [""])
        daemon = int(prof.outputs[0].split()[0])
        try:
            assert prof.status == "ok" and _alive(daemon)
        finally:
            os.kill(daemon, 9)


def test_a_background_child_holding_the_output_fails_the_run() -> None:
    lingering = (
        "#define _GNU_SOURCE\n#include <unistd.h>\n"
        "int main(void) { if (fork() == 0) sleep(30); return 0; }\n"
    )
    with _c() as r:
        prof = r.profile(lingering, "", [""])
        # killed after the linger (it kept the output) or, still dying then, by the jail
        assert prof.status == "failed", prof.error
        assert "kept its output open" in prof.error or "left 1 process running" in prof.error
        assert _survivors(str(r._dir)) == []


def test_a_daemon_started_by_the_build_is_killed() -> None:
    build = ["sh", "-c", "setsid sh -c 'while :; do :; done # build-daemon' & gcc {src} -o {bin}"]
    with _c(spec={"build": build}) as r:
        built = r.build("int main(void) { return 0; }\n")
        assert _survivors("build-daemon") == []
    assert not built.ok and "left 1 process running" in built.why, built.error


FORKS_C = r"""
#define _GNU_SOURCE
#include <stdio.h>
#include <unistd.h>
int main(void) {
    int n = 0;
    for (int i = 0; i < 100000; i++) {  /* a fork bomb that counts */
        pid_t pid = fork();
        if (pid == 0) { close(1); close(2); pause(); _exit(0); }
        if (pid < 0) break;
        n++;
    }
    printf("%d\n", n);
    return 0;
}
"""


def test_a_fork_bomb_is_bounded_by_the_pids_cgroup() -> None:
    with _c() as r:
        prof = r.profile(FORKS_C, "", [""])
        assert prof.status == "failed" and "process" in prof.error, prof.error
        forks = int(prof.stdout.split()[0])
        # pids.max: 64 tasks for the candidate's tree (+ 1, the jail process itself)
        assert forks == 63, forks
        assert f"left {forks} processes running" in prof.error
        assert _survivors(str(r._dir)) == []


def test_a_killed_jail_is_a_crashed_run_and_the_next_one_starts_a_new_jail() -> None:
    import threading

    sleeper = "#include <unistd.h>\nint main(void) { sleep(30); return 0; }\n"
    with _c() as r:
        assert r.profile(SUM_C, "", ["5"]).outputs == ["15\n"]
        jail_proc = r._get_jail()._proc
        killer = threading.Timer(1.0, jail_proc.kill)
        killer.start()
        prof = r.profile(sleeper, "", [""])
        killer.join()
        assert prof.status == "crashed" and "the jail process ended" in prof.error, prof.error
        assert _survivors(str(r._dir)) == []  # the sleeper went with it
        assert r.profile(SUM_C, "", ["5"]).outputs == ["15\n"]  # a fresh jail
        assert r._get_jail()._proc is not jail_proc


# --------------------------------------------------------------------------
# environment


ENV_C = r"""
#include <stdio.h>
extern char **environ;
int main(void) { for (char **e = environ; *e; e++) puts(*e); return 0; }
"""


def test_the_environment_is_an_allowlist(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERFCOUNT_TEST_API_KEY", "sk-secret-4b1d")
    spec = {"env": {"TASK_SETTING": "1"}}
    with _c(spec=spec) as r:
        prof = r.profile(ENV_C, "", [""])
        folder = r.build(ENV_C).directory
    assert prof.status == "ok", prof.error
    env = dict(line.split("=", 1) for line in prof.outputs[0].splitlines())
    inside = str(jail.JAIL_ROOT / folder.name)  # the build folder's path in the jail
    assert env == {
        "PATH": jail.PATH,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "HOME": inside,
        "TMPDIR": inside,
        "PYTHONHASHSEED": "0",
        "TASK_SETTING": "1",
    }
    # the build's environment too (a build that prints it and fails)
    with _c(spec={"build": ["sh", "-c", "env; exit 1"], "env": {"TASK_SETTING": "1"}}) as r:
        built = r.build(ENV_C)
    assert "sk-secret-4b1d" not in built.error and "PERFCOUNT_TEST_API_KEY" not in built.error
    home = jail.JAIL_ROOT / built.directory.name
    assert "TASK_SETTING=1" in built.error and f"HOME={home}" in built.error
    with _c(sandbox=False) as r:  # control: unjailed, the key reaches the program
        assert "sk-secret-4b1d" in r.profile(ENV_C, "", [""]).outputs[0]


# --------------------------------------------------------------------------
# network, /tmp, /run, seccomp


PROBE_C = r"""
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
static void show(const char *what, long rc) { printf("%s:%s\n", what, rc < 0 ? strerror(errno) : "allowed"); }
static void list(const char *dir) {
    DIR *d = opendir(dir);
    struct dirent *e;
    printf("%s:", dir);
    while (d && (e = readdir(d))) if (e->d_name[0] != '.') printf(" %s", e->d_name);
    printf("\n");
    if (d) closedir(d);
}
int main(int argc, char **argv) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)atoi(argv[1]));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    show("connect", connect(s, (struct sockaddr *)&a, sizeof a));
    list("/tmp");
    list("/run");
    show("unshare", unshare(CLONE_NEWUSER));
    show("ptrace", ptrace(PTRACE_TRACEME, 0, 0, 0));
    show("mount", mount("none", "/mnt", "tmpfs", 0, 0));
    struct perf_event_attr pe = {0};
    pe.size = sizeof pe;
    pe.type = PERF_TYPE_SOFTWARE;
    pe.config = PERF_COUNT_SW_TASK_CLOCK;
    show("perf_event_open", syscall(SYS_perf_event_open, &pe, 0, -1, -1, 0));
    show("keyctl", syscall(SYS_keyctl, 0, 0, 0, 0, 0));
    return 0;
}
"""


def test_no_network_private_tmp_hidden_run_and_the_seccomp_filter() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.setblocking(False)
    port = listener.getsockname()[1]
    try:
        with _c(spec={"run": ["{bin}", str(port)]}) as r:
            prof = r.profile(PROBE_C, "", [""])
        assert prof.status == "ok", prof.error
        got = dict(line.split(":", 1) for line in prof.outputs[0].splitlines())
        with pytest.raises(BlockingIOError):
            listener.accept()  # nobody connected
    finally:
        listener.close()
    assert got["connect"] == "Network is unreachable", got
    assert got["/tmp"].split() == [jail.JAIL_ROOT.name]  # only the path to its own folder
    assert got["/run"] == ""
    for call in ("unshare", "ptrace", "mount", "perf_event_open", "keyctl"):
        assert got[call] == "Operation not permitted", (call, got)


PIDS_C = r"""
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
static const char *state(long rc) { return rc >= 0 || errno == EPERM ? "alive" : "free"; }
int main(int argc, char **argv) {
    int evaluator = atoi(argv[1]), alive = 0;
    printf("kill:%s\n", state(kill(evaluator, 0)));
    printf("getpgid:%s\n", state(getpgid(evaluator)));
    printf("getsid:%s\n", state(getsid(evaluator)));
    /* the low numbers are the program's own namespace (its pid 1, itself) */
    for (int p = evaluator > 1010 ? evaluator - 1000 : 10; p < evaluator + 1000; ++p)
        if (p != getpid() && (kill(p, 0) == 0 || errno == EPERM)) ++alive;
    printf("alive:%d\npid:%d\n", alive, (int)getpid());
    return 0;
}
"""


def test_no_pid_outside_its_own_namespace_answers_as_alive() -> None:
    run = ["{bin}", str(os.getpid())]
    with _c(spec={"run": run}) as r:
        prof = r.profile(PIDS_C, "", [""])
    assert prof.status == "ok", prof.error
    got = dict(line.split(":", 1) for line in prof.outputs[0].splitlines())
    assert got == {"kill": "free", "getpgid": "free", "getsid": "free", "alive": "0", "pid": "2"}
    with _c(spec={"run": run}, sandbox=False) as r:  # control: the evaluator is seen alive
        prof = r.profile(PIDS_C, "", [""])
    got = dict(line.split(":", 1) for line in prof.outputs[0].splitlines())
    assert got["kill"] == got["getpgid"] == got["getsid"] == "alive", got
    assert int(got["alive"]) > 0


# --------------------------------------------------------------------------
# counts


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


def _backends() -> list:
    out: list = []
    if shutil.which("valgrind"):
        out.append("valgrind")
    out.append(pytest.param("qemu", marks=pytest.mark.needs_qemu))
    return out


@pytest.mark.parametrize("backend", _backends())
def test_counts_are_those_of_an_unjailed_run_at_the_same_path(backend: str) -> None:
    """The jail execs no wrapper before the program: deterministic counts are unchanged.

    The unjailed run uses the program at the path it has in the jail
    (``JAIL_ROOT/<key>``, made on the host for the comparison), with the same
    environment.
    """
    with CommandRunner(CommandSpec.create("c"), backend, timeout=20) as r:
        jailed = [r.profile(SUM_C, "", ["2000"]) for _ in range(2)]
        built = r.build(SUM_C)
    with CommandRunner(CommandSpec.create("c"), backend, timeout=20) as r:
        other_runner = r.profile(SUM_C, "", ["2000"])
        assert built.program is not None
        at = jail.JAIL_ROOT / built.directory.name
        at.mkdir(parents=True)
        try:
            shutil.copy2(r.build(SUM_C).program, at / "candidate")
            bare = perfcount.run(
                [str(at / "candidate")],
                stdin="2000",
                env=jail.environment(at, None, build=False),
                cwd=at,
                backend=backend,
                timeout=60,
            )
        finally:
            shutil.rmtree(at)
            with contextlib.suppress(OSError):
                jail.JAIL_ROOT.rmdir()
    assert all(p.status == "ok" for p in [*jailed, other_runner]), [p.error for p in jailed]
    cost = bare.counts["instructions"]
    assert jailed[0].cost == jailed[1].cost == other_runner.cost == cost > 0


@pytest.mark.needs_valgrind
def test_a_python_command_candidate_counts_the_same_in_every_runner() -> None:
    """Every jail puts the build folder at the same path: a Python program's count repeats."""
    src = "import sys\nprint(sum(i % 7 for i in range(int(sys.stdin.read()))))\n"
    costs = []
    for _ in range(3):
        with CommandRunner(CommandSpec.create("python"), "valgrind", timeout=20) as r:
            prof = r.profile(src, "", ["1000"])
            assert prof.status == "ok", prof.error
            costs.append(prof.cost)
    assert costs[0] == costs[1] == costs[2] > 0, costs


# --------------------------------------------------------------------------
# without root


NOBODY = """
import sys
from perfcount.execute.commands import CommandRunner, CommandSpec
with CommandRunner(CommandSpec.create("c"), "software", repeats=1, timeout=20) as r:
    p = r.profile(sys.argv[1], "", ["5"])
    print(p.status, p.outputs)
    print("SANDBOX", p.sandbox)
"""


def test_without_root_the_candidate_runs_and_the_result_says_what_did_not_apply() -> None:
    python = "/usr/bin/python3"
    if not os.path.exists(python):
        pytest.skip("no system python3 that another user may run")
    theirs = subprocess.run(
        [python, "-c", "import sys; print(sys.implementation.cache_tag)"],
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout.strip()
    if theirs != sys.implementation.cache_tag:
        # the extension this process loaded is built for its own Python version only
        pytest.skip(
            f"{python} is {theirs or 'unknown'}, this test runs on {sys.implementation.cache_tag}"
        )
    src = str(Path(perfcount.__file__).resolve().parents[1])
    # the test's interpreter is unreadable to other users (a pyenv under /root): the system
    # python3 runs this perfcount. A clean clone beside an installed copy (CI) has no native
    # part of its own, and the installed one is under /root too: a copy of the extension this
    # process loaded goes where the other user can read it (the package path takes it in)
    from perfcount import _native

    # in /tmp whatever TMPDIR says: another user must reach it
    with tempfile.TemporaryDirectory(prefix="perfcount-native-", dir="/tmp") as extra:
        package = Path(extra) / "perfcount"
        package.mkdir()
        copy = Path(shutil.copy(_native.__file__, package / Path(_native.__file__).name))
        for path, mode in ((Path(extra), 0o755), (package, 0o755), (copy, 0o644)):
            path.chmod(mode)  # whatever the umask
        proc = subprocess.run(
            [python, "-c", NOBODY, SUM_C],
            user=65534,
            group=65534,
            extra_groups=[],
            env={
                "PATH": jail.PATH,
                "PYTHONPATH": f"{src}:{extra}",
                "HOME": "/tmp",
                "LC_ALL": "C.UTF-8",
            },
            cwd="/",
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert proc.returncode == 0, proc.stderr
    status_line, sandbox_line = proc.stdout.splitlines()[-2:]
    assert status_line == "ok ['15\\n']", proc.stdout
    assert "unshare(CLONE_NEWNS) failed" in sandbox_line
    assert "no private folder" in sandbox_line


def test_a_build_cannot_swap_its_folder_for_a_link_to_read_root_files(outside: Path) -> None:
    # the jail's /tmp is the candidate's: a build that runs candidate code (here a shell
    # build step) can replace the folders on the way to its program with links; the jail,
    # root, must not follow them when it copies the program back to the host
    secret_dir = outside / "secret"
    secret_dir.mkdir(mode=0o755)
    secret = secret_dir / "candidate"
    secret.write_text("ROOT-ONLY-BUILD-SECRET\n")
    secret.chmod(0o600)
    script = (
        'key=$(basename "$PWD")\n'
        "cd /\n"
        "mv /tmp/perfcount-cmd /tmp/moved\n"
        "mkdir /tmp/perfcount-cmd\n"
        f'ln -s {secret_dir} "/tmp/perfcount-cmd/$key"\n'
    )
    spec = {"build": ["sh", "{src}"], "run": ["{bin}"], "source_name": "build.sh"}
    with _c(spec=spec) as r:
        built = r.build(script)
    assert not built.ok, built
    assert built.program is None or "ROOT-ONLY-BUILD-SECRET" not in built.program.read_text(
        errors="replace"
    )
    assert "ROOT-ONLY-BUILD-SECRET" not in built.output
