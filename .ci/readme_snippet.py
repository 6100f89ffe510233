"""Run the README's "Using it" snippet, as a new user would paste it, in the current folder."""

from __future__ import annotations

import re
import sys
from pathlib import Path

readme = Path(sys.argv[1]).read_text(encoding="utf-8")
section = readme.split("## Using it", 1)[1]
code = re.search(r"```python\n(.*?)```", section, re.S)
if code is None:
    raise SystemExit("no python block under '## Using it' in the README")
exec(compile(code.group(1), "README.md#using-it", "exec"), {"__name__": "__main__"})
