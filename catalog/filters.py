"""Partition filter expressions: a small, safe subset of SQL WHERE over a table's partition keys.

    year >= 2024 AND month IN ('01', '02') AND NOT (region LIKE 'eu-%' OR region IS NULL)

Supported: = != <> < <= > >= AND OR NOT IN, NOT IN, BETWEEN, NOT BETWEEN, LIKE, NOT LIKE,
IS [NOT] NULL, parentheses. A comparison has a partition key on one side and a literal on the
other. Keys of numeric types (int, bigint, double, decimal...) are compared as numbers.

Nothing is evaluated and no SQL text is built from user input: the expression is parsed into a
tree, which compiles either to a Django Q (the database filters) or to a Python predicate.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import F, FloatField, Func, Q, TextField, Value
from django.db.models.functions import Cast
from django.db.models.lookups import (
    Exact,
    GreaterThan,
    GreaterThanOrEqual,
    In,
    IsNull,
    LessThan,
    LessThanOrEqual,
    Regex,
)

NUMERIC_TYPES = ("bigint", "int", "smallint", "tinyint", "double", "float")
MAX_LENGTH = 4000


class FilterError(ValueError):
    """A filter that does not parse or does not fit the keys; the message gives the position."""


Literal = str | float | None


@dataclass(frozen=True)
class Compare:
    key: int
    op: str  # = != < <= > >=
    value: Literal


@dataclass(frozen=True)
class InList:
    key: int
    values: tuple[Literal, ...]


@dataclass(frozen=True)
class Like:
    key: int
    pattern: str


@dataclass(frozen=True)
class IsNullTest:
    key: int


@dataclass(frozen=True)
class Not:
    inner: Node


@dataclass(frozen=True)
class BoolOp:
    op: str  # AND / OR
    left: Node
    right: Node


Node = Compare | InList | Like | IsNullTest | Not | BoolOp

_TOKEN = re.compile(
    r"""\s*(?:
    (?P<number>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)
  | (?P<string>'(?:[^']|'')*')
  | (?P<quoted>"(?:[^"]|"")*"|`(?:[^`]|``)*`)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op><=|>=|<>|!=|=|<|>|\(|\)|,)
  )""",
    re.VERBOSE,
)
_KEYWORDS = {"AND", "OR", "NOT", "IN", "BETWEEN", "LIKE", "IS", "NULL"}


@dataclass(frozen=True)
class _Token:
    kind: str  # number string ident keyword op end
    text: str
    value: Any
    pos: int


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            start = pos + len(text[pos:]) - len(text[pos:].lstrip())
            raise FilterError(f'unexpected "{text[start]}" at position {start}')
        start = match.start(match.lastgroup or 0)
        kind = match.lastgroup or ""
        raw = match.group(kind)
        if kind == "number":
            tokens.append(_Token("number", raw, float(raw), start))
        elif kind == "string":
            tokens.append(_Token("string", raw, raw[1:-1].replace("''", "'"), start))
        elif kind == "quoted":
            quote = raw[0]
            tokens.append(_Token("ident", raw, raw[1:-1].replace(quote * 2, quote), start))
        elif kind == "word" and raw.upper() in _KEYWORDS:
            tokens.append(_Token("keyword", raw.upper(), raw.upper(), start))
        elif kind == "word":
            tokens.append(_Token("ident", raw, raw, start))
        else:
            tokens.append(_Token("op", raw, raw, start))
        pos = match.end()
    tokens.append(_Token("end", "", None, len(text)))
    return tokens


class _Parser:
    """Precedence, lowest first: OR, AND, NOT, then one predicate or a parenthesised expression."""

    def __init__(self, text: str, keys: Sequence[str]) -> None:
        self.tokens = _tokenize(text)
        self.i = 0
        self.keys = list(keys)

    @property
    def tok(self) -> _Token:
        return self.tokens[self.i]

    def fail(self, message: str, token: _Token | None = None) -> FilterError:
        at = (token or self.tok).pos
        return FilterError(f"{message} at position {at}")

    def take(self, kind: str, value: str | None = None) -> _Token | None:
        if self.tok.kind == kind and (value is None or self.tok.value == value):
            token = self.tok
            self.i += 1
            return token
        return None

    def need(self, kind: str, value: str, what: str) -> _Token:
        token = self.take(kind, value)
        if token is None:
            found = f'"{self.tok.text}"' if self.tok.kind != "end" else "the end"
            raise self.fail(f"expected {what}, found {found}")
        return token

    def parse(self) -> Node:
        node = self.or_expr()
        if self.tok.kind != "end":
            raise self.fail(f'unexpected "{self.tok.text}"')
        return node

    def or_expr(self) -> Node:
        node = self.and_expr()
        while self.take("keyword", "OR"):
            node = BoolOp("OR", node, self.and_expr())
        return node

    def and_expr(self) -> Node:
        node = self.not_expr()
        while self.take("keyword", "AND"):
            node = BoolOp("AND", node, self.not_expr())
        return node

    def not_expr(self) -> Node:
        if self.take("keyword", "NOT"):
            return Not(self.not_expr())
        if self.take("op", "("):
            node = self.or_expr()
            self.need("op", ")", '")"')
            return node
        return self.predicate()

    def key(self) -> int:
        token = self.tok
        if token.kind != "ident":
            found = f'"{token.text}"' if token.kind != "end" else "the end"
            raise self.fail(f"expected a partition key, found {found}")
        self.i += 1
        if token.value not in self.keys:
            known = ", ".join(self.keys) or "none"
            raise self.fail(f'unknown partition key "{token.value}" (keys: {known})', token)
        return self.keys.index(token.value)

    def literal(self) -> Literal:
        token = self.tok
        if token.kind in ("number", "string"):
            self.i += 1
            return token.value
        if token.kind == "keyword" and token.value == "NULL":
            raise self.fail("compare with NULL using IS NULL")
        found = f'"{token.text}"' if token.kind != "end" else "the end"
        raise self.fail(f"expected a literal ('text' or a number), found {found}")

    def predicate(self) -> Node:
        if self.tok.kind in ("number", "string"):
            # literal op key: turn it around so the key is on the left.
            value = self.literal()
            op_token = self.tok
            if op_token.kind != "op" or op_token.value not in _FLIP:
                raise self.fail("expected a comparison operator")
            self.i += 1
            return Compare(self.key(), _FLIP[op_token.value], value)
        key = self.key()
        if self.tok.kind == "op" and self.tok.value in _FLIP:
            op = self.tok.value
            self.i += 1
            return Compare(key, "!=" if op == "<>" else op, self.literal())
        if self.take("keyword", "IS"):
            negate = self.take("keyword", "NOT") is not None
            self.need("keyword", "NULL", "NULL")
            node: Node = IsNullTest(key)
            return Not(node) if negate else node
        negate = self.take("keyword", "NOT") is not None
        if self.take("keyword", "IN"):
            self.need("op", "(", '"("')
            values = [self.literal()]
            while self.take("op", ","):
                values.append(self.literal())
            self.need("op", ")", '")" or ","')
            node = InList(key, tuple(values))
        elif self.take("keyword", "BETWEEN"):
            low = self.literal()
            self.need("keyword", "AND", "AND")
            high = self.literal()
            node = BoolOp("AND", Compare(key, ">=", low), Compare(key, "<=", high))
        elif self.take("keyword", "LIKE"):
            pattern = self.literal()
            if not isinstance(pattern, str):
                raise self.fail("LIKE needs a 'text' pattern")
            node = Like(key, pattern)
        else:
            raise self.fail("expected an operator (=, !=, <, <=, >, >=, IN, BETWEEN, LIKE, IS NULL)")
        return Not(node) if negate else node


_FLIP = {"=": "=", "!=": "!=", "<>": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


@dataclass(frozen=True)
class PartitionFilter:
    """A parsed filter over the keys of one table."""

    tree: Node
    key_names: tuple[str, ...]
    numeric: tuple[bool, ...]

    def to_q(self, field: str = "values") -> Q:
        return _q(self.tree, self, field)[0]

    def matches(self, values: Sequence[str | None]) -> bool:
        return _evaluate(self.tree, self, values) is True


def is_numeric_type(catalog_type: str) -> bool:
    return catalog_type in NUMERIC_TYPES or catalog_type.startswith("decimal")


def parse_filter(text: str, partition_keys: Sequence[dict[str, Any]]) -> PartitionFilter:
    """Parse `text` against a table's partition keys ([{"name", "type"}]); FilterError when it is malformed."""
    if not isinstance(text, str) or not text.strip():
        raise FilterError("the filter is empty")
    if len(text) > MAX_LENGTH:
        raise FilterError(f"the filter is longer than {MAX_LENGTH} characters")
    names = tuple(k["name"] for k in partition_keys)
    numeric = tuple(is_numeric_type(k["type"]) for k in partition_keys)
    tree = _Parser(text, names).parse()
    _check_literals(tree, names, numeric)
    return PartitionFilter(tree, names, numeric)


