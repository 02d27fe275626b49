"""A small, safe Markdown renderer for STROM's own documentation pages (docs/*.md).

It knows what those files use: headings, paragraphs, lists (with continuation lines), tables, fenced
code, `code`, **bold** and [links](https://…). Everything is escaped first; a link is kept only when
it goes to http(s), so a relative link into the repository becomes its text. Not for user input: the
hub's texts have their own rendering.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

_CODE = re.compile(r"`([^`]+)`")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_ITEM = re.compile(r"^(\s*)(?:[-*]|\d+\.)\s+(.*)$")
_RULE = re.compile(r"^\|?\s*:?-{3,}")


def inline(text: str) -> str:
    """One line of text as HTML: escaped, then code spans, bold and web links."""
    codes: list[str] = []

    def keep_code(match: re.Match[str]) -> str:
        codes.append(f"<code>{match.group(1)}</code>")
        return f"\x00{len(codes) - 1}\x00"

    html = _CODE.sub(keep_code, escape(text))
    html = _BOLD.sub(r"<strong>\1</strong>", html)

    def link(match: re.Match[str]) -> str:
        label, url = match.group(1), match.group(2)
        if url.startswith(("https://", "http://")):
            return f'<a href="{url}" rel="noopener">{label}</a>'
        return label

    html = _LINK.sub(link, html)
    return re.sub(r"\x00(\d+)\x00", lambda m: codes[int(m.group(1))], html)


def _cells(line: str) -> list[str]:
    row = line.strip().strip("|")
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", row)]


def _table(lines: list[str]) -> str:
    head, *body = [line for line in lines if not _RULE.match(line)]
    out = ['<div class="table-wrap"><table><thead><tr>']
    out += [f'<th scope="col">{inline(cell)}</th>' for cell in _cells(head)]
    out.append("</tr></thead><tbody>")
    for line in body:
        out.append("<tr>" + "".join(f"<td>{inline(cell)}</td>" for cell in _cells(line)) + "</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def _list(lines: list[str]) -> str:
    ordered = bool(re.match(r"^\s*\d+\.", lines[0]))
    items: list[str] = []
    for line in lines:
        match = _ITEM.match(line)
        if match and not match.group(1):
            items.append(match.group(2))
        else:  # a continuation line, or a nested item shown in its parent
            items[-1] += " " + line.strip()
    tag = "ol" if ordered else "ul"
    return f"<{tag}>" + "".join(f"<li>{inline(item)}</li>" for item in items) + f"</{tag}>"


def _blocks(text: str) -> Iterator[tuple[str, list[str]]]:
    """The file cut into (kind, lines): code, comment, heading, table, list, paragraph."""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
        elif line.startswith("```"):
            end = next((j for j in range(i + 1, len(lines)) if lines[j].startswith("```")), len(lines))
            yield "code", lines[i + 1 : end]
            i = end + 1
        elif line.lstrip().startswith("<!--"):
            i += 1
        elif _HEADING.match(line):
            yield "heading", [line]
            i += 1
        else:
            kind = "table" if line.startswith("|") else "list" if _ITEM.match(line) else "paragraph"
            j = i + 1
            while j < len(lines) and lines[j].strip() and not _starts_block(lines[j], kind):
                j += 1
            yield kind, lines[i:j]
            i = j


def _starts_block(line: str, current: str) -> bool:
    if line.startswith(("```", "<!--")) or _HEADING.match(line):
        return True
    if current == "table":
        return not line.startswith("|")
    return current == "paragraph" and (line.startswith("|") or bool(_ITEM.match(line)))


def render(text: str) -> SafeString:
    out: list[str] = []
    for kind, lines in _blocks(text):
        if kind == "code":
            out.append("<pre><code>" + escape("\n".join(lines)) + "</code></pre>")
        elif kind == "heading":
            match = _HEADING.match(lines[0])
            assert match is not None
            level, title = len(match.group(1)), match.group(2).strip()
            out.append(f'<h{level} id="{slugify(title)}">{inline(title)}</h{level}>')
        elif kind == "table":
            out.append(_table(lines))
        elif kind == "list":
            out.append(_list(lines))
        else:
            out.append("<p>" + inline(" ".join(line.strip() for line in lines)) + "</p>")
    return mark_safe("\n".join(out))  # noqa: S308 - every text went through escape() above
