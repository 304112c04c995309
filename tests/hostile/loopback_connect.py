# hostile: connects to a TCP server the test listens on at 127.0.0.1; in its empty network namespace the connection is refused
# expect: failed
import socket


def solve(arg):
    with socket.create_connection(("127.0.0.1", arg["port"]), timeout=1) as s:
        s.sendall(b"exfiltrated")
    return arg["x"] * 2