def _check_literals(node: Node, names: tuple[str, ...], numeric: tuple[bool, ...]) -> None:
    """Numeric keys compare with numbers: a text literal there would compare nothing, so it is refused."""
    if isinstance(node, Not):
        _check_literals(node.inner, names, numeric)
    elif isinstance(node, BoolOp):
        _check_literals(node.left, names, numeric)
        _check_literals(node.right, names, numeric)
    elif isinstance(node, Compare | InList):
        values = (node.value,) if isinstance(node, Compare) else node.values
        for value in values:
            if numeric[node.key] and isinstance(value, str):
                try:
                    float(value)
                except ValueError:
                    raise FilterError(f"""key "{names[node.key]}" is numeric; '{value}' is not a number""") from None


def _number(value: Literal) -> float:
    return float(value) if value is not None else float("nan")


def _text(value: Literal) -> str:
    """A number literal against a text key compares with its plain spelling (2024, not 2024.0)."""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    return str(value)


def _like_regex(pattern: str) -> str:
    parts: list[str] = []
    for char in pattern:
        if char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        elif char.isalnum() or char in " -/:":
            parts.append(char)
        else:
            parts.append("\\" + char)
    return "^" + "".join(parts) + "$"


# --- Compiled to the database ---------------------------------------------------------------------

