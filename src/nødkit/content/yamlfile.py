"""Safe YAML reading that remembers where every value came from.

Why not `yaml.safe_load`: we need file:line:column for every field (errors must say
where), we refuse aliases (a "billion laughs" file expands exponentially) and
duplicate keys (PyYAML silently keeps the last), and we keep every scalar as the
text the admin wrote. YAML 1.1 turns `07:30` into 450 and `no` into False; pydantic
converts strings to the declared types with clear messages instead.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import ContentError, Location, Problem
from .textfile import decode, suspicious_problems

MAX_FILE_BYTES = 1_000_000
MAX_NODES = 50_000  # a content file of 4,000 units has fewer; refused while composing, so a 1 MB file of
# nothing but values ("[a,a,a,…]") is refused in moments instead of after ~30 s and ~400 MB
MAX_DEPTH = 64  # blocks inside blocks; PyYAML composes recursively and would crash deeper down

Path_ = tuple[str | int, ...]

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")


@dataclass
class YamlDoc:
    """A parsed YAML file: plain data plus a map from field path to position."""

    file: Path
    data: Any
    marks: dict[Path_, tuple[int, int]]  # path -> (line, column), 1-based
    key_marks: dict[Path_, tuple[int, int]]  # path -> position of the key itself
    source: str = ""  # the text parsed, to find a place inside a value (see `locate`)
    ends: dict[Path_, tuple[int, int]] = field(default_factory=dict)  # path -> end of a text value

    def location(self, path: Path_, *, key: bool = False) -> Location:
        table = self.key_marks if key else self.marks
        probe = tuple(path)
        while probe:
            if probe in table:
                return Location(self.file, *table[probe])
            if probe in self.marks:
                return Location(self.file, *self.marks[probe])
            probe = probe[:-1]
        return Location(self.file, *self.marks.get((), (1, 1)))

    def locate(self, path: Path_, fragment: str, nth: int = 0) -> Location:
        """Where the `nth` occurrence of `fragment` inside the text value at `path` was written:
        its own line and column, also in a value of several lines. Where the source spells the
        value differently (escapes, folded lines), the start of the value."""
        path = tuple(path)
        if not self.source or path not in self.marks or path not in self.ends:
            return self.location(path)
        begin, end = self._offset(*self.marks[path]), self._offset(*self.ends[path])
        found = begin - 1
        for _ in range(nth + 1):
            found = self.source.find(fragment, found + 1, end)
            if found < 0:
                return self.location(path)
        line = bisect.bisect_right(self._line_starts(), found)
        return Location(self.file, line, found - self._line_starts()[line - 1] + 1)

    def _line_starts(self) -> list[int]:
        starts = self.__dict__.get("_starts")
        if starts is None:
            starts = self.__dict__["_starts"] = [0] + [m.end() for m in re.finditer("\n", self.source)]
        return starts

    def _offset(self, line: int, column: int) -> int:
        starts = self._line_starts()
        return (starts[line - 1] if line - 1 < len(starts) else len(self.source)) + column - 1


def format_path(path: Path_) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _problem(file: Path, mark: yaml.Mark | None, field: str, message: str) -> ContentError:
    # a problem of the file as a whole (too large, unreadable) is reported at its start
    loc = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file, 1, 1)
    return ContentError([Problem(loc, field, message)])


_ALIAS_TAG = "tag:nodkit,2024:alias"


_UNUSUAL = re.compile(r"[*&!\t]|<<|[^\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _compose_fast(text: str) -> yaml.Node | None:
    """Compose with libyaml (C) when the file is plain: no anchors, aliases, tags, merge keys, tabs
    or control characters, and not deeply nested. A municipality's hundreds of units load in a
    fraction of the time; anything else returns None and goes through the careful loader."""
    if not getattr(yaml, "__with_libyaml__", False) or _UNUSUAL.search(text):
        return None
    if text.count("\n") + text.count(",") > MAX_NODES:
        return None  # possibly a flood of values: libyaml would build them all before we could count
    try:
        root = yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        return None  # the careful loader reports it, with the same wording every time
    stack, nodes = ([(root, 1)] if root is not None else []), 0
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if depth > MAX_DEPTH or nodes > MAX_NODES:
            return None
        if isinstance(node, yaml.MappingNode):
            stack.extend((child, depth + 1) for pair in node.value for child in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
    return root


class _Refused(yaml.MarkedYAMLError):
    """A file nødkit will not read any further (too deep, too many values)."""


class _Loader(yaml.SafeLoader):
    """A SafeLoader that composes an alias (*name) as a marker node where it is used instead of
    sharing the anchored node: nothing can expand it, and the error names the alias's own line.
    It also refuses nesting deeper than MAX_DEPTH before Python's recursion limit is reached."""

    _depth = 0
    _nodes = 0

    def compose_node(self, parent, index):
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise _Refused(problem=f"file has more than {MAX_NODES:,} values",
                           problem_mark=self.peek_event().start_mark)
        if self.check_event(yaml.AliasEvent):
            event = self.get_event()
            return yaml.ScalarNode(_ALIAS_TAG, f"*{event.anchor}", event.start_mark, event.end_mark)
        if self._depth >= MAX_DEPTH:
            raise _Refused(problem=f"values nested more than {MAX_DEPTH} levels deep; a content file needs "
                                   f"only a few levels", problem_mark=self.peek_event().start_mark)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def read_yaml(file: Path, *, display: Path | str | None = None) -> YamlDoc:
    """Read one YAML file into plain data with marks, or raise ContentError."""
    shown = Path(display) if display is not None else file
    try:
        size = file.stat().st_size
    except OSError as exc:
        raise _problem(shown, None, "", f"cannot read file: {exc.strerror}") from None
    if size > MAX_FILE_BYTES:
        raise _problem(
            shown, None, "", f"file is {size:,} bytes; expected at most {MAX_FILE_BYTES:,} bytes for a content file"
        )
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise _problem(shown, None, "", f"cannot read file: {exc.strerror}") from None
    return parse_yaml(decode(raw, shown), shown)


