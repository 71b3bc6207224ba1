"""
Importing fixture files (the format of `fixtures/newsroom-fixture.schema.json`).

A file is parsed, checked against the schema, then every record is validated (references,
dates, image files, model rules), collecting every problem with its record, key and field.
Only a file with no problem is written, in one transaction, upserting each record on its key
(slug; id for photos) so that importing the same file again changes nothing. A dry run takes
the same path and rolls back.
"""

from articles.importing.core import import_file
from articles.importing.report import Problem, Report
from articles.importing.schema import SCHEMA_PATH

__all__ = ["SCHEMA_PATH", "Problem", "Report", "import_file"]
