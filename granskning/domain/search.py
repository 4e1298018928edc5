"""The search query language, parsed once and written out for each backend.

Words (``barnkonsekvensanalys``), prefixes (``barnkonsekvens*``), phrases in double quotes
(``"barnets bästa"``), ``AND`` (also implied between terms), ``OR``, ``NOT`` (``a NOT b``:
a without b) and parentheses. The operators are written in capitals; in lower case they are
words. A query becomes an FTS5 MATCH expression (SQLite) or a ``to_tsquery`` text
(PostgreSQL) in which every word is a quoted run of letters and digits, so that nothing a
user types can change the query's meaning beyond the syntax above.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from granskning.domain.errors import InputError
from granskning.domain.i18n import _

QUERY_MAX = 500  # characters
TERMS_MAX = 30

# a word: letters and digits (the FTS5 unicode61 tokenizer splits on everything else,
# the underscore included)
_WORD = re.compile(r"[^\W_]+")
# a token: a phrase in quotes, a parenthesis, or a run of anything else but blanks
_TOKEN = re.compile(r'"[^"]*"?|[()]|[^\s()"]+')
_OPERATORS = frozenset({"AND", "OR", "NOT"})


@dataclass(frozen=True)
class Term:
    """One word, or the start of words (``prefix``)."""

    word: str
    prefix: bool = False


@dataclass(frozen=True)
class Phrase:
    """Words one after the other."""

    words: tuple[str, ...]


@dataclass(frozen=True)
class All:
    """Every part matches."""

    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Any_:
    """At least one part matches."""

    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Without:
    """``keep`` matches and ``drop`` does not."""

    keep: Node
    drop: Node


Node = Term | Phrase | All | Any_ | Without


def bad_query(reason: str) -> InputError:
    """The one-line error of a query that cannot be read."""
    return InputError(_("cannot read the search query: {reason}").format(reason=reason))


def _atom(token: str) -> Node | None:
    """A word, prefix or phrase from one token; None for a token without letters or digits."""
    if token.startswith('"'):
        if len(token) < 2 or not token.endswith('"'):
            raise bad_query(_("a quotation mark is not closed"))
        words = tuple(w.casefold() for w in _WORD.findall(token[1:-1]))
        if not words:
            return None
        return Term(words[0]) if len(words) == 1 else Phrase(words)
    prefix = token.endswith("*")
    words = tuple(w.casefold() for w in _WORD.findall(token))
    if not words:
        return None
    if len(words) == 1:
        return Term(words[0], prefix)
    # "2018:1197", "barn-och-ungdom": the words in a row, as the index splits them
    return Phrase(words)


class _Parser:
    """Recursive descent: OR binds loosest, then AND (written or implied), then NOT."""

    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.at = 0
        self.terms = 0

    def peek(self) -> str | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> str:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def query(self) -> Node:
        node = self.either()
        if self.peek() is not None:
            raise bad_query(_("an unmatched closing parenthesis"))
        return node

    def either(self) -> Node:
        parts = [self.both()]
        while self.peek() == "OR":
            self.take()
            parts.append(self.both())
        return parts[0] if len(parts) == 1 else Any_(tuple(parts))

    def both(self) -> Node:
        parts = [self.without()]
        while (token := self.peek()) is not None and token not in ("OR", ")"):
            if token == "AND":
                self.take()
            parts.append(self.without())
        return parts[0] if len(parts) == 1 else All(tuple(parts))

    def without(self) -> Node:
        node = self.unit()
        while self.peek() == "NOT":
            self.take()
            node = Without(node, self.unit())
        return node

    def unit(self) -> Node:
        token = self.peek()
        if token is None or token == ")":
            raise bad_query(_("an operator or parenthesis without a search term after it"))
        if token in _OPERATORS:
            raise bad_query(_("{operator} needs a search term before it").format(operator=token))
        self.take()
        if token == "(":
            node = self.either()
            if self.peek() != ")":
                raise bad_query(_("a parenthesis is not closed"))
            self.take()
            return node
        atom = _atom(token)
        if atom is None:
            raise bad_query(_("{token} has no letters or digits").format(token=token))
        self.terms += 1
        if self.terms > TERMS_MAX:
            raise bad_query(_("more than {n} search terms").format(n=TERMS_MAX))
        return atom


def parse(query: str) -> Node:
    """The query as a tree, or an InputError saying in one line what is wrong with it."""
    if len(query) > QUERY_MAX:
        raise bad_query(_("longer than {n} characters").format(n=QUERY_MAX))
    tokens = _TOKEN.findall(query)
    # tokens of punctuation only ("-", "&") are dropped, as the index drops them
    tokens = [
        t for t in tokens if t in "()" or t in _OPERATORS or t.startswith('"') or _WORD.search(t)
    ]
    if not tokens:
        raise bad_query(_("no words to search for"))
    return _Parser(tokens).query()


def fts5(node: Node) -> str:
    """The query as an SQLite FTS5 MATCH expression."""
    if isinstance(node, Term):
        return f'"{node.word}"' + ("*" if node.prefix else "")
    if isinstance(node, Phrase):
        return '"' + " ".join(node.words) + '"'
    if isinstance(node, All):
        return "(" + " AND ".join(fts5(p) for p in node.parts) + ")"
    if isinstance(node, Any_):
        return "(" + " OR ".join(fts5(p) for p in node.parts) + ")"
    return f"({fts5(node.keep)} NOT {fts5(node.drop)})"


def tsquery(node: Node) -> str:
    """The query as a PostgreSQL ``to_tsquery`` text (stemmed by the configuration)."""
    if isinstance(node, Term):
        return f"'{node.word}'" + (":*" if node.prefix else "")
    if isinstance(node, Phrase):
        return "(" + " <-> ".join(f"'{w}'" for w in node.words) + ")"
    if isinstance(node, All):
        return "(" + " & ".join(tsquery(p) for p in node.parts) + ")"
    if isinstance(node, Any_):
        return "(" + " | ".join(tsquery(p) for p in node.parts) + ")"
    return f"({tsquery(node.keep)} & !{tsquery(node.drop)})"


__all__ = [
    "QUERY_MAX",
    "All",
    "Any_",
    "Node",
    "Phrase",
    "Term",
    "Without",
    "bad_query",
    "fts5",
    "parse",
    "tsquery",
]
