# hostile: fills its work folder with 3 MiB files (each under RLIMIT_FSIZE) until the folder's tmpfs is full
# expect: output_too_large
def solve(arg):
    i = 0
    block = b"x" * (3 << 20)
    while True:
        with open(f"fill{i}.bin", "wb") as f:
            f.write(block)
        i += 1
