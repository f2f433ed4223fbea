#!/usr/bin/env python3
"""Trunk post_build hook: let Trunk's inline <script>s run under index.html's strict CSP.

index.html has a Content-Security-Policy <meta> whose script-src is only
'self' 'wasm-unsafe-eval'. Trunk injects inline scripts into the final HTML, which that blocks:

* always, the <script type="module"> loader that imports the JS glue and starts the wasm. Its text
  names the content-hashed file names, so it changes with every build. This hook adds its exact
  'sha256-...' to script-src: the tightest policy that lets it run ('unsafe-inline' would allow
  any injected inline script).
* under `trunk serve` only, the auto-reload script. Trunk's dev server rewrites that script per
  request (it fills in the request's Host header), so no hash can be known in advance. This hook
  moves it into a file next to index.html (trunk-autoreload.js, allowed by 'self'), filling in the
  two values the server would: the page's own host and the websocket base path.

Trunk runs the hook from the project root with TRUNK_STAGING_DIR (the dist being assembled) and
TRUNK_PUBLIC_URL set. Stdlib only; fails loudly (exit 1) if the page has no CSP to amend.

It also strips what only a reader of the source needs: index.html's comments, and the comments
and line indentation of the stylesheets it links (updating their integrity hashes). Trunk's own
minifier would rewrite all of index.html and the JS glue too. One hook does it all, as Trunk
runs a stage's hooks concurrently.
"""

import base64
import hashlib
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import split_wasm  # noqa: E402  (the same directory)

# HTML comments are matched too (and left alone), so a "<script" mentioned in one is not taken
# for a real script.
SCRIPT_RE = re.compile(
    r"<!--.*?-->|<script\b([^>]*)>(.*?)</script\s*>", re.DOTALL | re.IGNORECASE
)
CSP_META_RE = re.compile(
    r"""(<meta\b[^>]*\bhttp-equiv\s*=\s*["']Content-Security-Policy["'][^>]*\bcontent\s*=\s*")([^"]*)(")""",
    re.IGNORECASE,
)
# Placeholders Trunk 0.21's dev server replaces in HTML responses (src/serve/mod.rs).
ADDRESS_PLACEHOLDER = "'{{__TRUNK_ADDRESS__}}'"
WS_BASE_PLACEHOLDER = "{{__TRUNK_WS_BASE__}}"
AUTORELOAD_FILE = "trunk-autoreload.js"


def fail(message: str) -> None:
    print(f"csp_hash.py: error: {message}", file=sys.stderr)
    sys.exit(1)


