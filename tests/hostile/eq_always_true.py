# hostile: returns an object whose __eq__ always says True; the evaluator never calls it: only plain data crosses
# expect: failed
class Liar:
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = object.__hash__


def solve(arg):
    return Liar()
