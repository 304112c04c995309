import re


def run_length_encode(s):
    return "".join(
        str(m.end() - m.start()) + m.group(1) for m in re.finditer(r"(.)\1*", s, re.DOTALL)
    )
