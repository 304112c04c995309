# hostile: raises an exception carrying 40 MiB of PEP 678 notes (add_note, printed after the message by traceback): the error text must stay clipped
# expect: failed
def solve(arg):
    exc = ValueError("with notes")
    for _ in range(40):
        exc.add_note("N" * (1 << 20))
    raise exc
