def course_order(n, prerequisites):
    needs = {c: [pre for course, pre in prerequisites if course == c] for c in range(n)}
    done, taken = [], set()
    while len(done) < n:
        options = [c for c in range(n) if c not in taken and all(p in taken for p in needs[c])]
        if not options:
            return []
        done.append(options[0])
        taken.add(options[0])
    return done