def _unprintable(text: str, file: Path, exc: yaml.reader.ReaderError) -> ContentError:
    """A control character, typically pasted from Word (a manual line break is U+000B)."""
    before = text[:exc.position]
    line, column = before.count("\n") + 1, exc.position - before.rfind("\n")
    return ContentError([Problem(Location(file, line, column), "",
                                 f"the character U+{exc.character:04X} cannot be in a content file (a control "
                                 f"character, often pasted from a word processor); delete it or type a space")])


# Spaces YAML does not take for spaces: a no-break space (Word, a web page), a thin space, ...
_ODD_SPACE = "".join(chr(c) for c in range(0x80, 0x3001) if chr(c).isspace() and chr(c) not in "\x85\u2028\u2029")
# where YAML needs an ordinary space: the indentation, after a list's "-", between a key and its value
_STRUCTURAL = re.compile(rf"^([ \t]*(?:-[ \t]+)*(?:-|[\w.-]+:)?)([{_ODD_SPACE}\t])", re.MULTILINE)


def _whitespace_problems(text: str, file: Path) -> list[Problem]:
    """A tab or a no-break space where YAML needs a space is reported as what it is, on its own
    line: PyYAML says "cannot start any token" for the one and takes the other for a letter
    (so the key is '\xa0\xa0name', and the error, if any, comes a line later)."""
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip(" ").startswith("#"):
            continue
        match = _STRUCTURAL.match(line)
        column = None
        if match:
            column, ch, before = match.start(2) + 1, match[2], match[1]
            where = ("for indentation" if not before.strip() else f"after '{before.strip()}'")
        elif "\t" in line:
            column, ch = line.index("\t") + 1, "\t"
            comment = re.search(r"(^|\s)#", line)
            if comment and comment.start() < column:
                continue  # in a comment
            where = "inside a value"
        if column is None:
            continue
        what = "a tab character" if ch == "\t" else f"a {unicodedata.name(ch, 'space').lower()} (U+{ord(ch):04X})"
        if where == "for indentation":
            message = f"{what} is used for indentation; YAML indents with ordinary spaces only: replace it with spaces"
        elif where == "inside a value":
            message = f"{what} inside a value: a printed text takes no tabs; replace it with a space"
        else:
            message = f"{what} {where}; YAML needs an ordinary space there: replace it with a space"
        problems.append(Problem(Location(file, number, column), "", message))
    return problems


# A value that begins with a reference, unquoted, is a block of keys to YAML ({phone: it}), or
# a syntax error when text follows it.
_REFERENCE_FIRST = re.compile(r"(?:^\s*-|:)\s+\{\s*(?:phone|email|hours|url)\s*:")
_REFERENCE_KEY = re.compile(r"\s*(?:phone|email|hours|url)\s*:\s*[\w-]+\s*")
_QUOTE_IT = ("a text that begins with a reference ({phone:…}) must be in quotes, or YAML reads the braces as a block "
             "of keys: write it as \"{phone:it} …\"")


_DASH_NO_SPACE = re.compile(r"^(\s*)-(?=[^\s-])")
_COLON_NO_SPACE = re.compile(r"^(\s*(?:-\s+)?)([\w.-]+):(?=[^\s/])")


