#!/usr/bin/env python3
"""Set-up, demo and test runner behind `make demo` and `make test`.

Odoo is an input, never guessed: ODOO_SRC=/path/to/odoo-18-source (a tree with
`odoo-bin` or `setup/odoo` and `odoo/addons`), or an `odoo` package already
importable by the Python that runs this script.
"""

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ADDON = "kam_management"
VENV = Path(os.environ.get("KAM_VENV") or REPO / ".venv")
ODOO_REQUIREMENTS = REPO / "requirements-odoo.txt"
DEV_REQUIREMENTS = REPO / "requirements-dev.txt"

NO_ODOO_HELP = """\
No Odoo 18 found. kam_management is an Odoo 18.0 addon and needs an Odoo 18.0
Community installation, which this project does not ship. Either point
ODOO_SRC at an Odoo 18.0 source tree (a directory containing `odoo-bin` or
`setup/odoo` and `odoo/addons`), e.g. `git clone --depth 1 --branch 18.0
https://github.com/odoo/odoo.git /opt/odoo18 && make demo ODOO_SRC=/opt/odoo18`,
or a nightly source archive of 18.0 from https://nightly.odoo.com unpacked
anywhere; or install Odoo 18 so that `python3 -c "import odoo"` works."""


def say(message):
    print(message, flush=True)


def run(cmd, **kwargs):
    say("$ " + " ".join(str(part) for part in cmd))
    return subprocess.run([str(part) for part in cmd], check=False, **kwargs)


# --------------------------------------------------------------------------
# Finding Odoo
# --------------------------------------------------------------------------
class OdooInstallation:
    """Where Odoo is and how to run it with the project's virtualenv."""

    def __init__(self, source_dir=None):
        self.source_dir = source_dir  # None when odoo is importable as is

    def env(self):
        env = dict(os.environ, TZ="UTC")
        if self.source_dir:
            env["PYTHONPATH"] = os.pathsep.join(
                filter(None, [str(self.source_dir), env.get("PYTHONPATH")])
            )
        return env

    def python(self):
        return VENV / "bin" / "python"

    def command(self):
        return [self.python(), "-m", "odoo"]

    def addons_path(self):
        probe = subprocess.run(
            [
                str(self.python()),
                "-c",
                "import os, odoo; print(os.path.dirname(odoo.__file__))",
            ],
            capture_output=True,
            text=True,
            env=self.env(),
            check=True,
        )
        paths = [Path(probe.stdout.strip()) / "addons"]
        if self.source_dir and (self.source_dir / "addons").is_dir():
            paths.append(self.source_dir / "addons")  # git checkout layout
        paths.append(REPO)
        return ",".join(str(path) for path in paths)


