"""The commands about a case file itself: check it, print its schema, list the FND signs it can name."""

from __future__ import annotations

import json

from docgen.cli.app import app, say
from docgen.cli.options import CaseArgument, TableOption
from docgen.facts.equivalence import EquivalenceTable


@app.command()
def validate(case_file: CaseArgument, table: TableOption = EquivalenceTable.ASHTON) -> None:
    """Check a case file and summarise what it holds; warn about what looks wrong.

    Example: docgen validate samples/bind-labelled-fnd.yaml
    """
    from docgen.case.loading import load_case
    from docgen.documents import describe_available
    from docgen.facts.review import iter_warnings, summarize

    case = load_case(case_file)
    say(f"{case_file}: valid case file")
    for line in summarize(case):
        say(f"  {line}")
    say(f"  {describe_available(case)}")
    warnings = list(iter_warnings(case, table))
    for warning in warnings:
        say(f"{case_file}: {warning.field}: warning: {warning.message}", err=True)
    if warnings:
        say(f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''} (the file is still valid)", err=True)


@app.command()
def schema() -> None:
    """Print the JSON Schema of a case file, for editors that validate and autocomplete.

    Example: docgen schema > casefile.schema.json
    """
    from docgen.case.model import json_schema

    say(json.dumps(json_schema(), indent=2, ensure_ascii=False), data=True)


@app.command()
def signs() -> None:
    """List the catalog of FND rule-in signs: the keys a case file's fnd_exams findings use.

    Example: docgen signs
    """
    from docgen.facts.fnd import CATALOG

    width = max(len(key) for key in CATALOG)
    say(f"{'key':<{width}}  sign (what it tests)")
    for sign in CATALOG.values():
        say(f"{sign.key:<{width}}  {sign.name} ({sign.symptom_type})")
    say("Any other sign can be written as free text; it is shown as typed.")
