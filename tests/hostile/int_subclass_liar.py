# hostile: returns an int subclass (value 0) whose __eq__ says True; subclasses of built-ins are refused as plain data
# expect: failed
class Int(int):
    def __eq__(self, other):
        return True

    __hash__ = int.__hash__


def solve(arg):
    return Int(0)
