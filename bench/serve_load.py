#!/usr/bin/env python3
"""The morning every practice opens its private link: `lmcpress serve --require-keys` on a
built project, each practice (a client with its own key) asking for its page, its pack and
its first letter's image, CONCURRENCY (default 64) at a time. Prints the error count, the
median and 95th percentile of each kind of request, and serve's peak memory (VmHWM).

    python3 bench/serve_load.py PROJECT CONCURRENCY BINARY [BINARY ...]

Several binaries are run one after the other on the same project, so a before/after pair
meets the same machine. PROJECT must already be built (`lmcpress build --root PROJECT`), so
that serve's start-up build has nothing to do, and what practices get must be approved (or
`approval: off` in its lmc.yaml, as `synth` writes it), or their packs and letters are not
offered. Granting a link loads the project, so at 1,000 practices the keys take minutes to
make: they are granted once, kept in PROJECT/.bench-keys.json and used again by later runs;
`lmcpress access revoke ODS` for each practice (or deleting the project) ends them."""
import concurrent.futures
import glob
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

if len(sys.argv) < 4:
    raise SystemExit(__doc__)
project, concurrency, binaries = sys.argv[1], int(sys.argv[2]), sys.argv[3:]

codes = []
for path in sorted(glob.glob(os.path.join(project, "content/practices/*.yaml"))):
    with open(path, encoding="utf-8") as f:
        m = re.search(r"^ods_code:\s*\"?([A-Z0-9]+)", f.read(), re.M)
        if m:
            codes.append(m.group(1))
letters = sorted(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(project, "content/letters/*.md")))


def grant(ods):
    out = subprocess.run([binaries[0], "access", "grant", ods, "--root", project], capture_output=True,
                         text=True, check=True).stdout
    return re.search(r"key=([A-Za-z0-9_-]+)", out).group(1)


kept = os.path.join(project, ".bench-keys.json")
keys = {}
if os.path.exists(kept):
    with open(kept, encoding="utf-8") as f:
        keys = json.load(f)
# One at a time: each grant rewrites the project's list of links.
for ods in codes:
    if ods not in keys:
        keys[ods] = grant(ods)
with open(kept, "w", encoding="utf-8") as f:
    json.dump(keys, f)


def run(binary):
    server = subprocess.Popen([binary, "serve", "--root", project, "--port", "0", "--require-keys"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        # Practices are served from the start-up build's snapshot: wait until it is made.
        base = None
        for line in server.stdout:
            m = re.search(r"listening on (http://\S+/)", line)
            if m:
                base = m.group(1)
            if line.startswith("watching"):
                break
        if base is None:
            raise SystemExit("serve did not start")
        threading.Thread(target=lambda: [None for _ in server.stdout], daemon=True).start()

        def get(url, key):
            req = urllib.request.Request(base + url, headers={"Authorization": f"Bearer {key}"})
            start = time.perf_counter()
            try:
                with urllib.request.urlopen(req, timeout=120) as r:
                    r.read()
                    ok = r.status == 200
            except (urllib.error.URLError, OSError):
                ok = False
            return (time.perf_counter() - start) * 1000, ok

        def practice(ods):
            key = keys[ods]
            return [
                ("page",) + get(f"practices/{ods}/", key),
                ("pack",) + get(f"practices/{ods}/pack.zip", key),
                ("letter image",) + get(f"practices/{ods}/letters/{letters[0]}/page.png", key),
            ]

        start = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
            results = [r for rs in pool.map(practice, codes) for r in rs]
        wall = time.perf_counter() - start
        with open(f"/proc/{server.pid}/status") as f:
            peak = int(re.search(r"VmHWM:\s+(\d+)", f.read()).group(1)) / 1024
    finally:
        server.terminate()
        server.wait()

    errors = sum(1 for _, _, ok in results if not ok)
    print(f"{binary}: {len(codes)} practices, {concurrency} at a time: {len(results)} requests in {wall:.1f} s, "
          f"{errors} errors, serve's peak memory {peak:.0f} MB")
    for kind in ("page", "pack", "letter image"):
        times = sorted(t for k, t, _ in results if k == kind)
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(f"  {kind:12} median {statistics.median(times):6.0f} ms, p95 {p95:6.0f} ms")


for binary in binaries:
    run(binary)