_LOOKUPS: dict[str, Callable[[Any, Any], Any]] = {
    "=": Exact,
    "<": LessThan,
    "<=": LessThanOrEqual,
    ">": GreaterThan,
    ">=": GreaterThanOrEqual,
}


class _PartitionValue(Func):
    """The key's value as SQL text, NULL for a JSON null.

    Partition values are JSON strings or null, so the plain extraction operators are right
    (Django's KeyTextTransform on SQLite would turn a JSON null into the text 'null').
    The index is a key position the parser computed, never user text.
    """

    output_field = TextField()

    def __init__(self, field: str, index: int) -> None:
        super().__init__(F(field))
        self.index = int(index)

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        lhs, params = compiler.compile(self.source_expressions[0])
        return f"JSON_EXTRACT({lhs}, '$[{self.index}]')", list(params)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        lhs, params = compiler.compile(self.source_expressions[0])
        return f"({lhs} ->> {self.index})", list(params)


def _key_text(key: int, field: str) -> Any:
    return _PartitionValue(field, key)


def _key_expr(f: PartitionFilter, key: int, field: str) -> Any:
    text = _key_text(key, field)
    return Cast(text, FloatField()) if f.numeric[key] else text


def _value_expr(f: PartitionFilter, key: int, value: Literal) -> Any:
    if f.numeric[key]:
        return Value(_number(value), output_field=FloatField())
    return Value(_text(value), output_field=TextField())


def _q(node: Node, f: PartitionFilter, field: str) -> tuple[Q, Q]:
    """The rows where `node` is TRUE and the rows where it is FALSE, in that order.

    SQL has three truth values: a comparison with a null partition value is UNKNOWN,
    which neither matches nor matches when negated. Django's ~Q is two-valued, so NOT
    is not compiled as ~Q; it swaps the TRUE and FALSE sets, and every leaf states
    both sets explicitly with the key known not to be null.
    """
    if isinstance(node, BoolOp):
        (lt, lf), (rt, rf) = _q(node.left, f, field), _q(node.right, f, field)
        return (lt & rt, lf | rf) if node.op == "AND" else (lt | rt, lf & rf)
    if isinstance(node, Not):
        true, false = _q(node.inner, f, field)
        return false, true
    text = _key_text(node.key, field)
    is_null, known = Q(IsNull(text, True)), Q(IsNull(text, False))
    if isinstance(node, IsNullTest):
        return is_null, known
    lhs = _key_expr(f, node.key, field)
    if isinstance(node, Compare):
        op, negated = ("=", True) if node.op == "!=" else (node.op, False)
        test = Q(_LOOKUPS[op](lhs, _value_expr(f, node.key, node.value)))
        true, false = known & test, known & ~test
        return (false, true) if negated else (true, false)
    if isinstance(node, InList):
        # The parser refuses NULL literals, so every listed value is known.
        test = Q(In(lhs, [_number(v) if f.numeric[node.key] else _text(v) for v in node.values]))
        return known & test, known & ~test
    test = Q(Regex(text, _like_regex(node.pattern)))
    return known & test, known & ~test


# --- Evaluated in Python --------------------------------------------------------------------------


def _evaluate(  # noqa: PLR0911, PLR0912  (one case per node kind and operator)
    node: Node, f: PartitionFilter, values: Sequence[str | None]
) -> bool | None:
    """SQL semantics: None stands for unknown (a comparison with a null value)."""
    if isinstance(node, BoolOp):
        left, right = _evaluate(node.left, f, values), _evaluate(node.right, f, values)
        if node.op == "AND":
            if left is False or right is False:
                return False
            return None if left is None or right is None else True
        if left is True or right is True:
            return True
        return None if left is None or right is None else False
    if isinstance(node, Not):
        inner = _evaluate(node.inner, f, values)
        return None if inner is None else not inner
    raw = values[node.key]
    if isinstance(node, IsNullTest):
        return raw is None
    if raw is None:
        return None
    if isinstance(node, Like):
        return re.fullmatch(_like_regex(node.pattern)[1:-1], raw, flags=re.DOTALL) is not None
    actual: float | str
    if f.numeric[node.key]:
        try:
            actual = float(raw)
        except ValueError:
            return None
        convert: Callable[[Literal], float | str] = _number
    else:
        actual, convert = raw, _text
    if isinstance(node, InList):
        return actual in {convert(v) for v in node.values}
    other = convert(node.value)
    match node.op:
        case "=":
            return actual == other
        case "!=":
            return actual != other
        case "<":
            return actual < other  # type: ignore[operator]
        case "<=":
            return actual <= other  # type: ignore[operator]
        case ">":
            return actual > other  # type: ignore[operator]
        case _:
            return actual >= other  # type: ignore[operator]
