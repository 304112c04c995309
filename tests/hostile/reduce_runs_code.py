# hostile: returns an object whose unpickling would create a marker file in the evaluator; nothing is ever unpickled there
# expect: failed
class Payload:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def solve(arg):
    return Payload(arg["marker"])