def odoo_version_of(python, env):
    result = subprocess.run(
        [str(python), "-c", "import odoo.release as r; print(r.version_info[0])"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    return result.stdout.strip() if result.returncode == 0 else None


def find_odoo():
    """Return an OdooInstallation, or None with the reason printed."""
    source = os.environ.get("ODOO_SRC", "")
    if source:
        source_dir = Path(source).expanduser().resolve()
        has_launcher = (source_dir / "odoo-bin").is_file() or (
            source_dir / "setup" / "odoo"
        ).is_file()
        if not (has_launcher and (source_dir / "odoo" / "addons").is_dir()):
            say(
                f"ODOO_SRC={source} is not an Odoo source tree: it must contain "
                "`odoo-bin` or `setup/odoo`, and `odoo/addons`."
            )
            return None
        env = dict(os.environ, PYTHONPATH=str(source_dir))
        version = odoo_version_of(sys.executable, env)
        if version not in (None, "18"):
            say(f"ODOO_SRC={source} holds Odoo {version}, not Odoo 18.")
            return None
        return OdooInstallation(source_dir)
    version = odoo_version_of(sys.executable, dict(os.environ))
    if version == "18":
        return OdooInstallation(None)
    if version:
        say(f"The importable odoo is Odoo {version}, not Odoo 18.")
    return None


# --------------------------------------------------------------------------
# Virtualenv
# --------------------------------------------------------------------------
def ensure_venv(with_odoo_requirements):
    """Create (or reuse) the project's virtualenv.

    It sees the system site-packages so that an Odoo made importable there
    (for example with a .pth file) stays importable.
    """
    python = VENV / "bin" / "python"
    created = (
        python.exists()
        or not run([sys.executable, "-m", "venv", "--system-site-packages", VENV]).returncode
    )
    if not created:
        sys.exit("Could not create the virtualenv " + str(VENV))
    requirements = [DEV_REQUIREMENTS] + ([ODOO_REQUIREMENTS] if with_odoo_requirements else [])
    stamp = VENV / ".kam-requirements"
    wanted = "".join(path.read_text() for path in requirements)
    if stamp.exists() and stamp.read_text() == wanted:
        return python
    cmd = [python, "-m", "pip", "install", "--quiet", "--prefer-binary"]
    for path in requirements:
        cmd += ["-r", path]
    if run(cmd).returncode:
        sys.exit("Installing the Python requirements into the virtualenv failed (see above).")
    stamp.write_text(wanted)
    return python


# --------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------
def postgres_reachable(python):
    check = subprocess.run(
        [
            str(python),
            "-c",
            "import psycopg2; psycopg2.connect(dbname='postgres').close()",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    return check.returncode == 0, check.stderr.strip().splitlines()[-1:] or [""]


def ensure_postgres(python):
    reachable, error = postgres_reachable(python)
    if reachable:
        return True
    clusters = shutil.which("pg_lsclusters") and subprocess.run(
        ["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=False
    ).stdout.split("\n")
    stopped = [line.split() for line in clusters or [] if "down" in line]
    for version, name, *_ in stopped:
        say(f"Starting the local PostgreSQL cluster {version}/{name} ...")
        run(["pg_ctlcluster", "--skip-systemctl-redirect", version, name, "start"])
    if stopped:
        for _attempt in range(20):
            reachable, error = postgres_reachable(python)
            if reachable:
                return True
            time.sleep(0.5)
    say(
        "PostgreSQL is not reachable (" + error[0] + "). Install it (e.g. `apt-get install "
        "postgresql`) and make sure the current user can create databases, or set "
        "PGHOST/PGPORT/PGUSER/PGPASSWORD to a server you can use."
    )
    return False


def database_exists(python, name):
    result = subprocess.run(
        [
            str(python),
            "-c",
            "import sys, psycopg2\n"
            "with psycopg2.connect(dbname='postgres') as c, c.cursor() as cr:\n"
            "    cr.execute('SELECT 1 FROM pg_database WHERE datname=%s', (sys.argv[1],))\n"
            "    print(bool(cr.fetchone()))",
            name,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip() == "True"


def drop_database(python, name):
    subprocess.run(
        [
            str(python),
            "-c",
            "import sys, psycopg2\n"
            "c = psycopg2.connect(dbname='postgres'); c.autocommit = True\n"
            "c.cursor().execute('DROP DATABASE IF EXISTS \"%s\" WITH (FORCE)' % sys.argv[1])",
            name,
        ],
        check=False,
    )


def odoo_config_args():
    rc = os.environ.get("ODOO_RC")
    return ["-c", rc] if rc else []


def prepare_odoo():
    """Odoo, the virtualenv's python and a reachable PostgreSQL, or (None, None)."""
    odoo = find_odoo()
    if not odoo:
        say(NO_ODOO_HELP)
        return None, None
    python = ensure_venv(with_odoo_requirements=True)
    if not ensure_postgres(python):
        return None, None
    return odoo, python


# --------------------------------------------------------------------------
# make demo
# --------------------------------------------------------------------------
def demo(_args):
    odoo, python = prepare_odoo()
    if not odoo:
        return 1
    ensure_pdf_renderer()
    database = os.environ.get("KAM_DEMO_DB", "kam_demo")
    port = os.environ.get("KAM_HTTP_PORT", "8069")
    base = (
        odoo.command()
        + odoo_config_args()
        + [
            "--addons-path",
            odoo.addons_path(),
            "-d",
            database,
        ]
    )
    if database_exists(python, database):
        say(f"Reusing the database {database}; updating {ADDON} to this checkout ...")
        if run(base + ["-u", ADDON, "--stop-after-init"], env=odoo.env()).returncode:
            say(f"Updating {ADDON} in {database} failed (see the log above).")
            return 1
    else:
        say(f"Creating the database {database} with {ADDON} and its demo data ...")
        created = run(base + ["-i", ADDON, "--stop-after-init"], env=odoo.env())
        if not created.returncode:
            # Spanish terms of every installed module, for the Spanish-speaking
            # demo KAM manager; loaded after creation so that other users keep
            # their language.
            created = run(base + ["--load-language", "es_ES", "--stop-after-init"], env=odoo.env())
        if created.returncode:
            drop_database(python, database)
            say("Creating the demo database failed (see the log above).")
            return 1
    say(
        f"\nOdoo with {ADDON} on http://localhost:{port} (database {database}), "
        "login admin / password admin; KAM users: lucia (manager), marco, ana, javier "
        "(password = login). Ctrl+C stops it.\n"
    )
    return run(
        base + ["--http-port", port, "--db-filter", f"^{database}$"], env=odoo.env()
    ).returncode


# --------------------------------------------------------------------------
# make test
# --------------------------------------------------------------------------
def lint(python):
    po_files = sorted(str(path) for path in (REPO / ADDON / "i18n").glob("*.po*"))
    commands = [
        [python, "-m", "ruff", "check", "."],
        [python, "-m", "ruff", "format", "--check", "."],
        [python, "-m", "pylint", "--rcfile", REPO / ".pylintrc", ADDON],
        # OCA's checks of the manifest, XML and CSV files, and of the translations
        [python, "-m", "oca_pre_commit_hooks", ADDON],
        [python, "-c", OCA_PO_CHECKS, *po_files],
    ]
    return sum(run(command, cwd=REPO).returncode != 0 for command in commands)


OCA_PO_CHECKS = "import sys; from oca_pre_commit_hooks.cli_po import main; sys.exit(main())"


def unit_tests(python):
    report = REPO / ".unit-report.xml"
    # pytest-odoo stays out of the framework-free tests (it imports Odoo)
    result = run([python, "-m", "pytest", "-q", "-p", "no:odoo", f"--junitxml={report}"], cwd=REPO)
    passed = failed = 0
    if report.exists():
        suite = ET.parse(report).getroot()
        suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
        total = int(suite.get("tests", 0))
        failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        passed = total - failed - int(suite.get("skipped", 0))
        report.unlink()
    if result.returncode not in (0, 5) and not failed:
        failed = 1  # pytest broke before reporting
    return passed, failed


def ensure_system_packages(commands):
    """Install the Debian packages whose commands are missing ({command: package})."""
    missing = [package for command, package in commands.items() if not shutil.which(command)]
    if not missing:
        return
    say(f"Installing {', '.join(missing)} ...")
    apt = ["apt-get"] if os.geteuid() == 0 else ["sudo", "apt-get"]
    run(apt + ["update", "-qq"])
    run(apt + ["install", "-y", "-qq"] + missing)


def ensure_pdf_renderer():
    """Odoo prints PDF reports (the account plan) with wkhtmltopdf."""
    ensure_system_packages({"wkhtmltopdf": "wkhtmltopdf"})


def ensure_browser(python):
    """Odoo skips browser tests without Chromium and websocket-client."""
    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        ensure_system_packages({"chromium": "chromium"})
    subprocess.run([str(python), "-c", "import websocket"], check=True)


TEST_RESULT = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database")
SKIPPED = re.compile(r"^\S+ \S+ \d+ INFO \S+ (\S+): skipped (.*)$", re.MULTILINE)


def analyse_odoo_log(log_text, odoo_exit_code, log_problems):
    """Return (passed, failed, problems) from an Odoo test run.

    ``log_problems`` are the records checklog-odoo reported (every warning or
    error not declared in checklog-odoo.cfg); a skipped test of the addon is a
    failure too (a browser test without Chromium is skipped, not failed).
    """
    problems = list(log_problems)
    skipped = [" ".join(match) for match in SKIPPED.findall(log_text) if ADDON in "".join(match)]
    problems += [f"skipped: {line}" for line in skipped]
    results = TEST_RESULT.findall(log_text)
    if not results:
        return 0, max(1, len(problems)), problems + ["no test result line in the Odoo log"]
    failed, errors, total = (int(value) for value in results[-1])
    if total == 0:
        problems.append("the Odoo suite ran no test")
    if odoo_exit_code:
        problems.append(f"Odoo exited with code {odoo_exit_code}")
    failed_count = failed + errors + len(skipped)
    passed = total - failed_count
    if problems and not failed_count:
        failed_count = 1  # an error in the log outside of any test
    return passed, failed_count, problems


def check_odoo_log(python, log_file):
    """The records of the log that fail the run, as checklog-odoo finds them."""
    result = subprocess.run(
        [str(python), "-m", "checklog_odoo", "--no-echo", str(log_file)],
        cwd=REPO,  # where checklog-odoo.cfg declares what may be ignored
        capture_output=True,
        text=True,
        check=False,
    )
    if not result.returncode:
        return []
    report = result.stdout.split("errors that caused failure", 1)[-1]
    return [line for line in report.splitlines()[1:] if line.strip()] or [
        result.stderr.strip() or "checklog-odoo failed"
    ]


def odoo_tests(odoo, python):
    if not ensure_postgres(python):
        return 0, 1
    ensure_browser(python)
    ensure_pdf_renderer()
    database = f"kam_test_{os.getpid()}"
    log_file = REPO / ".odoo-test.log"
    drop_database(python, database)
    say(f"Running the Odoo test suite of {ADDON} on a fresh database {database} ...")
    try:
        with open(log_file, "w", encoding="utf-8") as log:
            finished = run(
                odoo.command()
                + odoo_config_args()
                + [
                    "--addons-path",
                    odoo.addons_path(),
                    "-d",
                    database,
                    "-i",
                    ADDON,
                    "--test-enable",
                    "--test-tags",
                    f"/{ADDON}",
                    "--stop-after-init",
                    "--http-port",
                    os.environ.get("KAM_TEST_HTTP_PORT", "8169"),
                    "--log-level",
                    "info",
                ],
                env=odoo.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
    finally:
        drop_database(python, database)
    log_text = log_file.read_text(encoding="utf-8", errors="replace")
    passed, failed, problems = analyse_odoo_log(
        log_text, finished.returncode, check_odoo_log(python, log_file)
    )
    if problems:
        say(f"Problems in the Odoo log (full log: {log_file}):")
        for problem in problems[:50]:
            say("  " + problem)
    return passed, failed


def test(_args):
    odoo = find_odoo()
    python = ensure_venv(with_odoo_requirements=bool(odoo))
    lint_failures = lint(python)
    unit_passed, unit_failed = unit_tests(python)
    if odoo:
        odoo_passed, odoo_failed = odoo_tests(odoo, python)
    else:
        say(NO_ODOO_HELP)
    say(f"lint: {'ok' if not lint_failures else f'{lint_failures} tool(s) reported problems'}")
    say(f"unit: {unit_passed} passed, {unit_failed} failed")
    if odoo:
        say(f"odoo: {odoo_passed} passed, {odoo_failed} failed")
    else:
        say("odoo: not run (no Odoo 18 found)")
    failed = lint_failures or unit_failed or (odoo and odoo_failed)
    return 1 if failed else 0


# --------------------------------------------------------------------------
# make bench
# --------------------------------------------------------------------------
def bench_database(args, database=None, generator_options=()):
    """The generated benchmark database, made or brought to this checkout.

    :param database: its name, by default kam_bench_<customers>_<documents>
    :param generator_options: more options of bench/generate_data.py
    :return: (odoo, python, database, addons path), or None on failure
    """
    odoo, python = prepare_odoo()
    if not odoo:
        return None
    database = database or f"kam_bench_{args.customers}_{args.documents}"
    addons_path = odoo.addons_path()
    exists = database_exists(python, database)
    if not exists:
        say(f"Creating {database} (kam_management without demo data) ...")
    else:
        say(f"Updating kam_management in {database} to this checkout ...")
    made = run(
        odoo.command()
        + odoo_config_args()
        + ["--addons-path", addons_path, "-d", database]
        + (["-u", ADDON] if exists else ["-i", ADDON, "--without-demo", "all"])
        + ["--stop-after-init", "--log-level", "warn"],
        env=odoo.env(),
    )
    if made.returncode:
        if not exists:
            drop_database(python, database)
        return None
    generated = run(
        [python, REPO / "bench" / "generate_data.py", database]
        + ["--customers", str(args.customers), "--documents", str(args.documents)]
        + list(generator_options)
    )
    if generated.returncode:
        return None
    return odoo, python, database, addons_path


def bench_on_database(script, *options, database_name=None, generator_options=None):
    """Run a benchmark script of bench/ on the database of `make bench`, or on the
    database named ``database_name(args)`` generated with ``generator_options(args)``."""

    def bench_command(args):
        prepared = bench_database(
            args,
            database_name(args) if database_name else None,
            generator_options(args) if generator_options else (),
        )
        if not prepared:
            return 1
        odoo, python, database, addons_path = prepared
        return run(
            [python, REPO / "bench" / script, database, "--addons-path", addons_path]
            + [value for option in options for value in option(args)],
            env=odoo.env(),
        ).returncode

    return bench_command


# the concentration engine (bench/benchmark.py)
bench = bench_on_database("benchmark.py")
# the nightly measure of effort (teams and traces generated once)
bench_effort = bench_on_database("effort_benchmark.py", lambda args: ["--kams", str(args.kams)])
# the nightly signals and account health (rule data completed once)
bench_signals = bench_on_database("signals_benchmark.py")
# the whitespace of the key accounts, on a database of its own with product lines
bench_whitespace = bench_on_database(
    "whitespace_benchmark.py",
    database_name=lambda args: (
        f"kam_bench_ws_{args.customers}_{args.documents * args.lines_per_invoice}"
    ),
    generator_options=lambda args: [
        "--categories",
        str(args.categories),
        "--industries",
        str(args.industries),
        "--lines-per-invoice",
        str(args.lines_per_invoice),
    ],
)


def bench_install(args):
    """Install the addon on a database that already has history (two companies,
    shared customers, invoices in two currencies, sales orders), and on an
    empty one, and compare (bench/install_report.py)."""
    odoo, python = prepare_odoo()
    if not odoo:
        return 1
    addons_path = odoo.addons_path()
    odoo_run = odoo.command() + odoo_config_args() + ["--addons-path", addons_path]
    quiet = ["--without-demo", "all", "--stop-after-init", "--log-level", "warn"]

    def timed_install(database):
        started = time.perf_counter()
        result = run(odoo_run + ["-d", database, "-i", ADDON] + quiet, env=odoo.env())
        if result.returncode:
            sys.exit(f"Installing {ADDON} in {database} failed.")
        return time.perf_counter() - started

    empty = "kam_bench_install_empty"
    drop_database(python, empty)
    run(odoo_run + ["-d", empty, "-i", "crm,sale"] + quiet, env=odoo.env())
    empty_seconds = timed_install(empty)
    drop_database(python, empty)
    size = f"{args.customers}_{args.documents}_{args.orders}"
    template, database = f"kam_bench_history_{size}", f"kam_bench_install_{size}"
    if not database_exists(python, template):
        say(f"Creating {template}: crm, sale and a generated history, without the addon ...")
        run(odoo_run + ["-d", template, "-i", "crm,sale"] + quiet, env=odoo.env())
        prepared = run(
            [python, REPO / "bench" / "prepare_companies.py", template]
            + ["--addons-path", addons_path],
            env=odoo.env(),
        )
        generated = run(
            [python, REPO / "bench" / "generate_data.py", template, "--companies", "2"]
            + ["--customers", str(args.customers), "--documents", str(args.documents)]
            + ["--orders", str(args.orders)]
        )
        if prepared.returncode or generated.returncode:
            drop_database(python, template)
            return 1
    drop_database(python, database)
    run(["createdb", "-T", template, database])
    install_seconds = timed_install(database)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return run(
        [python, REPO / "bench" / "install_report.py", database, "--addons-path", addons_path]
        + ["--empty-install", f"{empty_seconds:.2f}", "--install", f"{install_seconds:.2f}"]
        + ["--peak-mib", f"{peak:.0f}"],
        env=odoo.env(),
    ).returncode


def bench_day(args):
    """The back-fill, the scorecard, the cockpit and the board (issue 15), on the
    database `make bench-install` leaves (bench/kam_day_benchmark.py)."""
    odoo, python = prepare_odoo()
    if not odoo:
        return 1
    database = f"kam_bench_install_{args.customers}_{args.documents}_{args.orders}"
    if not database_exists(python, database):
        say(f"No database {database}: run `make bench-install` first.")
        return 1
    return run(
        [python, REPO / "bench" / "kam_day_benchmark.py", database]
        + ["--addons-path", odoo.addons_path()],
        env=odoo.env(),
    ).returncode


# --------------------------------------------------------------------------
# make odoo-pytest
# --------------------------------------------------------------------------
def odoo_pytest(args):
    """The Odoo tests of some files, through pytest-odoo, on an existing database
    where the addon is installed (quick iteration; `make test` runs them all)."""
    odoo, python = prepare_odoo()
    if not odoo:
        return 1
    if not database_exists(python, args.database):
        say(f"No database {args.database}: create one first (`make demo`, say).")
        return 1
    return run(
        [python, "-m", "pytest", "-q", f"--odoo-database={args.database}"]
        + [f"--odoo-addons-path={odoo.addons_path()}"]
        + (["--odoo-config", os.environ["ODOO_RC"]] if os.environ.get("ODOO_RC") else [])
        + (args.tests or [f"{ADDON}/tests"]),
        env=odoo.env(),
    ).returncode


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "command",
        choices=[
            "demo",
            "test",
            "bench",
            "bench-effort",
            "bench-signals",
            "bench-whitespace",
            "bench-install",
            "bench-day",
            "odoo-pytest",
        ],
    )
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--documents", type=int, default=500_000)
    parser.add_argument("--orders", type=int, default=0)
    parser.add_argument("--kams", type=int, default=50)
    parser.add_argument("--categories", type=int, default=200)
    parser.add_argument("--industries", type=int, default=20)
    parser.add_argument("--lines-per-invoice", type=int, default=5)
    parser.add_argument("--database", default=os.environ.get("KAM_DEMO_DB", "kam_demo"))
    parser.add_argument("tests", nargs="*", help="test files, for odoo-pytest")
    args = parser.parse_intermixed_args()
    os.chdir(REPO)
    commands = {
        "demo": demo,
        "test": test,
        "bench": bench,
        "bench-effort": bench_effort,
        "bench-install": bench_install,
        "bench-day": bench_day,
        "bench-signals": bench_signals,
        "bench-whitespace": bench_whitespace,
        "odoo-pytest": odoo_pytest,
    }
    sys.exit(commands[args.command](args))


if __name__ == "__main__":
    main()
