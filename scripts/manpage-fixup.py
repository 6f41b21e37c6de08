#!/usr/bin/env python3
"""Finishes the man pages argument-parser generates (usage: manpage-fixup.py MAN_DIR):
- example lines (indented by two spaces in a command's discussion) become a literal block, so man neither refills
  nor hyphenates a command line;
- the generic EXIT STATUS becomes taskq's exit codes (docs/contracts.md#exit-codes);
- no hyphenation anywhere (`.nh`): option names and URLs are not split across lines."""
import pathlib
import sys

EXIT_STATUS = """.Sh "EXIT STATUS"
.Bl -tag -width 4n
.It 0
success
.It 1
the operation could not be done (no such job or schedule, not cancellable, not retryable)
.It 64
usage error: a bad flag or value
.It 65
bad input data: malformed JSON, a bad line in a --from-file file, an invalid taskq.toml
.It 69
the backend is unavailable: server down, not a database, no schema (run taskq migrate)
.It 75
temporary failure, e.g. the database stayed locked
.It 130
interrupted
.El"""


def fix(text: str) -> str:
    out, literal = [], False
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if line == '.Sh "EXIT STATUS"' and i + 1 < len(lines) and lines[i + 1] == ".Ex -std":
            out.append(EXIT_STATUS)
            i += 2
            continue
        if line == ".Os":
            out.extend([line, ".nh"])
            i += 1
            continue
        example = line.startswith("  ") and not line.startswith(".")
        if example and not literal:
            out.append(".Bd -literal -offset indent")
            literal = True
        elif not example and literal:
            out.append(".Ed")
            literal = False
        out.append(line[2:] if example else line)
        i += 1
    if literal:
        out.append(".Ed")
    return "\n".join(out)


for page in sorted(pathlib.Path(sys.argv[1]).glob("*.1")):
    page.write_text(fix(page.read_text()))
