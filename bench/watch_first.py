"""What the editor sees first in `lmcpress watch --debounce 50` (release build): after a save,
when the first file they look at was replaced, and when the last affected file was.
Usage: python3 bench/watch_first.py [BINARY ...]   (default: target/release/lmcpress)

Two edits, each ROUNDS times (default 11), medians reported:
  * the shipped sample: the profile of Z90001 (four languages) saved -> its first poster PDF,
    and all of its files;
  * 130 practices (`synth`, then `synth --like-sample`, with the shipped editions archive): a
    guide section saved -> the guide PDF, the web guide, and every affected file (guide,
    redline, each what's-new).
Each time is a file's modification time less the moment the edit was written, read once
`watch` reports the rebuild: nothing polls while the rebuild runs.
Each binary watches its own fresh copy, and the rounds alternate between them (one edit for
each binary in turn), so a machine growing busier or quieter weighs on every binary alike."""
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
rounds = int(os.environ.get("ROUNDS", "11"))
synth = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", repo / "target")) / "release/examples/synth"


def replaced_at(watch, files, since, timeout=60.0):
    """Milliseconds after `since` at which each file was replaced, by the kernel's modification
    times read once the watcher reports its rebuild (so the observer takes no CPU while the
    rebuild runs)."""
    deadline = time.monotonic() + timeout
    for line in watch.stderr:
        # An edit's events can reach the watcher in two batches; the second rebuilds nothing,
        # and its report must not stand for the next edit's rebuild.
        if "changed: rebuilt" in line and "rebuilt 0 documents" not in line:
            break
        if time.monotonic() > deadline:
            raise SystemExit("the watcher did not report a rebuild in time")
    seen = {}
    for f in files:
        mtime = f.stat().st_mtime_ns
        if mtime < since:
            raise SystemExit(f"{f} was not replaced by the rebuild")
        seen[f] = (mtime - since) / 1e6
    return seen


def edits(runs, old, new, rounds):
    """`rounds` edits of each run's file, alternating between the runs. A run is (watcher, the
    file edited, the files looked at); returns each run's samples."""
    samples = [[] for _ in runs]
    for i in range(rounds):
        for (watch, path, files), taken in zip(runs, samples):
            text = path.read_text()
            a, b = (old, new) if i % 2 == 0 else (new, old)
            assert a in text, f"{a!r} not in {path}"
            since = time.time_ns()
            path.write_text(text.replace(a, b))
            taken.append(replaced_at(watch, files, since))
            time.sleep(0.4)
    return samples


def watching(root, binary):
    watch = subprocess.Popen([binary, "watch", "--debounce", "50"], cwd=root,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for line in watch.stderr:
        if "watching" in line:
            break
    return watch


def stop(watch):
    watch.send_signal(2)
    watch.wait(timeout=30)


def median(samples, files):
    return statistics.median(max(s[f] for f in files) for s in samples)


def practice(binaries):
    with tempfile.TemporaryDirectory() as tmp:
        runs, watchers = [], []
        try:
            for n, binary in enumerate(binaries):
                root = pathlib.Path(tmp) / str(n)
                for sub in ("content", "editions"):
                    shutil.copytree(repo / sub, root / sub)
                watchers.append(watching(root, binary))
                out = root / "output/practices/Z90001"
                files = [p for p in out.rglob("*") if p.is_file()]
                runs.append((watchers[-1], root / "content/practices/z90001-st-margarets-belgrave.yaml", files))
            samples = edits(runs, "0116 496 0101", "0116 496 0111", rounds)
            for binary, (_, _, files), taken in zip(binaries, runs, samples):
                first = next(f for f in files if f.parts[-2:] == ("posters", "safe-daily-limits.pdf"))
                print(f"{binary.parent.name}/{binary.name}: profile with four languages ({len(files)} files): "
                      f"first poster PDF {median(taken, [first]):.0f} ms, "
                      f"first file {statistics.median(min(s.values()) for s in taken):.0f} ms, "
                      f"all {median(taken, files):.0f} ms")
        finally:
            for watch in watchers:
                stop(watch)


def guide(binaries, project, workload):
    with tempfile.TemporaryDirectory() as tmp:
        runs, watchers = [], []
        try:
            for n, binary in enumerate(binaries):
                root = pathlib.Path(tmp) / str(n)
                shutil.copytree(project, root)
                subprocess.run([binary, "build", "--quiet"], cwd=root, check=True)
                watchers.append(watching(root, binary))
                out = root / "output"
                files = [p for p in (out / "guide").iterdir() if p.is_file()]
                files += sorted(out.glob("practices/*/whats-new.pdf"))
                section = sorted((root / "content/guide").glob("*.md"))[2]
                runs.append((watchers[-1], section, files))
            samples = edits(runs, "the", "teh", rounds)
            for binary, (_, _, files), taken in zip(binaries, runs, samples):
                pdf = next(f for f in files if f.name == "llr-lmc-guide-2026-27.pdf")
                html = next(f for f in files if f.name == "llr-lmc-guide-2026-27.html")
                print(f"{binary.parent.name}/{binary.name}: guide section, 130 practices, {workload} "
                      f"({len(files)} files): guide PDF {median(taken, [pdf]):.0f} ms, "
                      f"web guide {median(taken, [html]):.0f} ms, all {median(taken, files):.0f} ms")
        finally:
            for watch in watchers:
                stop(watch)


def main():
    if not synth.exists():
        subprocess.run(["cargo", "build", "--release", "--locked", "--example", "synth"], cwd=repo, check=True)
    practice(binaries)
    for workload, flags in (("synth", []), ("like-sample", ["--like-sample"])):
        with tempfile.TemporaryDirectory() as tmp:
            project = pathlib.Path(tmp) / "p130"
            subprocess.run([synth, "130", project] + flags, check=True, stderr=subprocess.DEVNULL)
            shutil.copytree(repo / "editions", project / "editions")
            guide(binaries, project, workload)


main()
