# hostile: writes bytes that are not UTF-8 to stdout and stderr, then answers correctly
# expect: ok
import os


def solve(arg):
    os.write(1, b"\xff\xfe\x80 not utf-8 \xc3\x28\n")
    os.write(2, b"\xed\xa0\x80 surrogate bytes\n")
    return arg["x"] * 2
