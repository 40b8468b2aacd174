"""Edit-to-output latency of `lmcpress watch` (release build): the time from writing a file
until every output it affects has been replaced.
Usage: python3 bench/watch_latency.py [BINARY ...]   (default: target/release/lmcpress)
Several binaries are measured one after the other on fresh copies of the project, so a
before/after pair runs side by side in one run."""
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

repo = pathlib.Path(__file__).resolve().parent.parent
binaries = [pathlib.Path(b).resolve() for b in sys.argv[1:]] or [repo / "target/release/lmcpress"]
debounce_ms = 50
rounds = int(os.environ.get("ROUNDS", "11"))


def outputs(root, prefix):
    return [p for p in (root / "output" / prefix).rglob("*") if p.is_file() and not p.name.startswith(".")]


def wait_replaced(files, since, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(f.exists() and f.stat().st_mtime_ns >= since for f in files):
            return time.time_ns()
        time.sleep(0.002)
    raise SystemExit("outputs were not replaced in time")


def measure(root, rel, old, new, prefix, rounds):
    path = root / rel
    files = outputs(root, prefix)
    samples = []
    for i in range(rounds):
        text = path.read_text()
        a, b = (old, new) if i % 2 == 0 else (new, old)
        since = time.time_ns()
        path.write_text(text.replace(a, b))
        done = wait_replaced(files, since)
        samples.append((done - since) / 1e6)
        time.sleep(0.3)
    return len(files), samples


def run(binary):
    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(tmp)
        for sub in ("content", "templates", "editions"):
            if (repo / sub).exists():
                shutil.copytree(repo / sub, root / sub)
        watch = subprocess.Popen([binary, "watch", "--debounce", str(debounce_ms)], cwd=root,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for line in watch.stderr:
            if "watching" in line:
                break
        try:
            n, one = measure(root, "content/practices/z90006-hollowmere.yaml", "0116 496 0606", "0116 496 0616",
                             "practices/Z90006", rounds)
            print(f"{binary}: one practice ({n} files): median {statistics.median(one):.0f} ms "
                  f"(min {min(one):.0f}, max {max(one):.0f}) with --debounce {debounce_ms}")
            n, every = measure(root, "content/lmc.yaml", "www.llrlmc.co.uk", "www.llrlmc.org.uk", "", 5)
            print(f"{binary}: every document ({n} files, lmc.yaml): median {statistics.median(every):.0f} ms "
                  f"(min {min(every):.0f}, max {max(every):.0f})")
        finally:
            watch.send_signal(2)
            watch.wait(timeout=10)


for b in binaries:
    run(b)
