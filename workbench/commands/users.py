"""``workbench users``: the project's accounts and their roles.

The first account of a project must be an admin (it is the one who can add the others); after that
every change here needs the acting account (``--user`` / ``WORKBENCH_USER``) to be an admin,
except a user changing their own password. Passwords are read without echo (asked twice) or from
standard input with ``--password-stdin``, never from the command line where ``ps`` and shell
history would keep them.
"""

from __future__ import annotations

import argparse
import sys

from workbench.commands.common import cli_user, print_json
from workbench.errors import WorkbenchError
from workbench.roles import ROLES
from workbench.store import open_store


def read_password(args: argparse.Namespace, name: str) -> str:
    if args.password_stdin:
        line = sys.stdin.readline()
        pw = line[:-1] if line.endswith("\n") else line
        if not pw:
            raise WorkbenchError("--password-stdin: standard input held no password")
        return pw
    if not sys.stdin.isatty():
        raise WorkbenchError("no terminal to ask for a password on; pipe it in with --password-stdin")
    import getpass

    first = getpass.getpass(f"Password for {name}: ")
    second = getpass.getpass("Again: ")
    if first != second:
        raise WorkbenchError("the two passwords differ; nothing was changed")
    return first


def cmd_add(args: argparse.Namespace) -> int:
    store = open_store(args.db)
    if not store.accounts.any() and args.role != "admin":
        raise WorkbenchError("the first account of a project must be an admin (it adds the others): use --role admin")
    if args.no_password and args.password_stdin:
        raise WorkbenchError("--no-password and --password-stdin exclude each other")
    password = None if args.no_password else read_password(args, args.name)
    acc = store.accounts.add(args.name, args.role, password, email=args.email, user=cli_user())
    print(f"added {acc.name} ({acc.role})")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    accounts = open_store(args.db).accounts.list()
    if args.json:
        print_json([a.to_dict() for a in accounts])
        return 0
    if not accounts:
        print("No accounts: the project has one local user who may do everything. Add one: workbench users add NAME --role admin")
        return 0
    print(f"{'name':<24} {'role':<14} {'active':<6} {'last sign-in':<20} created")
    for a in accounts:
        print(f"{a.name:<24} {a.role:<14} {'yes' if a.active else 'no':<6} {(a.last_login or '-')[:19]:<20} {a.created[:19]}")
    return 0


def cmd_set_role(args: argparse.Namespace) -> int:
    acc = open_store(args.db).accounts.set_role(args.name, args.role, user=cli_user())
    print(f"{acc.name} is now {acc.role}")
    return 0


def cmd_set_active(args: argparse.Namespace) -> int:
    open_store(args.db).accounts.set_active(args.name, args.active, user=cli_user())
    print(f"enabled {args.name}" if args.active else f"disabled {args.name} (signed out everywhere)")
    return 0


def cmd_password(args: argparse.Namespace) -> int:
    store = open_store(args.db)
    store.accounts.get(args.name)  # a missing account is said before the password is asked for
    store.accounts.set_password(args.name, read_password(args, args.name), user=cli_user())
    print(f"password of {args.name} changed (its sessions were ended)")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("users", help="accounts and roles (viewer, editor, terminologist, reviewer, admin)")
    us = p.add_subparsers(dest="users_command", metavar="ACTION", required=True)

    a = us.add_parser("add", help="add an account")
    a.add_argument("name", metavar="NAME")
    a.add_argument("--role", required=True, choices=ROLES)
    a.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    a.add_argument("--no-password", action="store_true", help="an account that signs in only through OpenID Connect")
    a.add_argument("--email", metavar="ADDRESS", help="the e-mail an OpenID Connect provider reports for this person")
    a.set_defaults(func=cmd_add)

    a = us.add_parser("list", help="list accounts")
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_list)

    a = us.add_parser("set-role", help="change an account's role")
    a.add_argument("name", metavar="NAME")
    a.add_argument("role", metavar="ROLE", choices=ROLES)
    a.set_defaults(func=cmd_set_role)

    for action, active, text in (("disable", False, "disable an account (its sessions end; its history stays)"),
                                 ("enable", True, "enable a disabled account")):  # fmt: skip
        a = us.add_parser(action, help=text)
        a.add_argument("name", metavar="NAME")
        a.set_defaults(func=cmd_set_active, active=active)

    a = us.add_parser("password", help="set an account's password")
    a.add_argument("name", metavar="NAME")
    a.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    a.set_defaults(func=cmd_password)