def _missing_space(line: str) -> tuple[int, str] | None:
    """(column, message) for a list dash or a key's colon without the space YAML needs after it."""
    dash = _DASH_NO_SPACE.match(line)
    if dash:
        return dash.end() + 1, f"YAML needs a space after a list item's '-': write '- {line[dash.end():].strip()}'"
    colon = _COLON_NO_SPACE.match(line)
    if colon:
        return colon.end() + 1, (f"YAML needs a space after the ':' of '{colon[2]}': write "
                                 f"'{colon[2]}: {line[colon.end():].strip()}'")
    return None


def parse_yaml(text: str, file: Path) -> YamlDoc:
    found = _whitespace_problems(text, file) + suspicious_problems(text, file)
    if found:
        raise ContentError(sorted(found, key=lambda p: (p.location.line or 0, p.location.column or 0)))
    root = _compose_fast(text)
    if root is None:  # anything unusual: the careful loader, with its exact messages
        try:
            loader = _Loader(text)  # checks every character first
        except yaml.reader.ReaderError as exc:
            raise _unprintable(text, file, exc) from None
        try:
            root = loader.get_single_node()
        except yaml.reader.ReaderError as exc:
            raise _unprintable(text, file, exc) from None
        except _Refused as exc:
            raise _problem(file, exc.problem_mark, "", exc.problem) from None
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            detail = exc.problem or "invalid YAML"
            # PyYAML says "found character '\t' that cannot start any token"
            if "\t" in text and mark is not None and ("tab" in str(detail).lower() or "'\\t'" in str(detail)):
                detail = "a tab character is used for indentation; YAML needs spaces"
            lines = text.splitlines()
            first = _REFERENCE_FIRST.search(lines[mark.line]) if mark is not None and mark.line < len(lines) else None
            if first:
                column = lines[mark.line].index("{", first.start()) + 1
                raise ContentError([Problem(Location(file, mark.line + 1, column), "", _QUOTE_IT)]) from None
            # PyYAML names what it found, often on the line after the slip: name the slip itself
            for number in ([mark.line, mark.line - 1] if mark is not None else []):
                slip = _missing_space(lines[number]) if 0 <= number < len(lines) else None
                if slip:
                    raise ContentError([Problem(Location(file, number + 1, slip[0]), "", slip[1])]) from None
            if "mapping values are not allowed" in str(detail):  # e.g. "Call IT: 12 34 56 78"
                detail = ("': ' (a colon and a space) inside a text, where YAML reads it as the start of a new key: "
                          "put the whole text in double quotes (\"…\")")
            raise _problem(file, mark, "", f"YAML syntax error: {detail}") from None
        except yaml.YAMLError as exc:
            raise _problem(file, None, "", f"YAML syntax error: {exc}") from None
        finally:
            loader.dispose()

    marks: dict[Path_, tuple[int, int]] = {}
    key_marks: dict[Path_, tuple[int, int]] = {}
    ends: dict[Path_, tuple[int, int]] = {}
    seen: set[int] = set()

    def pos(node: yaml.Node) -> tuple[int, int]:
        return (node.start_mark.line + 1, node.start_mark.column + 1)

    def convert(node: yaml.Node, path: Path_) -> Any:
        if id(node) in seen or node.tag == _ALIAS_TAG:
            raise _problem(file, node.start_mark, format_path(path), "YAML aliases (*name) are not allowed in content files; write the value out")
        seen.add(id(node))
        if len(seen) > MAX_NODES:
            raise _problem(file, node.start_mark, format_path(path), f"file has more than {MAX_NODES:,} values")
        marks[path] = pos(node)
        if isinstance(node, yaml.MappingNode):
            if node.flow_style and len(node.value) == 1 and _REFERENCE_KEY.fullmatch(node.value[0][0].value or "") \
                    and not node.value[0][1].value:
                raise _problem(file, node.start_mark, format_path(path), _QUOTE_IT)
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == _ALIAS_TAG:
                    raise _problem(file, key_node.start_mark, format_path(path),
                                   "YAML aliases (*name) are not allowed in content files; write the key out")
                if not isinstance(key_node, yaml.ScalarNode):
                    raise _problem(file, key_node.start_mark, format_path(path), "a key must be plain text")
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise _problem(file, key_node.start_mark, format_path(path), "YAML merge keys (<<) are not allowed")
                key = key_node.value
                child = (*path, key)
                if key in out:
                    raise _problem(file, key_node.start_mark, format_path(child), f"key '{key}' appears twice in the same block")
                key_marks[child] = pos(key_node)
                out[key] = convert(value_node, child)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [convert(item, (*path, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        if node.style is None and _NULL.match(node.value):
            return None
        ends[path] = (node.end_mark.line + 1, node.end_mark.column + 1)
        return node.value

    data = convert(root, ()) if root is not None else None
    return YamlDoc(file=file, data=data, marks=marks, key_marks=key_marks, source=text, ends=ends)
