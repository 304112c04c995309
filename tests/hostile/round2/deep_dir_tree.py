# hostile: builds a 3000-deep directory chain, mode-000 folders, FIFOs and a symlink loop in its work folder so that removing it (shutil.rmtree as root) recurses, blocks or fails; the folder is a private tmpfs that disappears with the candidate
# expect: ok
import os


def solve(arg):
    base = os.getcwd()
    for i in range(50):
        os.mkfifo(f"fifo{i}")
    os.symlink("loop", "loop")
    os.symlink("/", "root-link")
    os.mkdir("locked")
    os.mkfifo("locked/fifo")
    os.chmod("locked", 0)
    for _ in range(3000):
        try:
            os.mkdir("d")
            os.chdir("d")
        except OSError:
            break
    os.chdir(base)
    return arg["x"] * 2
