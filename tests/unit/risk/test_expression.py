"""The rule expression language: hypothesis-generated expressions round-trip through the printer
and the parser; anything outside the grammar is refused with the offending offset; only
whitelisted attributes are reachable; nothing is executed."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compliance.rules.expression import (
    ATTRIBUTES,
    COMPARATORS,
    Attribute,
    BoolOp,
    Compare,
    ExpressionError,
    Literal,
    Membership,
    Metadata,
    Not,
    attributes_of,
    evaluate,
    parse,
    unparse,
)

_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)
literals = st.one_of(
    st.integers(min_value=0, max_value=10**12).map(Literal),
    _text.map(Literal),
    st.booleans().map(Literal),
)
atoms = st.one_of(
    literals,
    st.sampled_from(sorted(ATTRIBUTES)).map(Attribute),
    _text.map(Metadata),
)


def _extend(children):
    return st.one_of(
        st.builds(Compare, st.sampled_from(COMPARATORS), atoms, atoms),
        st.builds(
            Membership, st.booleans(), atoms, st.lists(literals, min_size=1, max_size=4).map(tuple)
        ),
        st.builds(Not, children),
        st.builds(
            BoolOp,
            st.sampled_from(["and", "or"]),
            st.lists(children, min_size=2, max_size=3).map(tuple),
        ),
    )


expressions = st.recursive(atoms, _extend, max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(expressions)
def test_generated_expressions_round_trip(node):
    text = unparse(node)
    assert parse(text) == node
    assert unparse(parse(text)) == text


def test_the_contract_example_parses_and_evaluates():
    node = parse("amount > 90000 and card_country != ip_country")
    assert node == BoolOp(
        "and",
        (
            Compare(">", Attribute("amount"), Literal(90000)),
            Compare("!=", Attribute("card_country"), Attribute("ip_country")),
        ),
    )
    assert evaluate(node, {"amount": 90001, "card_country": "US", "ip_country": "NG"}, {}) is True
    assert evaluate(node, {"amount": 90000, "card_country": "US", "ip_country": "NG"}, {}) is False
    assert attributes_of(node) == {"amount", "card_country", "ip_country"}


@pytest.mark.parametrize(
    ("source", "position", "message"),
    [
        ("__import__('os').system('id')", 16, "Unexpected character '.'"),
        ("__import__ == 1", 0, "Unknown attribute '__import__'"),
        ("amount > 1 and", 14, "found the end of the expression"),
        ("amount >> 1", 8, "Expected a number"),
        ("amount > 1; drop", 10, "Unexpected character ';'"),
        ("card_country.lower() == 'us'", 12, "Unexpected character '.'"),
        ("amount + 1 > 2", 7, "Unexpected character '+'"),
        ("amount in []", 11, "Expected a number"),
        ("metadata[order] == 'x'", 9, "Expected a quoted metadata key"),
        ("(amount > 1", 11, "Expected ')'"),
        ("amount > 1 amount", 11, "Expected 'and', 'or' or the end"),
        ("'unterminated", 0, "Unexpected character"),
        ("lambda: 1", 6, "Unexpected character ':'"),
        ("exec == 1 or eval == 2", 0, "Unknown attribute 'exec'"),
        ("", 0, "found the end of the expression"),
    ],
)
def test_outside_the_grammar_is_refused_at_the_offending_offset(source, position, message):
    with pytest.raises(ExpressionError) as raised:
        parse(source)
    assert raised.value.position == position
    assert message in raised.value.message


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"[a-z_]{3,12}", fullmatch=True))
def test_no_attribute_outside_the_whitelist_is_reachable(name):
    keywords = {"and", "or", "not", "in", "true", "false", "metadata"}
    if name in ATTRIBUTES or name in keywords:
        return
    with pytest.raises(ExpressionError) as raised:
        parse(f"{name} == 1")
    assert raised.value.position == 0


def test_nesting_and_length_are_bounded():
    with pytest.raises(ExpressionError, match="nests too deeply"):
        parse("not " * 40 + "true")
    with pytest.raises(ExpressionError, match="longer than 1000"):
        parse("amount > 1 or " * 80 + "true")


def test_evaluation_semantics():
    attributes = {"amount": 5, "currency": "usd", "ip_country": None}
    assert evaluate(parse("currency in ['usd', 'eur']"), attributes, {}) is True
    assert evaluate(parse("currency not in ['usd']"), attributes, {}) is False
    assert evaluate(parse("ip_country > 'A'"), attributes, {}) is False  # unknown never orders
    assert evaluate(parse("amount > 'A'"), attributes, {}) is False  # mixed types never order
    assert evaluate(parse("metadata['channel'] == 'app'"), attributes, {"channel": "app"}) is True
    assert evaluate(parse("not (amount >= 5 or amount <= 1)"), attributes, {}) is False
    assert evaluate(parse('amount == 5 and "a\\"b" == \'a"b\''), attributes, {}) is True
