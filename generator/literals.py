"""Writing untrusted spec text into generated files as inert literals.

Every value a template prints goes through one of these filters, or is refused by
:func:`finalize` (installed as the Jinja environment's ``finalize`` hook), so a template that
forgets a filter fails loudly at generation time instead of letting spec text become code:

* ``pystr``     any text as a Python string literal;
* ``pytuple``   a tuple of such literals;
* ``docstring`` a triple-quoted docstring the text cannot end early;
* ``pytype``    a type annotation, re-written from its syntax tree after checking it holds only
  names, subscripts, ``|`` and literal constants (never a call);
* ``ident``     an identifier, checked (never changed: names were made safe by :mod:`generator.names`);
* ``tomlstr``   a TOML basic string; ``oneline`` folds text into one line first;
* ``mdtext`` / ``mdcode`` prose and code for Markdown (no raw HTML, no fence breaks).

Each returns :class:`Code`. A plain ``str`` is printed only when it is made of ASCII letters,
digits, ``_``, spaces and ``.,:|[]`` -- enough for names and the templates' own fragments such as
``" | None"``, never enough to end a string, a docstring or a comment, open a call, or start a
new line.
"""

from __future__ import annotations

import ast
import keyword
import re
from typing import Any

import jinja2


class Code(str):
    """Text that is already valid output for the place it is printed (a filter's result)."""

    __slots__ = ()


class UnsafeOutput(ValueError):
    """A template printed a value without a filter (a bug in sdkgen, not in the spec)."""


_INERT = re.compile(r"[A-Za-z0-9_ .,:|\[\]]*")


def finalize(value: Any) -> str:
    """The Jinja ``finalize`` hook: print filter results, booleans, numbers and inert text only."""
    if isinstance(value, Code):
        return value
    if isinstance(value, jinja2.Undefined):  # ``{{ x if c }}`` with c false; a missing name still raises
        return str(value)
    if value is None or isinstance(value, (bool, int)):
        return str(value)
    if isinstance(value, str) and _INERT.fullmatch(value):
        return value
    raise UnsafeOutput(
        f"the template printed {value!r} without a filter "
        "(use pystr, docstring, pytype, ident, tomlstr or mdtext)"
    )


# --------------------------------------------------------------------------- Python


def _escape_char(c: str) -> str:
    return c.encode("unicode_escape").decode("ascii") if not 0xD800 <= ord(c) <= 0xDFFF else f"\\u{ord(c):04x}"


def pystr(value: Any) -> Code:
    """Any text as a Python string literal (quotes, backslashes and every non-printable escaped)."""
    if value is None:
        return Code("None")
    # repr() escapes quotes, backslashes and non-printable characters (controls, line and
    # paragraph separators, bidi controls, lone surrogates); check it rather than trust it.
    text = str(value)
    literal = repr(text)
    if literal[0] == "'" and '"' not in text:
        # No quote inside: the double-quoted form black prefers (it would rewrite it anyway).
        literal = '"' + literal[1:-1] + '"'
    return Code("".join(c if c.isprintable() else _escape_char(c) for c in literal))


def pytuple(values: Any) -> Code:
    items = [pystr(v) for v in values]
    return Code("(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")")


def _doc_escape(text: str) -> str:
    """Docstring content: backslashes doubled, quotes that could close it escaped, the rest visible.

    A ``"`` is escaped when it is part of a run of three, or the first or last character (black
    pads a docstring that starts or ends with a quote with a space, changing its value; the last
    is written ``\\x22`` so that the source does not end in a quote character either).
    """
    in_run = [False] * len(text)
    for match in re.finditer('"{3,}', text):
        for i in range(match.start(), match.end()):
            in_run[i] = True
    out = []
    last = len(text) - 1
    for i, c in enumerate(text):
        if c == '"':
            out.append("\\x22" if i == last else '\\"' if i == 0 or in_run[i] else c)
        elif c == "\\":
            out.append("\\\\")
        elif 0xD800 <= ord(c) <= 0xDFFF:
            out.append("\ufffd")  # a class docstring is stored as UTF-8: a lone surrogate fails the import
        elif c == "\n" or (c.isprintable() and c != "\t"):
            out.append(c)
        else:  # tabs (black rewrites them), controls, U+2028/U+2029, bidi controls
            out.append(_escape_char(c))
    # The resource modules' models slot (render.MODELS_SLOT) is found by its class name: spec
    # text must not be able to spell it, so its first character is written as an escape.
    return "".join(out).replace("__sdkgen_models__", "\\x5f_sdkgen_models__")


def docstring(text: Any, indent: int, *more: Any) -> Code:
    """A triple-quoted docstring whose content cannot end it early or smuggle code.

    Paragraphs (``text`` then ``more``) are stripped and joined by a blank line; the value of the
    docstring, after :func:`inspect.cleandoc`, is exactly that text with tabs expanded and each
    line's trailing spaces removed (and a lone surrogate, which CPython cannot store in a class
    docstring, as U+FFFD). Tabs are expanded here, at the text's own columns: cleandoc would expand
    them after the docstring's indentation, which moves every tab stop.
    """
    paragraphs = ["\n".join(line.expandtabs() for line in str(p).strip().split("\n")) for p in (text, *more) if p and str(p).strip()]
    body = "\n\n".join(_doc_escape(p) for p in paragraphs) or "(no description)"
    lines = [line.rstrip(" ") for line in body.split("\n")]
    pad = " " * indent
    if len(lines) == 1:
        return Code(f'"""{lines[0]}"""')
    rest = "\n".join(pad + line if line else "" for line in lines[1:])
    return Code(f'"""{lines[0]}\n{rest}\n{pad}"""')


