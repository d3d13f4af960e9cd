"""An import says how far it is: a bar with counts and rate on a terminal, plain lines in a
log, and a report that lists what it did."""

import io

from ladle.legacy.report import Progress, Report


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_progress_bar_with_counts_and_rate():
    out = Terminal()
    progress = Progress(1000, out=out)
    progress.bar.mininterval = 0  # draw at once, not after a tenth of a second
    progress.update(500, "reading", comments=1200)
    progress.close()
    shown = out.getvalue()
    assert "reading" in shown and "1,200 comments" in shown and "/s" in shown
    assert "%" in shown  # the bar


def test_a_log_gets_plain_lines():
    out = io.StringIO()
    progress = Progress(None, out=out)
    progress.PLAIN_EVERY = 0
    progress.update(10, "reading", comments=10)
    progress.update(20, "placing threads", comments=20)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("reading: 10 comments (") and "\r" not in out.getvalue()
    assert lines[1].startswith("placing threads: 20 comments (")


def test_the_report_lists_counts_repairs_and_skips_with_examples():
    report = Report("Scoop import")
    report.count("comments", 605)
    for n in range(12):
        report.repair("comments whose parent no longer exists", f"#{n}")
    report.skip("pingbacks")
    text = report.text()
    assert "comments: 605" in text
    assert "12 comments whose parent no longer exists" in text
    assert text.count("e.g. #") == 10  # examples are capped, the count is not
    assert "1 pingbacks" in text
