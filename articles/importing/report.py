"""What an import found and did: problems by record and field, and the counts."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or, as a warning, changed) in one field of one record of a file."""

    file: str
    record: str
    field: str
    message: str

    def __str__(self):
        return ": ".join(
            part for part in (self.file, self.record, self.field, self.message) if part
        )


@dataclass
class Report:
    """What importing one file did, or would do on a dry run."""

    file: str
    dry_run: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    # Article records read (for the rate an import reports).
    articles: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self):
        return not self.problems

    def summary(self):
        return (
            f"created {self.created}, updated {self.updated}, "
            f"unchanged {self.unchanged}, failed {self.failed}"
        )
