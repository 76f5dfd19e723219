"""``cheongbaek workbench``: who may use the alert workbench, as whom.

    cheongbaek workbench user add LOGIN --emp-no 000100001 --role official [--dept 3001001]
    cheongbaek workbench user remove LOGIN
    cheongbaek workbench user list

LOGIN is the Airflow user name (the name in the Airflow token). The
department defaults to the employee's current department in HR (core); a
manager sees that department's alerts, an official the alerts assigned to
them, an auditor every alert.
"""

from __future__ import annotations

import argparse
import sys

from cheongbaek.workbench import store


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``workbench`` subcommand to the main parser."""
    p = sub.add_parser("workbench", help="alert workbench: map logins to employees and roles")
    wsub = p.add_subparsers(dest="wb_command", required=True)
    u = wsub.add_parser("user", help="add, remove or list workbench users")
    usub = u.add_subparsers(dest="wb_user_action", required=True)
    add = usub.add_parser("add", help="map an Airflow login to an employee, a role and a department")
    add.add_argument("login")
    add.add_argument("--emp-no", required=True, help="9-digit employee number")
    add.add_argument("--role", required=True, choices=store.ROLES)
    add.add_argument("--dept", default=None, help="department code (default: the employee's, from HR)")
    rm = usub.add_parser("remove", help="deactivate a login (its trail stays)")
    rm.add_argument("login")
    usub.add_parser("list", help="every mapped login")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from cheongbaek.migrate import migrate

    migrate()
    with store.session() as conn:
        if args.wb_user_action == "add":
            try:
                person = store.upsert_user(conn, args.login, args.emp_no, args.role, args.dept)
            except ValueError as e:
                print(f"workbench user add: {e}", file=sys.stderr)
                return 2
            print(f"{person.login}: employee {person.emp_no}, {person.role}, department {person.dept_cd or '-'}")
        elif args.wb_user_action == "remove":
            if not store.deactivate_user(conn, args.login):
                print(f"workbench user remove: no active user {args.login!r}", file=sys.stderr)
                return 2
            print(f"{args.login}: deactivated")
        else:
            print(f"{'login':<20} {'emp_no':<10} {'role':<9} {'dept':<8} active")
            for u in store.users(conn):
                print(f"{u['login']:<20} {u['emp_no']:<10} {u['role']:<9} {u['dept_cd'] or '-':<8} {u['active']}")
    return 0
