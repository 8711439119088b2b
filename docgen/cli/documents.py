"""The commands that write documents: one document (timeline, amendment, letter), a packet of
every document a case has data for, and the demo packet of a bundled sample."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from docgen.cli.app import app, fail, say
from docgen.cli.options import CaseArgument, CoverOption, OutputOption, generation_options
from docgen.options import Options

PACKET_FOLDER_HELP = "The folder to write the packet into (created if needed); it holds the packet only, and --force replaces it whole."


def _write_one(name: str, case_file: Path, output: Path, force: bool, options: Options) -> None:
    from docgen.case.loading import load_case
    from docgen.documents import document_kind
    from docgen.output import check_writable, format_of
    from docgen.pipeline import write_document

    format_of(output, document_kind(name).formats)
    check_writable(output, force)
    written = write_document(load_case(case_file), name, output, options, force)
    say(f"wrote {written}")


@app.command()
@generation_options()
def timeline(case_file: CaseArgument, output: OutputOption, *, options: Options, force: bool) -> None:
    """Write the one-page medication and symptom timeline.

    Example: docgen timeline samples/bind-labelled-fnd.yaml -o timeline.pdf
    """
    _write_one("timeline", case_file, output, force, options)


@app.command()
@generation_options()
def amendment(
    case_file: CaseArgument,
    output: OutputOption,
    follow_up: Annotated[bool, typer.Option("--follow-up", help="Write the reminder for a request unanswered after its deadline (60 days under HIPAA, one month under the GDPR) instead.")] = False,
    disagreement: Annotated[bool, typer.Option("--disagreement", help="Write the statement of disagreement with a denial (amendment.response) instead; HIPAA only (45 CFR 164.526(d)), as the GDPR has none.")] = False,
    no_enclosure: Annotated[bool, typer.Option("--no-enclosure", help="Leave the one-page timeline out of the PDF.")] = False,
    receipt_days: Annotated[int, typer.Option("--receipt-days", min=0, max=60, help="Days assumed for the request to arrive, for the expected response date.")] = Options.receipt_days,
    no_reply_form: Annotated[bool, typer.Option("--no-reply-form", help="Leave the entity's reply form out of the request's PDF.")] = False,
    cover: CoverOption = False,
    *,
    options: Options,
    force: bool,
) -> None:
    """Write the amendment request (45 CFR 164.526, or GDPR Art. 16) from the case's amendment section.

    Example: docgen amendment samples/bind-labelled-fnd.yaml -o amendment.pdf
    """
    if follow_up and disagreement:
        fail("--follow-up and --disagreement: choose one", 2)
    name = "amendment-follow-up" if follow_up else "disagreement" if disagreement else "amendment"
    _write_one(name, case_file, output, force, replace(options, enclosure=not no_enclosure, receipt_days=receipt_days,
                                                       reply_form=not no_reply_form, cover=cover))


@app.command()
@generation_options()
def letter(case_file: CaseArgument, output: OutputOption, cover: CoverOption = False, *, options: Options,
           force: bool) -> None:
    """Write the prescriber-to-therapist letter from the case's therapist_letter section.

    Example: docgen letter samples/taper-with-therapist.yaml -o letter.pdf
    """
    _write_one("letter", case_file, output, force, replace(options, cover=cover))


def _packet(case_file: Path, out: Path, force: bool, options: Options) -> None:
    from docgen.case.loading import load_case
    from docgen.documents import DOCUMENTS
    from docgen.pipeline import CHECKSUMS, write_packet

    case = load_case(case_file)
    for item in write_packet(case, out, options, force):
        say(f"wrote {item.path}")
    say(f"checksums in {out / CHECKSUMS} (check with: sha256sum -c {CHECKSUMS})")
    failed, without_data = [], []
    for kind in DOCUMENTS:
        reason = kind.missing(case)
        if reason is None:
            continue  # made, or (a follow-up not yet due) not wanted yet
        if kind.asked_by is not None and getattr(case, kind.asked_by, None) is not None:
            say(f"not made: {kind.name}: {reason}", err=True)
            failed.append(kind.name)
        else:
            without_data.append(kind.label)
    if without_data:
        say(f"not made, as the case has no data for them: {', '.join(without_data)}")
    if failed:
        fail(f"the case asks for {', '.join(failed)} but {'it' if len(failed) == 1 else 'they'} could not be made; "
             "see the reasons above")


@app.command()
@generation_options()
def packet(
    case_file: CaseArgument,
    out: Annotated[Path, typer.Option("--out", help=PACKET_FOLDER_HELP)] = Path("docgen-packet"),
    *,
    options: Options,
    force: bool,
) -> None:
    """Write every document the case has data for, each as PDF and DOCX, into one folder; list each one it
    could not make, and why.

    Example: docgen packet samples/bind-labelled-fnd.yaml --out packet/
    """
    _packet(case_file, out, force, options)


@app.command()
@generation_options(templates=False)
def demo(
    out: Annotated[Path, typer.Option("--out", help=PACKET_FOLDER_HELP)] = Path("docgen-demo"),
    *,
    options: Options,
    force: bool,
) -> None:
    """Write the packet of a bundled, fictional sample case, to see real output with no input.

    Example: docgen demo --out docgen-demo
    """
    from docgen.samples import demo_case_path

    case_file = demo_case_path()
    say(f"sample case: {case_file}")
    _packet(case_file, out, force, options)