def csp_hash(text: str) -> str:
    """The CSP source for an inline script's text (the HTML parser turns CRLF into LF first)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


STYLESHEET_RE = re.compile(r'<link\b[^>]*\brel="stylesheet"[^>]*>', re.IGNORECASE)


def strip_css(css: str) -> str:
    """CSS without its comments and indentation: each run of whitespace and comments becomes one
    line break if it holds one, else the whitespace it holds (a comment alone becomes nothing,
    as CSS's tokenizer drops it). Strings are kept as written."""
    out: list[str] = []
    i, n = 0, len(css)
    while i < n:
        c = css[i]
        if c in "\"'":
            j = i + 1
            while j < n and css[j] != c:
                j += 2 if css[j] == "\\" else 1
            out.append(css[i : j + 1])
            i = j + 1
        elif c.isspace() or css.startswith("/*", i):
            space = ""
            while i < n:
                if css[i].isspace():
                    space += css[i]
                    i += 1
                elif css.startswith("/*", i):
                    end = css.find("*/", i + 2)
                    i = n if end < 0 else end + 2
                else:
                    break
            out.append("\n" if "\n" in space else space)
        else:
            out.append(c)
            i += 1
    return "".join(out).strip() + "\n"


# A whole-line comment goes with its line; scripts are matched so that nothing in them is touched.
COMMENT_RE = re.compile(r"<script\b.*?</script\s*>|^[ \t]*<!--.*?-->[ \t]*\n|<!--.*?-->", re.DOTALL | re.IGNORECASE | re.MULTILINE)


def strip_html_comments(html: str) -> str:
    """index.html without its comments (scripts left as they are)."""
    return COMMENT_RE.sub(lambda m: m.group(0) if m.group(0).lower().startswith("<script") else "", html)


def strip_stylesheets(staging: Path, html: str) -> str:
    """Strips every stylesheet index.html links, in the staging dir, and updates its `integrity`."""

    def one(match: "re.Match[str]") -> str:
        tag = match.group(0)
        href = re.search(r'\bhref="\.?/?([^"/]+\.css)"', tag)
        if not href:
            return tag
        path = staging / href.group(1)
        data = strip_css(path.read_text(encoding="utf-8")).encode("utf-8")
        path.write_bytes(data)
        sri = "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode("ascii")
        return re.sub(r'\bintegrity="[^"]*"', f'integrity="{sri}"', tag)

    return STYLESHEET_RE.sub(one, html)


def ws_base(public_url: str) -> str:
    """The websocket base path Trunk's dev server uses for a public URL (default: serve base)."""
    if public_url.startswith("./"):
        public_url = public_url[1:]
    elif "://" in public_url:
        public_url = "/" + public_url.split("://", 1)[1].partition("/")[2]
    elif not public_url.startswith("/"):
        public_url = "/" + public_url
    return public_url if public_url.endswith("/") else public_url + "/"


def main() -> None:
    staging = os.environ.get("TRUNK_STAGING_DIR")
    if not staging:
        fail("TRUNK_STAGING_DIR is not set; run me as a Trunk post_build hook")
    # First the wasm split, which rewrites the glue and the preload links' integrity.
    split_wasm.split(Path(staging))
    public_url = os.environ.get("TRUNK_PUBLIC_URL", "/")
    index = Path(staging) / "index.html"
    html = strip_html_comments(strip_stylesheets(Path(staging), index.read_text(encoding="utf-8")))

    hashes: list[str] = []

    def rewrite(match: "re.Match[str]") -> str:
        attrs, body = match.group(1), match.group(2)
        if attrs is None:  # a comment
            return match.group(0)
        if re.search(r"\bsrc\s*=", attrs, re.IGNORECASE) or not body.strip():
            return match.group(0)  # external script: covered by 'self'
        if ADDRESS_PLACEHOLDER in body:  # `trunk serve` auto-reload script
            body = body.replace(ADDRESS_PLACEHOLDER, "window.location.host")
            body = body.replace(WS_BASE_PLACEHOLDER, ws_base(public_url))
            (Path(staging) / AUTORELOAD_FILE).write_text(body, encoding="utf-8")
            return f'<script{attrs} src="{public_url}{AUTORELOAD_FILE}"></script>'
        hashes.append(csp_hash(body))
        return match.group(0)

    html = SCRIPT_RE.sub(rewrite, html)

    metas = CSP_META_RE.findall(html)
    if len(metas) != 1:
        fail(f"expected exactly one Content-Security-Policy <meta> in {index}, found {len(metas)}")

    def amend(match: "re.Match[str]") -> str:
        directives = [d.strip() for d in match.group(2).split(";") if d.strip()]
        found = False
        for i, directive in enumerate(directives):
            name, _, sources = directive.partition(" ")
            if name.lower() == "script-src":
                kept = [s for s in sources.split() if not s.startswith("'sha256-")]
                directives[i] = " ".join(["script-src", *kept, *dict.fromkeys(hashes)])
                found = True
        if not found:
            fail("the Content-Security-Policy <meta> has no script-src directive")
        return match.group(1) + "; ".join(directives) + match.group(3)

    html = CSP_META_RE.sub(amend, html)
    index.write_text(html, encoding="utf-8")
    print(f"csp_hash.py: script-src += {' '.join(hashes) or '(no inline scripts)'}", file=sys.stderr)


if __name__ == "__main__":
    main()
