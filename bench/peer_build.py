"""The peer of a full build: the Python typst binding typesetting every typst source that
`lmcpress build --emit-typst` wrote, into the same formats (a PDF where lmcpress made one, a
PNG at the same pixel size where it made one), with one reused compiler.

Usage: python3 bench/peer_build.py [--per-file] PROJECT_ROOT OUT_DIR [FONT_DIR]
  --per-file    a fresh `typst.compile` for every file, as most scripts are written (fonts
                are loaded again each time), instead of one reused compiler
  PROJECT_ROOT  the project the sources were built from (logos are read from it)
  OUT_DIR       the output folder of `lmcpress build --emit-typst`
Time it as a whole process (`/usr/bin/time python3 bench/peer_build.py ...`) beside a
`lmcpress build` of a fresh copy of the same project; `bench/peer.sh` does both."""
import pathlib
import re
import struct
import sys
import tempfile
import time

import typst

A4_WIDTH_PT = 595.2756


def page_width_pt(source: str) -> float:
    """The page width the source sets, in points (posters say `paper: "a4"`/`"a3"`)."""
    m = re.search(r"#set page\([^)]*width: ([0-9.]+)pt", source)
    if m:
        return float(m.group(1))
    if 'paper: "a3"' in source:
        return 841.8898
    return A4_WIDTH_PT


def png_width(path: pathlib.Path) -> int:
    with open(path, "rb") as f:
        return struct.unpack(">I", f.read(24)[16:20])[0]


def main() -> None:
    args = sys.argv[1:]
    per_file = "--per-file" in args
    args = [a for a in args if a != "--per-file"]
    root, out = pathlib.Path(args[0]).resolve(), pathlib.Path(args[1]).resolve()
    fonts = args[2] if len(args) > 2 else str(pathlib.Path(__file__).resolve().parent.parent / "fonts")
    sources = sorted(out.rglob("*.typ"))
    reused = typst.Compiler(root=str(root), font_paths=[fonts], ignore_system_fonts=True)

    def compile_one(**kw) -> None:
        if per_file:
            typst.compile(root=str(root), font_paths=[fonts], ignore_system_fonts=True, **kw)
        else:
            reused.compile(**kw)

    made = 0
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(dir=root) as staging, tempfile.TemporaryDirectory() as dest:
        for i, src in enumerate(sources):
            text = src.read_text().replace("/__lmcpress__/", "/")
            staged = pathlib.Path(staging) / f"{i}.typ"
            staged.write_text(text)
            pdf, png = src.with_suffix(".pdf"), src.with_suffix(".png")
            if pdf.exists():
                compile_one(input=str(staged), output=f"{dest}/{i}.pdf", format="pdf")
                made += 1
            if png.exists():
                ppi = png_width(png) / (page_width_pt(text) / 72)
                # typst writes one PNG per page given `{p}`; lmcpress keeps the first page.
                compile_one(input=str(staged), output=f"{dest}/{i}-{{p}}.png", format="png", ppi=ppi)
                made += 1
    secs = time.perf_counter() - start
    mode = "a compile per file" if per_file else "one reused compiler"
    print(f"python typst {typst.__version__}, {mode}: {len(sources)} sources, {made} files in {secs:.1f} s "
          f"(compile loop; time the process for the whole)")


if __name__ == "__main__":
    main()
