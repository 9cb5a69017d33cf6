"""Stage 6: format every Python file with black, never formatting the same text twice.

Entry point: :func:`format_files`. Results are kept in a content-addressed cache (keyed by the
text, black's version and the mode), and uncached files are spread over the machine's cores,
largest first. The runtime modules are copied verbatim from ``generator/runtime``, whose sources
are kept black-formatted (``tests/test_generality_scale.py`` checks it): they are not formatted
again in every run.
"""

from __future__ import annotations

import functools
import hashlib
from importlib import resources as importlib_resources

from . import progress, workers
from .cache import folder as cache_folder
from .cache import store as cache_store

LINE_LENGTH = 100
PARALLEL_MIN_CHARS = 200_000  # below this, starting workers costs more than it saves


def _mode():  # type: ignore[no-untyped-def]
    import black

    return black.Mode(target_versions={black.TargetVersion.PY310}, line_length=LINE_LENGTH)


def prefit(source: str) -> str:
    """Split the long lines whose black shape is known, before black sees them.

    black formats a file twice when its first pass changed anything (to settle trailing commas),
    and splitting long lines is the costliest thing it does: templates write most code in black's
    shape already, and this puts the kinds of long line they cannot size in advance into it (a
    call that ends a line, with or without a trailing comma, and a parameter with a long
    annotation). Only brackets and parentheses are added, never inside a string (f-strings
    included) and never to a line indented with tabs, so the code means the same; black still
    formats the result, and where this guessed differently it simply reformats.
    """
    import io
    import tokenize

    lines = source.split("\n")
    # Only a long line that ends a call (``)`` or ``,``) can be split here; most long lines are
    # docstring prose, and a file without candidates is not tokenized at all.
    if not any(len(line) > LINE_LENGTH and line.endswith((")", ",")) for line in lines):
        return source
    in_string: set[int] = set()
    # Python 3.12 tokenizes an f-string as FSTRING_START ... FSTRING_END (STRING before).
    fstring_start, fstring_end = getattr(tokenize, "FSTRING_START", -1), getattr(tokenize, "FSTRING_END", -1)
    opened: list[int] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.STRING and tok.end[0] > tok.start[0]:
                in_string.update(range(tok.start[0], tok.end[0] + 1))
            elif tok.type == fstring_start:
                opened.append(tok.start[0])
            elif tok.type == fstring_end and opened:
                in_string.update(range(opened.pop(), tok.end[0] + 1))
    except (tokenize.TokenError, SyntaxError):
        return source
    for i, line in enumerate(lines):
        if len(line) > LINE_LENGTH and line.endswith((")", ",")) and (i + 1) not in in_string:
            lines[i] = _split_line(line) or line
    return "\n".join(lines)


def _split_line(line: str) -> str | None:
    import io
    import tokenize

    indent = line[: len(line) - len(line.lstrip(" "))]
    if line[len(indent) : len(indent) + 1].isspace():
        return None  # a tab (or another blank) in the indentation: its width is not ours to guess
    try:
        toks = [t for t in tokenize.generate_tokens(io.StringIO(line.strip() + "\n").readline) if t.type not in (tokenize.NEWLINE, tokenize.ENDMARKER, tokenize.NL)]
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return None
    if not toks or toks[-1].string not in (",", ")"):
        return None
    comma = "," if toks[-1].string == "," else ""
    if comma:
        toks = toks[:-1]
    text = line.strip()
    depth, colon, equals = 0, None, None
    for t in toks:
        if t.type == tokenize.OP and t.string in "([{":
            depth += 1
        elif t.type == tokenize.OP and t.string in ")]}":
            depth -= 1
        elif depth == 0 and t.string == ":" and colon is None:
            colon = t
        elif depth == 0 and t.string == "=" and equals is None:
            equals = t
    if comma and colon is not None and equals is not None and toks[0].type == tokenize.NAME and colon is toks[1]:
        # ``name: <long annotation> = default,`` -> the annotation in parentheses, as black does
        annotation = text[colon.end[1] : equals.start[1]].strip()
        result = f"{indent}{toks[0].string}: (\n{indent}    {annotation}\n{indent}) = {text[equals.end[1]:].strip()}"
    elif toks[-1].string == ")":
        # ``<head>(<args>)`` (and ``...),``) -> the arguments on their own line
        depth, opening = 0, None
        for t in reversed(toks):
            if t.type == tokenize.OP and t.string in ")]}":
                depth += 1
            elif t.type == tokenize.OP and t.string in "([{":
                depth -= 1
                if depth == 0:
                    opening = t
                    break
        if opening is None or opening.string != "(":
            return None
        head, args = text[: opening.end[1]], text[opening.end[1] : toks[-1].start[1]].strip()
        if not args or args.endswith(","):
            return None  # nothing to put on its own line, or a magic trailing comma: black's call
        result = f"{indent}{head}\n{indent}    {args}\n{indent}){comma}"
    else:
        return None
    return result if all(len(part) <= LINE_LENGTH for part in result.split("\n")) else None


def format_text(text: str) -> str:
    """``text`` formatted by black (sdkgen's mode)."""
    return _format(text)


def _format(text: str) -> str:
    import black

    try:
        return black.format_str(prefit(text), mode=_mode())
    except black.NothingChanged:
        return text


def _key(text: str) -> str:
    # The generator's digest names black's version and prefit's code (which shapes black's input)
    # without ``import black``: the main process need not load it.
    from .inputs import generator_digest

    return hashlib.sha256(f"{generator_digest()}\0{LINE_LENGTH}\0py310\0{text}".encode()).hexdigest()


@functools.cache
def _runtime_sources() -> frozenset[str]:
    folder = importlib_resources.files("generator.runtime")
    return frozenset(
        item.read_text("utf-8") for item in folder.iterdir() if item.name.endswith(".py") and item.is_file()
    )


def preformatted(text: str) -> bool:
    """A runtime module as render writes it: one header comment line, then the source verbatim."""
    head, sep, body = text.partition("\n")
    return bool(sep) and head.startswith("#") and body in _runtime_sources()


def format_files(files: dict[str, str], *, jobs: int | None = None) -> dict[str, str]:
    cache = cache_folder("black")
    out = dict(files)
    todo: dict[str, str] = {}
    keys: dict[str, str] = {}
    for path, text in files.items():
        if not path.endswith(".py") or preformatted(text):
            continue
        key = keys[path] = _key(text)
        hit = cache / key if cache else None
        if hit is not None and hit.is_file():
            out[path] = hit.read_text("utf-8")
        else:
            todo[path] = text
    if todo:
        done = _format_all(todo, jobs)
        for path, text in done.items():
            out[path] = text
            if cache is not None:
                cache_store(cache / keys[path], text)
    return out


def _format_all(todo: dict[str, str], jobs: int | None) -> dict[str, str]:
    """Format every text once (equal texts share one run), on all cores when it pays."""
    unique = sorted(set(todo.values()), key=len, reverse=True)  # largest first: the cores finish together
    total = len(unique)
    progress.step("formatting", 0, total)
    n_jobs = min(jobs or workers.cpus(), total)
    formatted: dict[str, str] = {}
    if workers.started() or (n_jobs > 1 and sum(len(t) for t in unique) >= PARALLEL_MIN_CHARS):
        results = workers.run_all(_format, unique, lambda n: progress.step("formatting", n, total))
        formatted = dict(zip(unique, results))
    else:
        for text in unique:
            formatted[text] = _format(text)
            progress.step("formatting", len(formatted), total)
    return {path: formatted[text] for path, text in todo.items()}
