#!/usr/bin/env python3
"""Trunk post_build step: split the app's wasm into the page's module and a lazily loaded engine.

The simulator (engine, kubectl, session) is about two thirds of the wasm. The UI enters it only
through `session::api::load`, an `async` function marked `#[wasm_split(engine)]` (crate
`wasm_split_helpers`). `wasm-split-cli` (crate `wasm_split_cli_support`, installed by
scripts/setup.sh) reads the linked wasm's relocations (`-C link-arg=--emit-relocs`, set in
.cargo/config.toml) and moves everything only that function reaches into a second module, which
the page fetches when the function is first called.

The split has to happen before wasm-bindgen (which drops the relocations), and Trunk has no hook
there. So Trunk builds as usual (with `data-cargo-features="split"` and `data-wasm-opt="0"`), and
this step then redoes its last part from cargo's output:

1. `wasm-split-cli` on target/wasm32-unknown-unknown/<profile>/playground.wasm;
2. `wasm-bindgen --target web` on the main module, under Trunk's own file names, so Trunk's loader
   and preload links stay as they are (their `integrity` hashes are recomputed);
3. wasm-opt on both modules (release only), with the options index.html names;
4. the split loader (`__wasm_split.js`) and the engine module get content-hashed names, so a
   cached old copy can never be paired with a new main module.

Run by scripts/csp_hash.py (Trunk runs one stage's hooks concurrently, so one hook does both).
Stdlib only. Does nothing for a build without the `split` feature (no split point in the wasm).
"""

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# wasm-opt for both modules (Trunk's is off: index.html's data-wasm-opt="0"). -Os: 1.2% more raw
# bytes than -Oz, 0.1% fewer once gzipped. --low-memory-unused: load/store address arithmetic
# folds into the instructions' offsets (binaryen OptimizeAddedConstants), exact unless an address
# wraps around 2^32 into the lowest 1 KiB; Rust's wasm layout puts the 1 MiB stack first, so that
# KiB is the deepest end of the stack, never reached by wrapping (5.2 KB less gzip). The
# producers and target-features sections are tool metadata the browser ignores.
WASM_OPT_ARGS = ["-Os", "--low-memory-unused", "--strip-producers", "--strip-target-features"]
SPLIT_LOADER = "__wasm_split.js"


def fail(message: str) -> None:
    print(f"split_wasm.py: error: {message}", file=sys.stderr)
    sys.exit(1)


def run(*cmd: str) -> None:
    try:
        done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    except FileNotFoundError:
        fail(f"`{cmd[0]}` is not installed (or not on PATH): run scripts/setup.sh")
    if done.returncode != 0:
        fail(f"`{' '.join(cmd)}` failed:\n{done.stdout}")


def short_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def sri(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode("ascii")


def target_dir() -> Path:
    try:
        out = subprocess.run(
            ["cargo", "metadata", "--format-version", "1", "--no-deps", "--offline"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False,
        )
    except FileNotFoundError:
        fail("`cargo` is not on PATH")
    if out.returncode != 0:
        fail("`cargo metadata` failed: " + out.stderr.decode(errors="replace"))
    return Path(json.loads(out.stdout)["target_directory"])


def split(staging: Path) -> None:
    """Splits the build in `staging` (Trunk's dist being assembled); see the module docs."""
    profile = os.environ.get("TRUNK_PROFILE", "debug")
    glue = [p for p in staging.glob("playground-*.js") if not p.name.endswith("_bg.js")]
    if len(glue) != 1:
        fail(f"expected one playground-*.js in {staging}, found {[p.name for p in glue]}")
    stem = glue[0].stem  # playground-<hash>, Trunk's name for the glue and the wasm
    linked = target_dir() / "wasm32-unknown-unknown" / profile / "playground.wasm"
    if not linked.is_file():
        fail(f"cargo's output {linked} is missing")
    if b"__wasm_split_00engine00_import_" not in linked.read_bytes():
        print("split_wasm.py: no split point in the wasm (built without `split`): not split", file=sys.stderr)
        return
    with tempfile.TemporaryDirectory(prefix="split-") as tmp:
        tmp = Path(tmp)
        parts, bound = tmp / "parts", tmp / "bound"
        run("wasm-split-cli", str(linked), str(parts), "--out-name", stem)
        run("wasm-bindgen", "--target", "web", "--no-typescript", "--keep-lld-exports", "--out-dir", str(bound),
            "--out-name", stem, str(parts / f"{stem}.wasm"))
        modules = [bound / f"{stem}_bg.wasm", *sorted(p for p in parts.glob("*.wasm") if p.stem != stem)]
        if profile == "release":
            for m in modules:
                run("wasm-opt", *WASM_OPT_ARGS, str(m), "-o", str(m))
        # Content-hashed names for the loader and the lazily loaded modules.
        loader = (parts / SPLIT_LOADER).read_text(encoding="utf-8")
        for m in modules[1:]:
            data = m.read_bytes()
            name = f"{m.stem}-{short_hash(data)}.wasm"
            loader = loader.replace(f'"./{m.name}"', f'"./{name}"')
            (staging / name).write_bytes(data)
        loader_name = f"{Path(SPLIT_LOADER).stem}-{short_hash(loader.encode())}.js"
        (staging / loader_name).write_text(loader, encoding="utf-8")
        glue_text = (bound / f"{stem}.js").read_text(encoding="utf-8")
        # Only the ES import's path changes; the wasm's import module stays "./__wasm_split.js".
        glue_text, n = re.subn(rf"""^(import \* as \w+ from )(["'])\./{re.escape(SPLIT_LOADER)}\2""",
                               rf"\1\2./{loader_name}\2", glue_text, flags=re.MULTILINE)
        if n != 1:
            fail(f"the wasm-bindgen glue does not import ./{SPLIT_LOADER} once ({n} imports)")
        files = {f"{stem}.js": glue_text.encode("utf-8"), f"{stem}_bg.wasm": modules[0].read_bytes()}
        for name, data in files.items():
            (staging / name).write_bytes(data)
        if (bound / "snippets").exists():  # inline JS of crates, if any (the app has none today)
            shutil.copytree(bound / "snippets", staging / "snippets", dirs_exist_ok=True)
    index = staging / "index.html"
    html = index.read_text(encoding="utf-8")

    def reintegrate(match: "re.Match[str]") -> str:
        tag = match.group(0)
        for name, data in files.items():
            if re.search(rf'\bhref="[^"]*{re.escape(name)}"', tag):
                return re.sub(r'\bintegrity="[^"]*"', f'integrity="{sri(data)}"', tag)
        return tag

    index.write_text(re.sub(r"<link\b[^>]*>", reintegrate, html), encoding="utf-8")
    sizes = ", ".join(f"{p.name} {p.stat().st_size:,} B" for p in sorted(staging.glob("*.wasm")))
    print(f"split_wasm.py: {sizes}", file=sys.stderr)


if __name__ == "__main__":
    staging_dir = os.environ.get("TRUNK_STAGING_DIR")
    if not staging_dir:
        fail("TRUNK_STAGING_DIR is not set; run me as a Trunk post_build hook")
    split(Path(staging_dir))
