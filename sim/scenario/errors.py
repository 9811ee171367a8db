"""Input errors that point at the file, line and key, for exit code 2 in the CLI."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file."""

    file: str
    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        key = f" key '{self.key}'" if self.key else ""
        return f"{where}:{key}: {self.message}" if key else f"{where}: {self.message}"


class InputError(Exception):
    """Bad user input (scenario, sweep file, option). The CLI prints it and exits 2."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def single(cls, file: str, line: int | None, key: str, message: str) -> "InputError":
        return cls(Problem(str(file), line, key, message))


class RunExistsError(Exception):
    """The results folder exists and ``--force`` was not given (exit code 2)."""
