"""What an import says: progress while it runs, and a report of what it did and why."""

import sys
import time
from collections import Counter
from typing import TextIO

from tqdm import tqdm

EXAMPLES = 10  # how many examples a report lists for each kind of repair or skip


class Report:
    """Counts of what was imported, and every repair or skip with its reason and examples."""

    def __init__(self, title: str):
        self.title = title
        self.imported: Counter[str] = Counter()
        self.repaired: dict[str, list[str]] = {}
        self.skipped: dict[str, list[str]] = {}
        self.repaired_counts: Counter[str] = Counter()
        self.skipped_counts: Counter[str] = Counter()
        self.notes: list[str] = []

    def count(self, what: str, n: int = 1) -> None:
        self.imported[what] += n

    def repair(self, why: str, example: str = "") -> None:
        self.repaired_counts[why] += 1
        examples = self.repaired.setdefault(why, [])
        if example and len(examples) < EXAMPLES:
            examples.append(example)

    def skip(self, why: str, example: str = "") -> None:
        self.skipped_counts[why] += 1
        examples = self.skipped.setdefault(why, [])
        if example and len(examples) < EXAMPLES:
            examples.append(example)

    def note(self, text: str) -> None:
        self.notes.append(text)

    def text(self) -> str:
        lines = [self.title, "", "Imported:"]
        lines += [f"  {what}: {n:,}" for what, n in self.imported.items()]
        for heading, counts, examples in (
            ("Repaired", self.repaired_counts, self.repaired),
            ("Skipped", self.skipped_counts, self.skipped),
        ):
            lines += ["", f"{heading}:" if counts else f"{heading}: nothing"]
            for why, n in counts.items():
                lines.append(f"  {n:,} {why}")
                lines += [f"      e.g. {example}" for example in examples.get(why, [])]
        if self.notes:
            lines += ["", "Notes:"] + [f"  {note}" for note in self.notes]
        return "\n".join(lines) + "\n"


class Progress:
    """How far the import is: a bar with counts and rate on a terminal, a plain line every few
    seconds otherwise (a log file, CI)."""

    PLAIN_EVERY = 5.0

    def __init__(self, total: int | None, *, out: TextIO | None = None):
        self.out = out or sys.stderr
        self.started = time.monotonic()
        self.last_line = 0.0
        self.phase = ""
        self.counts: dict[str, int] = {}
        self.bar = None
        if self.out.isatty():
            self.bar = tqdm(total=total, unit="B", unit_scale=True, file=self.out, leave=False)

    def update(self, position: int, phase: str, **counts: int) -> None:
        self.phase = phase
        self.counts.update(counts)
        now = time.monotonic()
        if self.bar is not None:
            self.bar.set_description(phase, refresh=False)
            self.bar.set_postfix_str(self._counts(now), refresh=False)
            self.bar.update(position - self.bar.n)
        elif now - self.last_line >= self.PLAIN_EVERY:
            self.last_line = now
            shown = self._counts(now)
            print(f"{phase}: {shown}" if shown else f"{phase} ...", file=self.out, flush=True)

    def _counts(self, now: float) -> str:
        elapsed = max(now - self.started, 1e-6)
        return ", ".join(f"{n:,} {what} ({n / elapsed:,.0f}/s)" for what, n in self.counts.items())

    def say(self, text: str) -> None:
        if self.bar is not None:
            self.bar.write(text, file=self.out)
        else:
            print(text, file=self.out, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
