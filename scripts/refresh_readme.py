"""Re-run every `$ command` shown in README.md's code blocks and replace its output with the real one.

usage: python scripts/refresh_readme.py [README.md]   (run from the repository root, with the venv's
`jobclass` first on PATH: `make readme` does this)
"""

import re
import subprocess
import sys
from pathlib import Path

BLOCK = re.compile(r"^```\n(\$ .*?)^```$", re.DOTALL | re.MULTILINE)


def run(command: str) -> str:
    result = subprocess.run(command, shell=True, capture_output=True, text=True)
    return (result.stdout + result.stderr).rstrip("\n")


def refresh_block(body: str, run=run) -> str:
    """Split a block into `$ command` sections (continuation lines end in a backslash) and re-run each
    with `run` (command -> its output)."""
    sections = []
    lines = body.rstrip("\n").split("\n")
    i = 0
    while i < len(lines):
        command_lines = [lines[i]]
        while command_lines[-1].endswith("\\"):
            i += 1
            command_lines.append(lines[i])
        i += 1
        while i < len(lines) and not lines[i].startswith("$ "):
            i += 1
        command = "\n".join(command_lines)
        sections.append(f"{command}\n{run(command[2:])}")
    return "\n\n".join(sections) + "\n"


def main() -> None:
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "README.md")
    text = path.read_text(encoding="utf-8")
    path.write_text(BLOCK.sub(lambda m: "```\n" + refresh_block(m.group(1)) + "```", text), encoding="utf-8")


if __name__ == "__main__":
    main()
