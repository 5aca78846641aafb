"""`plc-bot`: run the bot, migrate the database, manage its keys, print the manifest, or try it in a sandbox."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from bot.assessments.cli import add_analyze_parser, add_formats_parser, run_analyze, run_formats
from bot.focus.cli import add_focus_parser, run_focus
from bot.i18n import Catalog, catalog
from bot.keys.cli import add_keys_parser, new_key, rotate
from bot.settings import SUPPORTED_LANGUAGES, Settings, SettingsError, configure_logging, load_settings

EXIT_SETTINGS = 2


def _cli_catalog() -> Catalog:
    language = (os.environ.get("PLC_DEFAULT_LANGUAGE") or "en").strip().lower()
    return catalog(language if language in SUPPORTED_LANGUAGES else "en")


def build_parser(texts: Catalog) -> argparse.ArgumentParser:
    t = texts.t
    parser = argparse.ArgumentParser(prog="plc-bot", description=t("cli.description"))
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help=t("cli.run"))
    run.add_argument("--http", action="store_true", help=t("cli.run_http"))
    run.add_argument("--port", type=int, help=t("cli.run_port"))
    run.add_argument("--host", default="0.0.0.0", help=t("cli.run_host"))
    run.add_argument("--workers", type=int, default=2, help=t("cli.run_workers"))
    run.add_argument("--threads", type=int, default=8, help=t("cli.run_threads"))
    run.add_argument("--no-scheduler", action="store_true", help=t("cli.run_no_scheduler"))

    commands.add_parser("scheduler", help=t("cli.scheduler"))

    worker = commands.add_parser("worker", help=t("cli.worker"))
    worker.add_argument("--threads", type=int, help=t("cli.worker_threads"))

    db = commands.add_parser("db", help=t("cli.db"))
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help=t("cli.db_upgrade"))

    add_keys_parser(commands, texts)

    manifest = commands.add_parser("manifest", help=t("cli.manifest"))
    manifest.add_argument("--url", help=t("cli.manifest_url"))

    sandbox = commands.add_parser("sandbox", help=t("cli.sandbox"))
    sandbox.add_argument("--script", metavar="FILE", help=t("cli.sandbox_script"))
    sandbox.add_argument("--lang", choices=SUPPORTED_LANGUAGES, default=None, help=t("cli.sandbox_lang"))

    add_analyze_parser(commands, texts)
    add_formats_parser(commands, texts)
    add_focus_parser(commands, texts)
    return parser


def report_settings_error(error: SettingsError) -> None:
    texts = catalog(error.language)
    lines = [texts.t("settings.header")]
    lines += [f"  - {texts.t(p.key, name=p.name, value=p.value)}" for p in error.problems]
    print("\n".join(lines), file=sys.stderr)


def _run(args: argparse.Namespace, settings: Settings) -> int:
    from bot import server
    from storage import migrate
    from storage.db import Database

    socket_mode = settings.socket_mode_available and not args.http
    settings.check_ready("socket" if socket_mode else "http")
    db = Database(settings.database_url)
    migrate.upgrade(db.engine, encryption_keys=settings.encryption_keys)
    db.dispose()
    if socket_mode:
        server.serve_socket_mode(settings, with_scheduler=not args.no_scheduler)
    else:
        server.serve_http(settings, args.host, args.port or settings.port, args.workers, args.threads,
                          with_scheduler=not args.no_scheduler)
    return 0


def _scheduler(settings: Settings) -> int:
    from bot.scheduler.runner import run_scheduler

    settings.check_ready("scheduler")
    return run_scheduler(settings)


def _worker(args: argparse.Namespace, settings: Settings) -> int:
    from bot.jobs.worker import run_worker

    settings.check_ready("worker")
    return run_worker(settings, args.threads)


def _db_upgrade(texts: Catalog, settings: Settings) -> int:
    from storage import migrate
    from storage.db import Database

    db = Database(settings.database_url)
    migrate.upgrade(db.engine, encryption_keys=settings.encryption_keys)
    print(texts.t("cli.db_upgraded", revision=migrate.current_revision(db.engine)))
    db.dispose()
    return 0


def _manifest(args: argparse.Namespace) -> int:
    from bot.manifest import dump, load_manifest, manifest_for_http

    print(dump(manifest_for_http(args.url) if args.url else load_manifest()), end="")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    texts = _cli_catalog()
    args = build_parser(texts).parse_args(argv)
    if args.command == "manifest":
        return _manifest(args)
    if args.command == "analyze":
        return run_analyze(args)
    if args.command == "formats":
        return run_formats(args)
    if args.command == "focus":
        return run_focus(args)
    if args.command == "keys" and args.keys_command == "new":
        return new_key()
    if args.command == "sandbox":
        from bot.devtools.sandbox import run_sandbox

        return run_sandbox(script=args.script, language=args.lang)
    try:
        settings = load_settings()
        configure_logging(settings.log_level)
        if args.command == "run":
            return _run(args, settings)
        if args.command == "scheduler":
            return _scheduler(settings)
        if args.command == "worker":
            return _worker(args, settings)
        if args.command == "keys":
            return rotate(texts, settings)
        return _db_upgrade(texts, settings)
    except SettingsError as error:
        report_settings_error(error)
        return EXIT_SETTINGS
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
