import re

_RUN = re.compile(r"(.)\1*", re.DOTALL)


def run_length_encode(s):
    return _RUN.sub(lambda m: f"{len(m.group(0))}{m.group(1)}", s)
