"""The risk-rule expression language: a tokenizer and a recursive-descent parser into a small
AST, a canonical printer, and an evaluator. Nothing here executes code: the evaluator walks the
AST and reads attributes from a dict whose keys are whitelisted (`ATTRIBUTES`).

Grammar (docs/risk.md):

    expr    := or
    or      := and ("or" and)*
    and     := not ("and" not)*
    not     := "not" not | compare
    compare := operand (("==" | "!=" | "<" | "<=" | ">" | ">=") operand
                        | "not"? "in" "[" literal ("," literal)* "]")?
    operand := NUMBER | STRING | "true" | "false" | ATTRIBUTE | "metadata" "[" STRING "]"
               | "(" expr ")"

Errors raise `ExpressionError` with the character offset of the offending token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# name -> type ("int", "str", "bool"). Values are computed by compliance.rules.attributes.
ATTRIBUTES: dict[str, str] = {
    "amount": "int",
    "currency": "str",
    "card_brand": "str",
    "card_country": "str",
    "card_funding": "str",
    "ip_country": "str",
    "email_domain": "str",
    "customer_age_days": "int",
    "customer_payment_count": "int",
    "customer_dispute_count": "int",
    "card_velocity_1h": "int",
    "card_velocity_24h": "int",
    "customer_velocity_1h": "int",
    "customer_velocity_24h": "int",
    "ip_velocity_1h": "int",
    "ip_velocity_24h": "int",
    "risk_score": "int",
    "is_blocked_card": "bool",
    "is_blocked_email": "bool",
    "is_blocked_email_domain": "bool",
    "is_blocked_ip": "bool",
    "is_blocked_customer": "bool",
}
COMPARATORS = ("==", "!=", "<=", ">=", "<", ">")
KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false", "metadata"})
MAX_LENGTH = 1000
MAX_DEPTH = 32

_TOKEN = re.compile(
    r"""(?P<space>\s+)
      |(?P<number>-?\d+)
      |(?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
      |(?P<name>[A-Za-z_][A-Za-z0-9_]*)
      |(?P<op>==|!=|<=|>=|<|>|\(|\)|\[|\]|,)""",
    re.VERBOSE,
)


class ExpressionError(ValueError):
    """The expression is outside the grammar; `position` is the 0-based character offset."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


@dataclass(frozen=True)
class Token:
    kind: str  # number, string, name, op, end
    text: str
    position: int


# --- AST ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Literal:
    value: int | str | bool


@dataclass(frozen=True)
class Attribute:
    name: str


@dataclass(frozen=True)
class Metadata:
    key: str


@dataclass(frozen=True)
class Compare:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Membership:
    negated: bool
    operand: Node
    values: tuple[Literal, ...]


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class BoolOp:
    op: str  # "and" | "or"
    operands: tuple[Node, ...]


Node = Literal | Attribute | Metadata | Compare | Membership | Not | BoolOp


def tokenize(source: str) -> list[Token]:
    """Split `source` into tokens; ExpressionError at the first character that starts none."""
    tokens: list[Token] = []
    position = 0
    while position < len(source):
        match = _TOKEN.match(source, position)
        if match is None:
            raise ExpressionError(f"Unexpected character {source[position]!r}.", position)
        kind = match.lastgroup or ""
        if kind != "space":
            tokens.append(Token(kind, match.group(), position))
        position = match.end()
    tokens.append(Token("end", "", len(source)))
    return tokens


def _unquote(text: str) -> str:
    body = text[1:-1]
    return re.sub(r"\\(.)", r"\1", body)


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens = tokenize(source)
        self.index = 0
        self.depth = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.current
        self.index += 1
        return token

    def accept(self, text: str) -> bool:
        if self.current.kind in ("op", "name") and self.current.text == text:
            self.index += 1
            return True
        return False

    def expect(self, text: str) -> None:
        if not self.accept(text):
            raise self.error(f"Expected {text!r}")

    def error(self, expected: str) -> ExpressionError:
        token = self.current
        found = "the end of the expression" if token.kind == "end" else repr(token.text)
        return ExpressionError(f"{expected}, found {found}.", token.position)

    def parse(self) -> Node:
        node = self.parse_or()
        if self.current.kind != "end":
            raise self.error("Expected 'and', 'or' or the end")
        return node

    def _nested(self):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError("The expression nests too deeply.", self.current.position)

    def parse_or(self) -> Node:
        operands = [self.parse_and()]
        while self.accept("or"):
            operands.append(self.parse_and())
        return operands[0] if len(operands) == 1 else BoolOp("or", tuple(operands))

    def parse_and(self) -> Node:
        operands = [self.parse_not()]
        while self.accept("and"):
            operands.append(self.parse_not())
        return operands[0] if len(operands) == 1 else BoolOp("and", tuple(operands))

    def parse_not(self) -> Node:
        if self.accept("not"):
            self._nested()
            node = Not(self.parse_not())
            self.depth -= 1
            return node
        return self.parse_compare()

    def parse_compare(self) -> Node:
        left = self.parse_operand()
        token = self.current
        if token.kind == "op" and token.text in COMPARATORS:
            self.advance()
            return Compare(token.text, left, self.parse_operand())
        negated = False
        if token.kind == "name" and token.text == "not":
            following = self.tokens[self.index + 1]
            if following.kind == "name" and following.text == "in":
                self.advance()
                negated = True
        if self.accept("in"):
            return Membership(negated, left, self.parse_list())
        return left

    def parse_list(self) -> tuple[Literal, ...]:
        self.expect("[")
        values = [self.parse_literal()]
        while self.accept(","):
            values.append(self.parse_literal())
        self.expect("]")
        return tuple(values)

    def parse_literal(self) -> Literal:
        token = self.current
        if token.kind == "number":
            self.advance()
            return Literal(int(token.text))
        if token.kind == "string":
            self.advance()
            return Literal(_unquote(token.text))
        if token.kind == "name" and token.text in ("true", "false"):
            self.advance()
            return Literal(token.text == "true")
        raise self.error("Expected a number, a string, true or false")

    def parse_operand(self) -> Node:
        token = self.current
        if token.kind == "op" and token.text == "(":
            self.advance()
            self._nested()
            node = self.parse_or()
            self.depth -= 1
            self.expect(")")
            return node
        if token.kind == "name" and token.text == "metadata":
            self.advance()
            self.expect("[")
            key = self.current
            if key.kind != "string":
                raise self.error("Expected a quoted metadata key")
            self.advance()
            self.expect("]")
            return Metadata(_unquote(key.text))
        if token.kind == "name" and token.text not in KEYWORDS:
            if token.text not in ATTRIBUTES:
                raise ExpressionError(
                    f"Unknown attribute {token.text!r}; see docs/risk.md for the list.",
                    token.position,
                )
            self.advance()
            return Attribute(token.text)
        return self.parse_literal()


def parse(source: str) -> Node:
    """Parse a rule expression into its AST. Raises ExpressionError (message, position) for
    anything outside the grammar, an unknown attribute, or an expression over MAX_LENGTH."""
    if len(source) > MAX_LENGTH:
        raise ExpressionError(f"The expression is longer than {MAX_LENGTH} characters.", MAX_LENGTH)
    return _Parser(source).parse()


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def unparse(node: Node) -> str:
    """The canonical text of `node` (compound operands parenthesized): parse(unparse(n)) == n."""
    if isinstance(node, Literal):
        if isinstance(node.value, bool):
            return "true" if node.value else "false"
        if isinstance(node.value, int):
            return str(node.value)
        return _quote(node.value)
    if isinstance(node, Attribute):
        return node.name
    if isinstance(node, Metadata):
        return f"metadata[{_quote(node.key)}]"
    if isinstance(node, Compare):
        return f"{_operand(node.left)} {node.op} {_operand(node.right)}"
    if isinstance(node, Membership):
        values = ", ".join(unparse(value) for value in node.values)
        keyword = "not in" if node.negated else "in"
        return f"{_operand(node.operand)} {keyword} [{values}]"
    if isinstance(node, Not):
        return f"not {_operand(node.operand)}"
    return f" {node.op} ".join(_operand(operand) for operand in node.operands)


def _operand(node: Node) -> str:
    if isinstance(node, Literal | Attribute | Metadata):
        return unparse(node)
    return f"({unparse(node)})"


def attributes_of(node: Node) -> set[str]:
    """The attribute names an expression reads (metadata keys excluded)."""
    if isinstance(node, Attribute):
        return {node.name}
    if isinstance(node, Compare):
        return attributes_of(node.left) | attributes_of(node.right)
    if isinstance(node, Membership):
        return attributes_of(node.operand)
    if isinstance(node, Not):
        return attributes_of(node.operand)
    if isinstance(node, BoolOp):
        return set().union(*(attributes_of(operand) for operand in node.operands))
    return set()


def _compare(op: str, left: Any, right: Any) -> bool:
    if op == "==":
        return left == right
    if op == "!=":
        return left != right
    # Ordering needs two values of one type (None or mixed types never match).
    if left is None or right is None or isinstance(left, str) != isinstance(right, str):
        return False
    if op == "<":
        return left < right
    if op == "<=":
        return left <= right
    if op == ">":
        return left > right
    return left >= right


def evaluate(node: Node, attributes: dict[str, Any], metadata: dict[str, str]) -> Any:
    """Evaluate `node` over the attribute values (keys of ATTRIBUTES) and the payment's metadata.
    Returns the value; a rule matches when the value is truthy. Missing values are None."""
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, Attribute):
        return attributes.get(node.name)
    if isinstance(node, Metadata):
        return metadata.get(node.key)
    if isinstance(node, Compare):
        return _compare(
            node.op,
            evaluate(node.left, attributes, metadata),
            evaluate(node.right, attributes, metadata),
        )
    if isinstance(node, Membership):
        value = evaluate(node.operand, attributes, metadata)
        found = any(value == item.value for item in node.values)
        return found != node.negated
    if isinstance(node, Not):
        return not evaluate(node.operand, attributes, metadata)
    if node.op == "and":
        return all(evaluate(operand, attributes, metadata) for operand in node.operands)
    return any(evaluate(operand, attributes, metadata) for operand in node.operands)
