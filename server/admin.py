"""`python -m server accounts list|add NAME|delete NAME|reset-password NAME|set-oper NAME [--off]`,
and `add-cert|remove-cert NAME SHA256|certs NAME` for TLS client certificates (SASL EXTERNAL):
the operator's account commands on the data directory's account store and privilege tables
(server.privileges), safe while the server runs (SQLite WAL; OPER reads the flag each time).
Deleting an account also leaves its channels without founder. Passwords come from a prompt
(getpass, twice) or the first line of stdin, never from argv."""

from __future__ import annotations

import argparse
import getpass
import sqlite3
import sys
import time
from collections.abc import Sequence
from typing import TextIO

from server.accounts import (
    MAX_CERTFPS,
    AccountExists,
    AccountStore,
    CertfpTaken,
    NoSuchAccount,
    TooManyCertfps,
    account_name_error,
    parse_certfp,
    password_error,
)
from server.accounts import default_path as accounts_path
from server.privileges import PrivilegeStore

PROG = "localchat-server accounts"
CERT_ACTIONS = ("add-cert", "remove-cert", "certs")


class AdminError(Exception):
    """A refused request: one line on stderr and exit status `status`."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="manage LocalChat accounts")
    parser.add_argument("--data-dir", metavar="DIR", help="the server's data directory "
                        "(default: the user data directory for localchat)")
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    sub.add_parser("list", help="list the accounts")
    add = sub.add_parser("add", help="create an account (asks for its password)")
    add.add_argument("name")
    add.add_argument("--email", help="the account's email address")
    sub.add_parser("delete", help="delete an account").add_argument("name")
    sub.add_parser("reset-password", help="set a new password (asks for it)").add_argument("name")
    for action, text in (("add-cert", "let a TLS client certificate log in (SASL EXTERNAL)"),
                         ("remove-cert", "stop a TLS client certificate logging in")):
        cert = sub.add_parser(action, help=text)
        cert.add_argument("name")
        cert.add_argument("fingerprint", help="its SHA-256 fingerprint (64 hex digits, colons "
                          "allowed)")
    sub.add_parser("certs", help="list an account's certificate fingerprints").add_argument("name")
    oper = sub.add_parser("set-oper", help="let the account OPER (KILL, KICK anywhere)")
    oper.add_argument("name")
    oper.add_argument("--off", action="store_true", help="take the oper flag away")
    return parser


def read_password(stdin: TextIO) -> str:
    """From a prompt (typed twice) on a terminal, else the first line of stdin."""
    if stdin.isatty():
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            raise AdminError("the passwords do not match", 2)
    else:
        password = stdin.readline().rstrip("\r\n")
    why = password_error(password)
    if why:
        raise AdminError(why, 2)
    return password


def run(args: argparse.Namespace, store: AccountStore, privileges: PrivilegeStore,
        stdin: TextIO, out: TextIO) -> None:
    name: str = getattr(args, "name", "")
    if args.action in CERT_ACTIONS:
        run_certs(args, store, out)
        return
    if args.action == "list":
        for account in store.accounts():
            created = time.strftime("%Y-%m-%d %H:%M", time.gmtime(account.created_at))
            flag = "oper" if privileges.is_oper(account) else "-"
            print(f"{account.name}\t{account.email or '-'}\t{created}\t{flag}", file=out)
        return
    if args.action == "set-oper":
        set_oper(store, privileges, name, not args.off, out)
        return
    if args.action in ("add", "reset-password"):
        why = account_name_error(name)
        if why:
            raise AdminError(f"invalid account name {name!r}: {why}", 2)
        if args.action == "reset-password" and store.find(name) is None:
            raise AdminError(f"there is no account {name}")
        password = read_password(stdin)
    if args.action == "add":
        try:
            store.create(name, password, args.email)
        except AccountExists:
            raise AdminError(f"the account {name} exists already") from None
        privileges.forget_account(name)  # what a deleted account of that name had, if any
        print(f"account {name} created", file=out)
    elif args.action == "reset-password":
        if not store.set_password(name, password):
            raise AdminError(f"there is no account {name}")
        print(f"password of {name} changed", file=out)
    elif args.action == "delete":
        if not store.delete(name):
            raise AdminError(f"there is no account {name}")
        founded = privileges.forget_account(name)
        print(f"account {name} deleted", file=out)
        if founded:
            print(f"{founded} channel(s) it founded have no founder now", file=out)


def set_oper(store: AccountStore, privileges: PrivilegeStore, name: str, oper: bool,
             out: TextIO) -> None:
    account = store.find(name)
    if account is None:
        raise AdminError(f"there is no account {name}")
    changed = privileges.set_oper(account, oper)
    state = "is an operator" if oper else "is not an operator"
    print(f"{account.name} {state}{' now' if changed else ' already'}", file=out)


def run_certs(args: argparse.Namespace, store: AccountStore, out: TextIO) -> None:
    """add-cert, remove-cert and certs."""
    name: str = args.name
    fingerprint = ""
    if args.action != "certs":
        try:
            fingerprint = parse_certfp(args.fingerprint)
        except ValueError as error:
            raise AdminError(f"invalid fingerprint: {error}", 2) from None
    if store.find(name) is None:
        raise AdminError(f"there is no account {name}")
    if args.action == "certs":
        for listed in store.certfps(name):
            print(listed, file=out)
    elif args.action == "add-cert":
        try:
            added = store.add_certfp(name, fingerprint)
        except CertfpTaken as error:
            raise AdminError(f"the certificate {fingerprint} belongs to the account "
                             f"{error.owner}") from None
        except TooManyCertfps:
            raise AdminError(f"the account {name} has {MAX_CERTFPS} certificates already "
                             "(remove-cert one first)") from None
        except NoSuchAccount:
            raise AdminError(f"there is no account {name}") from None
        print(f"certificate {fingerprint} " + ("added to" if added else "already logs in to")
              + f" {name}", file=out)
    elif not store.remove_certfp(name, fingerprint):
        raise AdminError(f"the account {name} has no certificate {fingerprint}")
    else:
        print(f"certificate {fingerprint} removed from {name}", file=out)


def main(argv: Sequence[str], stdin: TextIO = sys.stdin, out: TextIO = sys.stdout) -> int:
    args = build_parser().parse_args(argv)
    path = accounts_path(args.data_dir)
    try:
        store = AccountStore(path)
    except (OSError, sqlite3.Error) as error:
        print(f"{PROG}: error: cannot open the account store {path}: {error}", file=sys.stderr)
        return 2
    try:
        privileges = PrivilegeStore(path)
    except (OSError, sqlite3.Error) as error:
        store.close()
        print(f"{PROG}: error: cannot open the account store {path}: {error}", file=sys.stderr)
        return 2
    try:
        run(args, store, privileges, stdin, out)
    except AdminError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return error.status
    except sqlite3.Error as error:
        print(f"{PROG}: error: the account store {path}: {error}", file=sys.stderr)
        return 1
    finally:
        privileges.close()
        store.close()
    return 0
