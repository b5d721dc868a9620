"""Turn messy web text (flattened pages, menus, numbered code listings) into clean markdown-ish text."""

from __future__ import annotations

import re
from collections import Counter

# Whole lines that are page furniture, never content.
_DEBRIS = re.compile(
    r"""^(
        share|share\ this|tweet|copy\ link|print|menu|home|back|next|previous|close|search|
        skip\ to\ (main\ )?content|sign\ (in|up)|log\ ?in|log\ ?out|subscribe|get\ started|
        get\ my\ report|get\ your\ playbook.*|read\ more|see\ more|show\ more|load\ more|
        accept(\ all)?(\ cookies)?|reject(\ all)?|cookie\ settings|manage\ cookies|
        .*\bcookies?\b.*\b(accept|consent|policy|use)\b.*|
        .*'s\ profile\ image|last\ update.*|reading\ time:.*|
        practice\ with\ real\ questions\.?|practice\ more\ .*\ questions|start\ (mock\ interview|practicing)|
        want\ to\ ace\ the\ interview\?|find\ your\ level|
        .*\u2192\s*|python|sample\ answer|copy|table\ of\ contents|on\ this\ page
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_NUMBERED = re.compile(r"^(\d{1,4})(?=\S|\s|$)(.*)$")
_BULLET = re.compile(r"^\s*([-*\u2022]|\d+[.)])\s+")
_SPACES = re.compile(r"[ \t\u00a0]+")
_HEADING_WORDS = 12


def clean_web_text(text: str, *, title: str | None = None) -> str:
    """Clean flattened web text and return markdown with `#` title and inferred `##` headings."""
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").split("\n")]
    lines = _fence_numbered_code(lines)
    lines = _drop_debris(lines)
    doc_title = title or _first_heading(lines) or ""
    body = _infer_structure(lines, doc_title)
    out = f"# {doc_title}\n\n{body}" if doc_title else body
    return re.sub(r"\n{3,}", "\n\n", out).strip() + "\n"


def _fence_numbered_code(lines: list[str]) -> list[str]:
    """Find runs of lines numbered 1, 2, 3... (code listings), strip the numbers and fence them."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        run_end = _numbered_run_end(lines, i)
        if run_end - i >= 3:
            out.append("```")
            out.extend(_NUMBERED.match(line).group(2).rstrip() for line in lines[i:run_end])  # type: ignore[union-attr]
            out.append("```")
            i = run_end
        else:
            out.append(lines[i])
            i += 1
    return out


def _numbered_run_end(lines: list[str], start: int) -> int:
    match = _NUMBERED.match(lines[start])
    if not match or match.group(1) != "1":
        return start
    expected, j = 1, start
    while j < len(lines):
        if lines[j] == "" and j + 1 < len(lines) and _starts_with(lines[j + 1], expected):
            j += 1  # blank separators between numbered lines in flattened pages
            continue
        if not _starts_with(lines[j], expected):
            break
        expected += 1
        j += 1
    return j


def _starts_with(line: str, number: int) -> bool:
    match = _NUMBERED.match(line)
    return bool(match) and match.group(1) == str(number)  # type: ignore[union-attr]


def _drop_debris(lines: list[str]) -> list[str]:
    """Remove UI lines and repeated long lines (menus, banners); keep the first copy of a paragraph."""
    counts = Counter(line for line in lines if line)
    seen: set[str] = set()
    out: list[str] = []
    in_code = False
    for line in lines:
        if line == "```":
            in_code = not in_code
            out.append(line)
            continue
        if in_code:
            out.append(line)
            continue
        if line and (_DEBRIS.match(line) or (counts[line] > 1 and len(line) > 40 and line in seen)):
            continue
        if out and line == out[-1] and line:
            continue
        seen.add(line)
        out.append(line)
    return out


def _first_heading(lines: list[str]) -> str | None:
    first = next((line for line in lines if line), None)
    return first if first is not None and _heading_shaped(first) else None


def _heading_shaped(line: str) -> bool:
    if not line or line.startswith("#") or line == "```" or _BULLET.match(line):
        return False
    words = line.split()
    if len(words) > _HEADING_WORDS or len(line) > 90 or line[-1] in ".,;:!)\"'" or not line[0].isupper():
        return False
    return not any(ch in line for ch in "%$|") and sum(ch.isdigit() for ch in line) <= len(line) // 4


def _looks_like_heading(line: str, lines: list[str], index: int) -> bool:
    """A heading-shaped line that opens a section: a paragraph follows, or it follows one."""
    if not _heading_shaped(line):
        return False
    follower = _neighbour(lines, index, +1)
    previous = _neighbour(lines, index, -1)
    after_paragraph = previous is None or len(previous) >= 80 or previous.startswith("#") or previous == "```"
    words = len(line.split())
    if follower is not None and (len(follower) >= 80 or follower.startswith("#")):
        return after_paragraph or words >= 2
    return after_paragraph and words >= 3 and follower is not None


def _neighbour(lines: list[str], index: int, step: int) -> str | None:
    j = index + step
    while 0 <= j < len(lines) and abs(j - index) <= 5:
        if lines[j]:
            return lines[j]
        j += step
    return None


def _infer_structure(lines: list[str], title: str) -> str:
    """Mark heading lines with `##`, glue runs of short fragments (flattened tables/widgets) together."""
    out: list[str] = []
    fragments: list[str] = []
    in_code = False

    def flush() -> None:
        if fragments:
            out.extend(["", " · ".join(fragments), ""])
            fragments.clear()

    for index, line in enumerate(lines):
        if line == "```":
            flush()
            in_code = not in_code
            out.append(line)
        elif in_code:
            out.append(line)
        elif not line or (line == title and not out):
            continue
        elif line.startswith("#") or _looks_like_heading(line, lines, index):
            flush()
            out.extend(["", line if line.startswith("#") else f"## {line}", ""])
        elif len(line) < 40 and not _BULLET.match(line):
            fragments.append(line)
        else:
            flush()
            out.extend([line, ""])
    flush()
    return "\n".join(out)
