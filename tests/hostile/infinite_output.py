# hostile: prints to stdout without end; the capture file's size limit stops it
# expect: output_too_large
import sys


def solve(arg):
    line = "spam " * 200 + "\n"
    while True:
        sys.stdout.write(line)
