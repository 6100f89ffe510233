"""Demo section: bulletins, the HTML report, the 台账 ledger, charts, OC4IDS and the checkpoint."""

from __future__ import annotations

from projlife.demo.context import DemoContext

__all__ = ["reports_section"]


def reports_section(ctx: DemoContext) -> None:
    """Bulletins, the HTML report, the 台账 ledger, charts, OC4IDS and the audit checkpoint."""
    from projlife.reports.outputs import write_reports

    with ctx.console.status("writing reports …") as status:
        files = write_reports(
            ctx.app, ctx.city, ctx.out, as_of=ctx.as_of, status=lambda msg: status.update(msg)
        )
    ctx.console.print(f"\nreports: {', '.join(p.name for p in files.files)}")
    ctx.console.print(f"open {(ctx.out / 'report.html').resolve()} in a browser")
