#!/usr/bin/env python3
"""How long the content editor's live preview takes on the shipped sample: the time from
posting a draft (what the page's script sends after a 300 ms pause in typing) to having the
answer with the pages rendered, for a guide section and a poster. Prints the median.

    python3 bench/preview_latency.py [BINARY] [ROUNDS]
"""
import html, os, re, shutil, statistics, subprocess, sys, tempfile, time, urllib.parse, urllib.request

repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(repo, "target/release/lmcpress")
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 21

work = tempfile.mkdtemp(prefix="lmcpress-preview-")
# The project's own templates/, if it has any (a binary from before the built-in theme needs them).
for d in ("content", "templates"):
    if os.path.isdir(os.path.join(repo, d)):
        shutil.copytree(os.path.join(repo, d), os.path.join(work, d))
server = subprocess.Popen([binary, "serve", "--root", work, "--port", "0"], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True)
try:
    base = re.search(r"(http://\S+)/", server.stdout.readline()).group(1)
    for line in server.stderr:
        if " failed" in line:
            break

    def measure(name, practice=""):
        page = urllib.request.urlopen(f"{base}/content/{name}").read().decode()
        value = lambda n: re.search(rf'name="{n}" value="([^"]*)"', page).group(1)
        box = lambda n: html.unescape(re.search(rf'<textarea id="{n}"[^>]*>(.*?)</textarea>', page, re.S).group(1))
        times = []
        for i in range(rounds):
            fields = {"csrf": value("csrf"), "base": value("base"), "action": "preview", "front": box("front"),
                      "body": box("body") + f"\nA draft sentence, round {i}.\n", "practice": practice}
            req = urllib.request.Request(f"{base}/content/{name}", data=urllib.parse.urlencode(fields).encode(),
                                         headers={"X-Preview": "1"})
            start = time.perf_counter()
            answer = urllib.request.urlopen(req).read().decode()
            times.append((time.perf_counter() - start) * 1000)
            assert "data:image/png" in answer, answer[:500]
        print(f"{name}: median {statistics.median(times):.0f} ms, min {min(times):.0f}, max {max(times):.0f} "
              f"({rounds} drafts)")

    measure("guide/05-safe-clinical-limits")
    measure("posters/where-to-get-help", "Z90001")
    measure("letters/referral-letter", "Z90001")
finally:
    server.terminate()
    server.wait()
    shutil.rmtree(work, ignore_errors=True)
