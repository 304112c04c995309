# hostile: writes one file past the file-size limit (RLIMIT_FSIZE, SIGXFSZ)
# expect: output_too_large
def solve(arg):
    with open("big.bin", "wb") as f:
        while True:
            f.write(b"y" * (1 << 20))
