# hostile: raises an exception and prints text holding lone surrogates and NUL/escape bytes, which cannot be encoded as UTF-8 when the error and stdout tail are stored
# expect: failed
import sys


def solve(arg):
    sys.stdout.write("out \ud800 \x00 \x1b[2J\n".encode("utf-8", "surrogatepass").decode("latin-1"))
    sys.stdout.flush()
    raise ValueError("bad \udcff \ud800 " + "\x00" * 10)
