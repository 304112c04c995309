# hostile: connects to an abstract-namespace unix socket the evaluator listens on (abstract names belong to the network namespace)
# expect: ok
import socket


def solve(arg):
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(1)
        s.connect("\0" + arg["abstract"])
        s.sendall(b"HOSTILE hello\n")
        return "CONNECTED"
    except OSError as exc:
        return exc.strerror or str(exc)
