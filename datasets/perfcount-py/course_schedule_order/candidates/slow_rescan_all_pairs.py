def course_order(n, prerequisites):
    done = []
    while len(done) < n:
        options = [
            c
            for c in range(n)
            if c not in done and all(pre in done for course, pre in prerequisites if course == c)
        ]
        if not options:
            return []
        done.append(options[0])
    return done
