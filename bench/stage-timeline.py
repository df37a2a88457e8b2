#!/usr/bin/env python3
"""Where each stage's wall time goes, from a trace of a build of noop stages.

    strace -f -ttt --seccomp-bpf -e trace=execve,exit_group -o trace.txt \\
        out/bin/osbuild --store STORE MANIFEST
    bench/stage-timeline.py trace.txt

A stage starts at the exec of bwrap. Reported per stage (mean and median over the stages): bwrap's
own set-up (exec of bwrap to exec of the runner), the runner (to the exec of the plugin), the
plugin (to its exit), every helper process the host starts (rm, cp, ...) and the host's own time
in between. Tracing only these two calls keeps strace's overhead to a few percent.
"""
import re
import statistics
import sys


def events(path):
    programs = {}
    for line in open(path, encoding="utf-8", errors="replace"):
        match = re.match(r"(\d+) +(\d+\.\d+) (.*)", line)
        if not match:
            continue
        pid, time, rest = int(match[1]), float(match[2]), match[3]
        if rest.startswith("execve(") and ("= 0" in rest or "<unfinished" in rest):
            program = re.match(r'execve\("([^"]+)"', rest)[1].rsplit("/", 1)[-1]
            programs[pid] = program
            yield time, "exec", program
        elif rest.startswith("exit_group(") and pid in programs:
            yield time, "exit", programs[pid]


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    marks = sorted(events(sys.argv[1]))
    starts = [i for i, (_, kind, program) in enumerate(marks) if kind == "exec" and program == "bwrap"]
    if not starts:
        sys.exit("no bwrap in the trace: trace a build that runs stages, with strace -f")
    phases = {}

    def add(name, seconds):
        phases.setdefault(name, []).append(seconds * 1000)

    host = marks[0][2]  # the traced command's own program name
    for n, first in enumerate(starts):
        last = starts[n + 1] if n + 1 < len(starts) else len(marks)
        segment = [m for m in marks[first:last] if m[2] != host]
        step = "runner"  # what the next exec is expected to be
        helper = 0
        previous = segment[0][0]
        for time, kind, program in segment[1:]:
            if kind == "exec" and step == "runner":
                label, step = "bwrap: set-up (namespaces, mounts)", "plugin"
            elif kind == "exec" and step == "plugin":
                label, step = "runner: start + preparation", "plugin exit"
            elif kind == "exit" and step == "plugin exit":
                label, step = "plugin: exec to exit", "bwrap exit"
            elif kind == "exit" and step == "bwrap exit" and program == "bwrap":
                label, step = "bwrap: plugin exit to bwrap exit", "host"
            elif kind == "exec":
                helper += 1
                label = f"host: before helper #{helper} ({program})"
            else:
                label = f"helper #{helper} ({program}): exec to exit"
            add(label, time - previous)
            previous = time
        if n + 1 < len(starts):
            add("host: last event to next bwrap exec", marks[starts[n + 1]][0] - previous)

    print(f"{len(starts)} stages; whole trace {1000 * (marks[-1][0] - marks[0][0]):.0f} ms, "
          f"first container after {1000 * (marks[starts[0]][0] - marks[0][0]):.0f} ms")
    for name, values in phases.items():
        print(f"  {name:<46} n={len(values):3d}  mean {statistics.mean(values):8.2f} ms"
              f"  median {statistics.median(values):8.2f} ms")


if __name__ == "__main__":
    main()
