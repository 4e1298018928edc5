"""``granskning template ...``: list, show, validate question templates, print their schema."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from granskning.cli._base import group, option
from granskning.cli._output import print_json
from granskning.cli.options import json_option
from granskning.domain.i18n import N_, _

if TYPE_CHECKING:
    from granskning.domain.templates import Block, Question, Template, TemplateSource

KIND_LABELS = {
    "open": N_("open question"),
    "completion": N_("sentence to complete"),
    "rating": N_("rating 1-4"),
}


@group(
    "template",
    help=N_(
        "Question templates (mall för frågorna): the shipped ones and your own.\n\n"
        "Your own templates live in the folder shown by 'template list' and in the folders "
        "named by GRANSKNING_TEMPLATES; a higher version of a template replaces a lower one.\n\n"
        "\b\nExample:\n  granskning template list\n  granskning template show kollegial-granskning-2013"
    ),
)
def template() -> None:
    pass


def _origin(origin: str) -> str:
    from granskning.domain.templates import ORIGIN_LABELS

    return _(ORIGIN_LABELS.get(origin, origin))


def _problems(lines: list[str]) -> None:
    """Print problems as plain ``PATH:LINE: message`` lines on stderr and exit 2."""
    for line in lines:
        click.secho(line, err=True, fg="red")
    raise click.exceptions.Exit(2)


@template.command(
    "list",
    help=N_(
        "List the templates found, with their version and where each comes from.\n\n"
        "Broken template files and clashing versions are reported on stderr (exit 2).\n\n"
        "\b\nExample:\n  granskning template list --json"
    ),
)
@json_option()
def list_(as_json: bool) -> None:
    from granskning.domain import templates

    cat = templates.catalog()
    if as_json:
        print_json([_listed(s, cat.shadowed) for s in cat.templates])
    else:
        for s in cat.templates:
            _print_listed(s, cat.shadowed)
        click.echo(
            _("Your own templates: {folder} or GRANSKNING_TEMPLATES").format(
                folder=templates.user_folder()
            ),
            err=True,
        )
    if cat.problems:
        _problems(cat.problems)


def _listed(s: TemplateSource, shadowed: list[TemplateSource]) -> dict[str, Any]:
    """A found template as ``template list --json`` shows it, with the versions it replaces."""
    return {
        "id": s.template.id,
        "version": s.template.version,
        "title": s.template.title,
        "language": s.template.language,
        "origin": s.origin,
        "path": str(s.path),
        "sha256": s.sha256,
        "groups": [g.id for g in s.template.groups],
        "blocks": len(s.template.blocks),
        "questions": sum(len(b.questions) for b in s.template.blocks),
        "shadowed": [
            {"version": o.template.version, "origin": o.origin, "path": str(o.path)}
            for o in shadowed
            if o.template.id == s.template.id
        ],
    }


def _print_listed(s: TemplateSource, shadowed: list[TemplateSource]) -> None:
    """A found template for people: id, version, origin, title, path, what it replaces."""
    click.echo(
        click.style(s.template.id, bold=True)
        + "  "
        + _("version {version} ({origin})").format(
            version=s.template.version, origin=_origin(s.origin)
        )
    )
    click.echo(f"    {s.template.title}")
    click.echo(f"    {s.path}")
    for o in shadowed:
        if o.template.id == s.template.id:
            click.echo(
                "    "
                + _("replaces version {version} ({origin}): {path}").format(
                    version=o.template.version, origin=_origin(o.origin), path=o.path
                )
            )


@template.command(
    "show",
    help=N_(
        "Show a template: its groups, blocks with time budgets, and questions.\n\n"
        "NAME is a template id, a file name, or the path of a YAML file.\n\n"
        "\b\nExample:\n  granskning template show barnrattslagen-2020\n"
        "  granskning template show kollegial-granskning-2013 --json"
    ),
)
@click.argument("name")
@option(
    "--json",
    "as_json",
    is_flag=True,
    help=N_("Print JSON (the YAML's keys, plus sha256, origin and path)."),
)
def show(name: str, as_json: bool) -> None:
    from granskning.domain import templates

    source = templates.find(name)
    if as_json:
        print_json(templates.as_dict(source))
        return
    click.echo(_render(source))


def _render(source: TemplateSource) -> str:
    """The template as text for people, with Swedish (or English) headings."""
    t = source.template
    out: list[str] = [click.style(t.title, bold=True)]
    out.append(_("Template {id}, version {version}").format(id=t.id, version=t.version))
    out.append(_("From: {origin}, {path}").format(origin=_origin(source.origin), path=source.path))
    out.append(f"SHA-256: {source.sha256}")
    if t.session_minutes:
        out.append(_("Session length: {minutes} minutes").format(minutes=t.session_minutes))
    if t.description:
        out += ["", _wrap(t.description, "")]
    out += ["", click.style(_("Groups"), bold=True)]
    width = max(len(g.id) for g in t.groups)
    for g in t.groups:
        out.append(
            "  "
            + _("{id}  {name}: {questions} questions, {minutes} minutes").format(
                id=g.id.ljust(width),
                name=g.name(),
                questions=len(t.questions_for(g.id)),
                minutes=t.minutes_for(g.id),
            )
        )
    for n, block in enumerate(t.blocks, start=1):
        out += _render_block(t, n, block)
    return "\n".join(out)


def _render_block(t: Template, n: int, block: Block) -> list[str]:
    """A block's lines: heading, convention articles, description, then its questions."""
    heading = _("Block {n}: {title} ({minutes} min)").format(
        n=n, title=block.title, minutes=block.minutes
    )
    out = ["", click.style(heading, bold=True) + f"  [{block.id}]"]
    if block.articles:
        out.append(
            "  "
            + _("Convention articles: {articles}").format(
                articles=", ".join(str(a) for a in block.articles)
            )
        )
    if block.description:
        out.append(_wrap(block.description, "  "))
    for q in block.questions:
        out += _render_question(t, q)
    return out


