"""What the editor sees first in `lmcpress watch --debounce 50` (release build): after a save,
when the first file they look at was replaced, and when the last affected file was.
Usage: python3 bench/watch_first.py [BINARY ...]   (default: target/release/lmcpress)

Two edits, each ROUNDS times (default 11), medians reported:
  * the shipped sample: the profile of Z90001 (four languages) saved -> its first poster PDF,
    and all of its files;
  * 130 practices (`synth` with the shipped editions archive): a guide section saved -> the
    guide PDF, the web guide, and every affected file (guide, redline, each what's-new).
Several binaries run one after the other on fresh copies, so a before/after pair is side by
side in one run."""
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
synth = repo / "target/release/examples/synth"


def replaced_at(files, since, timeout=60.0):
    """Milliseconds after `since` at which each file was seen replaced."""
    seen = {}
    deadline = time.monotonic() + timeout
    while len(seen) < len(files):
        if time.monotonic() > deadline:
            raise SystemExit(f"{len(files) - len(seen)} outputs were not replaced in time")
        for f in files:
            if f not in seen:
                try:
                    if f.stat().st_mtime_ns >= since:
                        seen[f] = (time.time_ns() - since) / 1e6
                except FileNotFoundError:
                    pass
        time.sleep(0.001)
    return seen


def edits(path, old, new, files, rounds):
    samples = []
    for i in range(rounds):
        text = path.read_text()
        a, b = (old, new) if i % 2 == 0 else (new, old)
        assert a in text, f"{a!r} not in {path}"
        since = time.time_ns()
        path.write_text(text.replace(a, b))
        samples.append(replaced_at(files, since))
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


def practice(binary):
    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(tmp)
        for sub in ("content", "editions"):
            shutil.copytree(repo / sub, root / sub)
        watch = watching(root, binary)
        try:
            out = root / "output/practices/Z90001"
            files = [p for p in out.rglob("*") if p.is_file()]
            first = out / "posters" / "safe-daily-limits.pdf"
            samples = edits(root / "content/practices/z90001-st-margarets-belgrave.yaml",
                            "0116 496 0101", "0116 496 0111", files, rounds)
            print(f"{binary.parent.name}/{binary.name}: profile with four languages ({len(files)} files): "
                  f"first poster PDF {median(samples, [first]):.0f} ms, "
                  f"first file {statistics.median(min(s.values()) for s in samples):.0f} ms, "
                  f"all {median(samples, files):.0f} ms")
        finally:
            stop(watch)


def guide(binary, project):
    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(tmp) / "p"
        shutil.copytree(project, root)
        subprocess.run([binary, "build", "--quiet"], cwd=root, check=True)
        watch = watching(root, binary)
        try:
            out = root / "output"
            pdf, html = out / "guide/llr-lmc-guide-2026-27.pdf", out / "guide/llr-lmc-guide-2026-27.html"
            files = [p for p in (out / "guide").iterdir() if p.is_file()]
            files += sorted(out.glob("practices/*/whats-new.pdf"))
            section = sorted((root / "content/guide").glob("*.md"))[2]
            samples = edits(section, "the", "teh", files, rounds)
            print(f"{binary.parent.name}/{binary.name}: guide section, 130 practices ({len(files)} files): "
                  f"guide PDF {median(samples, [pdf]):.0f} ms, web guide {median(samples, [html]):.0f} ms, "
                  f"all {median(samples, files):.0f} ms")
        finally:
            stop(watch)


def main():
    if not synth.exists():
        subprocess.run(["cargo", "build", "--release", "--locked", "--example", "synth"], cwd=repo, check=True)
    with tempfile.TemporaryDirectory() as tmp:
        project = pathlib.Path(tmp) / "p130"
        subprocess.run([synth, "130", project], check=True, stderr=subprocess.DEVNULL)
        shutil.copytree(repo / "editions", project / "editions")
        for b in binaries:
            practice(b)
        for b in binaries:
            guide(b, project)


main()
