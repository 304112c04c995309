# hostile: prints to stdout without end; the fork server stops it past file_mb on the stdout pipe
# expect: output_too_large
import sys


def solve(arg):
    line = "spam " * 200 + "\n"
    while True:
        sys.stdout.write(line)