def _render_question(t: Template, q: Question) -> list[str]:
    """A question's lines: id and text, kind and groups, scale, follow-up questions."""
    names = ", ".join(t.group(gid).name() for gid in q.groups)
    out = [
        "",
        f"  {q.id}  {q.text}",
        "      "
        + _("{kind}; asked of: {groups}").format(kind=_(KIND_LABELS[q.kind]), groups=names),
    ]
    if q.scale:
        out.append(
            "      "
            + _("Scale: {steps}").format(steps="; ".join(f"{s.value} {s.label}" for s in q.scale))
        )
    if q.followups:
        out.append("      " + _("Follow-up questions:"))
        out += [f"        – {f}" for f in q.followups]
    return out


def _wrap(text: str, indent: str) -> str:
    import textwrap

    return textwrap.fill(
        " ".join(text.split()), width=88, initial_indent=indent, subsequent_indent=indent
    )


@template.command(
    "validate",
    help=N_(
        "Check template files; a folder means every .yaml file in it.\n\n"
        'Exit 0 when all are valid; otherwise exit 2 with one "PATH:LINE: message" line '
        "per problem on stderr.\n\n"
        "\b\nExample:\n  granskning template validate min-mall.yaml\n"
        "  granskning template validate ~/.config/granskning/question_templates"
    ),
)
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
def validate(paths: tuple[str, ...]) -> None:
    from granskning.domain import templates

    valid, problems = templates.validate_files(paths)
    for s in valid:
        click.echo(
            _("{path}: valid ({id} version {version})").format(
                path=s.path, id=s.template.id, version=s.template.version
            )
        )
    if problems:
        _problems(problems)


@template.command(
    "schema",
    help=N_(
        "Print the JSON Schema of the template format, for editors.\n\n"
        'In VS Code with the YAML extension, save it and point "yaml.schemas" at it to get '
        "completion and checks while writing a template.\n\n"
        "\b\nExample:\n  granskning template schema > mall.schema.json"
    ),
)
def schema() -> None:
    from granskning.domain import templates

    print_json(templates.schema())
