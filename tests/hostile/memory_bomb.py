# hostile: allocates 64 MiB blocks until the address-space limit (RLIMIT_AS) says no
# expect: memory
def solve(arg):
    hoard = []
    while True:
        hoard.append(bytearray(64 << 20))
