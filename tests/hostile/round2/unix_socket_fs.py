# hostile: connects to filesystem unix sockets on the host (a 0666 socket the evaluator listens on, docker/systemd sockets): such sockets stay reachable despite the empty network namespace unless socket(AF_UNIX) is denied
# expect: ok
import socket


def solve(arg):
    out = {}
    for path in arg["sockets"] + [
        "/run/docker.sock",
        "/var/run/dbus/system_bus_socket",
        "/run/systemd/private",
        "/dev/log",
    ]:
        for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
            try:
                s = socket.socket(socket.AF_UNIX, kind)
                s.settimeout(1)
                s.connect(path)
                s.sendall(b"HOSTILE hello\n")
                out[f"{path} {kind}"] = "CONNECTED"
                s.close()
            except OSError as exc:
                out[f"{path} {kind}"] = exc.strerror or str(exc)
    return out
