# hostile: raises the end of a 5000-long exception chain (__cause__ and __context__), each link with a 8 kB message: the printed traceback is 40 MiB; the error text must stay clipped
# expect: failed
def solve(arg):
    exc = None
    for i in range(5000):
        try:
            raise RuntimeError(f"link {i} " + "C" * 8000) from exc
        except RuntimeError as e:
            exc = e
    raise exc