_TYPE_NODES = (ast.Expression, ast.Name, ast.Load, ast.Subscript, ast.Tuple, ast.Attribute, ast.BinOp, ast.BitOr)


def pytype(annotation: Any) -> Code:
    """A type annotation, checked and re-written from its syntax tree.

    Only names, attribute access, subscripts, tuples, ``|`` and str/int/bool/None constants
    (``Literal[...]`` values) are allowed; the text written is :func:`ast.unparse` of the tree,
    so whatever the annotation was spelt like, what lands in the file is exactly that expression.
    """
    text = str(annotation)
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        raise UnsafeOutput(f"{text!r} is not a type annotation") from None
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant):
            if not (node.value is None or isinstance(node.value, (str, int, bool))):
                raise UnsafeOutput(f"{text!r} holds a constant that is not str/int/bool/None")
        elif isinstance(node, ast.Name):
            if not node.id.isidentifier() or keyword.iskeyword(node.id) or node.id.startswith("__"):
                raise UnsafeOutput(f"{text!r} uses the name {node.id!r}")
        elif not isinstance(node, _TYPE_NODES):
            raise UnsafeOutput(f"{text!r} is not a plain type annotation ({type(node).__name__})")
    return Code(_printable(prefer_double_quotes(ast.unparse(tree))))


def prefer_double_quotes(source: str) -> str:
    """Plain single-quoted strings written as black writes them (double quotes).

    Only strings with no quote or backslash inside are touched, so their value cannot change;
    black leaves the result as it is, instead of rewriting it (and then formatting twice).
    """
    import io
    import tokenize

    lines = source.splitlines(keepends=True)
    edits = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.STRING and tok.string[0] == "'" and not tok.string.startswith("'''"):
            body = tok.string[1:-1]
            if '"' not in body and "\\" not in body and "'" not in body and tok.start[0] == tok.end[0]:
                edits.append((tok.start, tok.end, f'"{body}"'))
    for (row, start), (_, end), new in reversed(edits):
        lines[row - 1] = lines[row - 1][:start] + new + lines[row - 1][end:]
    return "".join(lines)


def _printable(source: str) -> str:
    """Source from ast.unparse with any remaining non-printable character escaped (it uses repr)."""
    if all(c.isprintable() for c in source):
        return source
    raise UnsafeOutput(f"{source!r} would put an invisible character in the code")


def ident(value: Any) -> Code:
    """An identifier as it is: ASCII, not a keyword, not a dunder (checked, never changed)."""
    text = str(value)
    if not (text.isascii() and text.isidentifier() and not keyword.iskeyword(text) and not text.startswith("__")):
        raise UnsafeOutput(f"{text!r} is not a safe identifier")
    return Code(text)


def label(text: Any) -> Code:
    """A file name for a comment or a header: anything beyond ``[A-Za-z0-9._ -]`` escaped."""
    return Code(
        "".join(
            c if (c.isascii() and (c.isalnum() or c in "._ -")) else (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}" if ord(c) < 0x10000 else f"\\U{ord(c):08x}")
            for c in str(text)
        )
    )


# --------------------------------------------------------------------------- TOML


def tomlstr(value: Any) -> Code:
    """A TOML basic string, ASCII only: every character that is not plain printable ASCII escaped."""
    out = ['"']
    for c in str(value):
        o = ord(c)
        if c == '"' or c == "\\":
            out.append("\\" + c)
        elif 0x20 <= o < 0x7F:
            out.append(c)
        elif 0xD800 <= o <= 0xDFFF:  # a lone surrogate is no Unicode scalar value: TOML cannot hold it
            out.append("\\uFFFD")
        elif o < 0x10000:
            out.append(f"\\u{o:04X}")
        else:
            out.append(f"\\U{o:08X}")
    out.append('"')
    return Code("".join(out))


def oneline(value: Any) -> str:
    """Text folded into one line (package metadata such as a summary may not hold line breaks)."""
    return " ".join(str(value).split())


# --------------------------------------------------------------------------- Markdown

_TAG = re.compile(r"<[^>]*>")
_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})", re.M)


def _md_clean(text: str) -> str:
    out = []
    for c in text:
        o = ord(c)
        if 0xD800 <= o <= 0xDFFF:
            out.append("\ufffd")
        elif c in "\n\t" or c.isprintable():
            out.append(c)
        elif c in "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029":
            out.append("\n")
        else:
            out.append(" ")  # other controls and format characters (bidi overrides)
    return "".join(out)


def mdtext(value: Any) -> Code:
    """Spec prose in Markdown: no raw HTML (tags and stray ``<`` removed or escaped), no fences."""
    text = _md_clean(str(value)).replace("\r\n", "\n")
    text = _TAG.sub("", text).replace("<", "&lt;").replace("```", "'''").replace("~~~", "---")
    return Code(text.strip())


def mdcode(value: Any) -> Code:
    """Code for a fenced block: no line of it can close the fence."""
    text = _md_clean(str(value))
    return Code(_FENCE.sub(lambda m: m.group(1) + " " + m.group(2), text))
