"""mkdocs hook: text from the `learn` command itself, so the docs cannot drift from it.

mkdocs-click documents every command and option (see docs/reference/learn.md); this
hook adds what it would miss:

- `learn` loads some commands only when they are used (a lazy click group), and an
  alias shares its command with another name; mkdocs-click only sees the commands a
  group has already loaded, under their own names. Before any page is built, every
  command is loaded and registered under each name `learn --help` shows.
- In any Markdown page, the line `<!-- learn: exit codes -->` becomes the exit-code
  table that `learn --help` prints.
"""

from __future__ import annotations

import copy

import click

from grader import cli

MARKER = "<!-- learn: exit codes -->"


def load_every_command(group: click.Group) -> None:
    """Register every subcommand of `group`, lazy ones and aliases included, by name."""
    ctx = click.Context(group, info_name=group.name)
    commands = {}
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None:
            continue
        if command.name != name:  # an alias: document it under the name it is typed as
            command = copy.copy(command)
            command.name = name
        if isinstance(command, click.Group):
            load_every_command(command)
        commands[name] = command
    group.commands = commands


def exit_codes() -> str:
    skip = ("\b", "", "Exit codes:")
    lines = [line for line in cli.EXIT_CODES.splitlines() if line.strip() not in skip]
    return "```text\n" + "\n".join(line.strip() for line in lines) + "\n```"


def on_config(config):
    load_every_command(cli.cli)
    return config


def on_page_markdown(markdown, page, config, files):
    if MARKER in markdown:
        markdown = markdown.replace(MARKER, exit_codes())
    return markdown
