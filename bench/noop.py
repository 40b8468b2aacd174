"""Wall time of no-op builds, several binaries side by side, each on its own built project.
Usage: python3 bench/noop.py [ROUNDS] BINARY:PROJECT [BINARY:PROJECT ...]
Each project must have been built by its binary (a pack or manifest made by another version
would be remade on the first run, which is left out). Runs are interleaved, one of each per
round, so that a machine growing busier or quieter weighs on every binary alike."""
import statistics
import subprocess
import sys
import time

args = sys.argv[1:]
rounds = int(args.pop(0)) if args and args[0].isdigit() else 30
if not args:
    raise SystemExit(__doc__)
pairs = [a.split(":", 1) for a in args]


def build(binary, project):
    subprocess.run([binary, "build", "--quiet"], cwd=project, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


for binary, project in pairs:
    build(binary, project)
samples = {arg: [] for arg in args}
for _ in range(rounds):
    for arg, (binary, project) in zip(args, pairs):
        start = time.perf_counter()
        build(binary, project)
        samples[arg].append((time.perf_counter() - start) * 1000)
for arg, times in samples.items():
    times.sort()
    print(f"{arg}: median {statistics.median(times):.0f} ms "
          f"(quartiles {times[len(times) // 4]:.0f}–{times[3 * len(times) // 4]:.0f}, {rounds} runs)")
