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
synth = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", repo / "target")) / "release/examples/synth"


def replaced_at(watch, files, since, timeout=60.0):
    """Milliseconds after `since` at which each file was replaced, by the kernel's modification
    times read once the watcher reports its rebuild (so the observer takes no CPU while the
    rebuild runs)."""
    deadline = time.monotonic() + timeout
    for line in watch.stderr:
        if "changed: rebuilt" in line:
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


def edits(watch, path, old, new, files, rounds):
    samples = []
    for i in range(rounds):
        text = path.read_text()
        a, b = (old, new) if i % 2 == 0 else (new, old)
        assert a in text, f"{a!r} not in {path}"
        since = time.time_ns()
        path.write_text(text.replace(a, b))
        samples.append(replaced_at(watch, files, since))
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
            samples = edits(watch, root / "content/practices/z90001-st-margarets-belgrave.yaml",
                            "0116 496 0101", "0116 496 0111", files, rounds)
            print(f"{binary.parent.name}/{binary.name}: profile with four languages ({len(files)} files): "
                  f"first poster PDF {median(samples, [first]):.0f} ms, "
                  f"first file {statistics.median(min(s.values()) for s in samples):.0f} ms, "
                  f"all {median(samples, files):.0f} ms")
        finally:
            stop(watch)


def guide(binary, project, workload):
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
            samples = edits(watch, section, "the", "teh", files, rounds)
            print(f"{binary.parent.name}/{binary.name}: guide section, 130 practices, {workload} ({len(files)} files): "
                  f"guide PDF {median(samples, [pdf]):.0f} ms, web guide {median(samples, [html]):.0f} ms, "
                  f"all {median(samples, files):.0f} ms")
        finally:
            stop(watch)


def main():
    if not synth.exists():
        subprocess.run(["cargo", "build", "--release", "--locked", "--example", "synth"], cwd=repo, check=True)
    for b in binaries:
        practice(b)
    for workload, flags in (("synth", []), ("like-sample", ["--like-sample"])):
        with tempfile.TemporaryDirectory() as tmp:
            project = pathlib.Path(tmp) / "p130"
            subprocess.run([synth, "130", project] + flags, check=True, stderr=subprocess.DEVNULL)
            shutil.copytree(repo / "editions", project / "editions")
            for b in binaries:
                guide(b, project, workload)


main()
