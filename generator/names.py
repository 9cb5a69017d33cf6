"""Turning untrusted names from a spec into safe, deterministic Python identifiers."""

from __future__ import annotations

import keyword
import re
import unicodedata
from collections.abc import Iterable

_WORD_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NON_IDENT = re.compile(r"[^0-9A-Za-z]+")

# Names a generated attribute may never take: they would shadow pydantic, the runtime's
# Resource base class, or Python itself.
RESERVED_FIELDS = frozenset(
    {
        "id", "type", "meta", "links", "identifier", "resource_type", "relationship_specs",
        "attribute_names", "sortable_names", "includable_names", "filter_class", "from_wire",
        "attributes", "relationships", "relationship", "cast", "sort_keys",
        "self", "cls", "json", "dict", "copy", "schema", "schema_json", "construct",
        "validate", "parse_obj", "parse_raw", "parse_file", "from_orm", "fields",
        "update_forward_refs", "register", "print", "list", "type_", "field",
        "datetime", "date", "Any", "Literal", "Field", "BaseModel", "ConfigDict",
    }
)

# Methods and attributes of a filter class (runtime ``Filter``): a filter field may not take them.
FILTER_RESERVED = frozenset({"to_params", "from_params", "wire_fields", "self", "cls"})
# Methods and class attributes of an operations class (runtime ``SyncAPIResource``): actions may not take them.
API_RESERVED = frozenset({"list", "get", "create", "update", "delete", "model", "write_model", "path", "self", "cls"})

# Classes the generated modules import or define around a resource class: a resource's class may
# not take their names (it would shadow them in its own module or in the package).
RUNTIME_CLASS_NAMES = frozenset(
    {
        "Client", "AsyncClient", "SyncClientBase", "AsyncClientBase", "Resource", "GenericResource",
        "Identifier", "RelatedLink", "Rel", "ApiError", "Range", "Filter", "FilterSpec", "OrderedValue",
        "Value", "Page", "SyncPager", "AsyncPager", "NotGiven", "RateLimit", "SyncAPIResource",
        "AsyncAPIResource", "FieldsArg", "BaseModel", "Field", "Literal", "Any", "List", "ClassVar",
        "ConfigDict", "Self", "Optional", "Union", "Dict", "Tuple",
    }
)
_FOLD = {"ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "œ": "oe", "Œ": "OE"}


def _ascii(name: str) -> str:
    """Accents fold to their letters (é -> e, ß -> ss); any other non-ASCII character separates words."""
    out = []
    for c in unicodedata.normalize("NFKD", name):
        if c.isascii():
            out.append(c)
        elif unicodedata.combining(c):
            continue
        else:
            out.append(_FOLD.get(c, " "))
    return "".join(out)


def words(name: str) -> list[str]:
    """Split camelCase, PascalCase, snake_case, kebab-case and punctuation into lower words."""
    ascii_only = _ascii(name)
    parts: list[str] = []
    for chunk in _NON_IDENT.split(ascii_only):
        if chunk:
            parts.extend(p.lower() for p in _WORD_BOUNDARY.split(chunk) if p)
    return parts


def snake(name: str) -> str:
    return "_".join(words(name))


def pascal(name: str) -> str:
    return "".join(w[:1].upper() + w[1:] for w in words(name))


def camel(snake_name: str) -> str:
    head, *rest = snake_name.split("_")
    return head + "".join(w[:1].upper() + w[1:] for w in rest)


def identifier(name: str, *, reserved: Iterable[str] = (), fallback: str = "field") -> str:
    """A valid, non-keyword, non-dunder, non-private snake_case identifier for ``name``."""
    result = snake(name) or fallback
    if result[0].isdigit():
        result = f"{fallback}_{result}"
    if result.startswith("model_"):  # pydantic's namespace
        result = f"{fallback}_{result}"
    if keyword.iskeyword(result) or keyword.issoftkeyword(result) or result in reserved:
        result += "_"
    return result


def class_name(name: str, *, reserved: Iterable[str] = (), fallback: str = "Resource") -> str:
    """A PascalCase class name that is not a keyword and never a runtime class (``RUNTIME_CLASS_NAMES``)."""
    result = pascal(name) or fallback
    if result[0].isdigit():
        result = f"{fallback}{result}"
    if keyword.iskeyword(result) or result in reserved or result in RUNTIME_CLASS_NAMES:
        result += "Item"  # no underscore: datamodel-code-generator would drop it from "{Class}Attributes"
    return result


def dedupe(names: list[str]) -> list[str]:
    """Resolve collisions deterministically: the first keeps its name, the next get _2, _3, ...

    A suffixed name never takes a name that another entry has of its own.
    """
    own = set(names)
    taken: set[str] = set()
    out = []
    for name in names:
        candidate, n = name, 2
        sep = "" if name[:1].isupper() else "_"  # class names: Foo2 (see class_name)
        while candidate in taken or (candidate != name and candidate in own):
            candidate, n = f"{name}{sep}{n}", n + 1
        taken.add(candidate)
        out.append(candidate)
    return out
