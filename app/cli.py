"""Administrator commands: ``flask --app wsgi seed | create-user | audit verify |
sort-keys``."""

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.models import AppSetting, Grant, OrganisingAuthority, Pole, School, User
from app.rules.api import SCOPES as API_SCOPES
from app.rules.errors import RuleViolation
from app.rules.roles import ROLE_LABELS, Role
from app.services import access
from app.services import audit as audit_service


def register(app: Flask) -> None:
    app.cli.add_command(seed_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(audit_group)
    app.cli.add_command(import_schools_command)
    app.cli.add_command(outbox_group)
    app.cli.add_command(api_client_group)
    app.cli.add_command(remind_command)
    app.cli.add_command(sort_keys_command)


@click.command("seed")
@click.option("--scale", type=click.Choice(["demo", "full"]), default="demo", show_default=True)
@click.option("--reset", is_flag=True, help="Vide d'abord toute la base (irréversible).")
def seed_command(scale: str, reset: bool) -> None:
    """Charge les données de démonstration (idempotent)."""
    from seed import loader

    if reset:
        loader.reset()
        click.echo("Base vidée.")
    # The two data sets number their poles from 1: mixing them would attach the demo
    # accounts and stages to generated poles.
    demo_loaded = bool(AppSetting.get("demo_data", False))
    full_loaded = Pole.objects(number__gt=3).only("id").first() is not None
    if (scale == "full" and demo_loaded) or (scale == "demo" and full_loaded):
        raise click.ClickException(
            "La base contient déjà l'autre jeu de données (démonstration ou complet) : "
            "relancez avec --reset pour repartir d'une base vide."
        )
    if scale == "full":
        from seed.generator import load_full
        from seed.school_years import load_school_years

        counts = load_full()
        counts["school_years"] = load_school_years()
        counts["article_templates"] = loader.load_templates()
        counts["financing"] = loader.load_financing_reference()
        from seed.stages import build_full_stages

        counts.update(build_full_stages())
    else:
        counts = loader.load_demo(current_app.config["EPOLES_DEMO_PASSWORD"])
    for key, value in counts.items():
        click.echo(f"{key}: +{value}")


@click.command("sort-keys")
def sort_keys_command() -> None:
    """Calcule la clé de tri française des écoles, PO, pôles, comptes et fonctions enregistrés
    avant qu'elle existe."""
    from app.services.reference import fill_sort_keys

    click.echo(f"clés de tri ajoutées : {fill_sort_keys()}")


@click.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--pole", type=int, help="Numéro du pôle (profils de pôle).")
@click.option("--school", type=int, help="FASE de l'école (profils de direction).")
@click.option("--po", type=int, help="FASE du pouvoir organisateur (délégués PO).")
@click.option("--first-name", default="")
@click.option("--last-name", default="")
@click.option("--email", default="")
@click.password_option("--password", help="Mot de passe initial.")
def create_user_command(
    username: str,
    role: str,
    pole: int | None,
    school: int | None,
    po: int | None,
    first_name: str,
    last_name: str,
    email: str,
    password: str,
) -> None:
    """Crée un compte (ou lui ajoute un profil)."""
    from app.rules.passwords import password_problems

    grant = Grant(
        role=role,
        pole=Pole.objects(number=pole).first() if pole else None,
        school=School.objects(fase=school).first() if school else None,
        po=OrganisingAuthority.objects(fase=po).first() if po else None,
        granted_by="cli",
    )
    for value, label in ((pole, "pôle"), (school, "école"), (po, "PO")):
        if value and getattr(grant, {"pôle": "pole", "école": "school", "PO": "po"}[label]) is None:
            raise click.ClickException(f"{label} {value} introuvable.")
    problem = grant.scope_error()
    if problem:
        raise click.ClickException(problem)
    username = username.strip().lower()
    existing = User.objects(username=username).first()
    problems = password_problems(
        password,
        first_name=existing.first_name if existing else first_name,
        last_name=existing.last_name if existing else last_name,
        min_length=current_app.config["EPOLES_PASSWORD_MIN_LENGTH"],
        username=username,
    )
    if problems:
        raise click.ClickException(" ".join(problems))
    user = access.grant_profiles(
        username, [grant], "cli", first_name=first_name, last_name=last_name, email=email
    ).account
    user.set_password(password)
    user.save()
    audit_service.record(
        "user_created_cli",
        "cli",
        target=f"user:{user.username}",
        details={"role": role},
    )
    click.echo(f"Compte {user.username} : profil « {ROLE_LABELS[Role(role)]} » enregistré.")


audit_group = AppGroup("audit", help="Journal d'audit.")


@audit_group.command("verify")
def audit_verify() -> None:
    """Vérifie la chaîne d'empreintes du journal d'audit."""
    report = audit_service.verify_chain()
    if report.ok:
        click.echo(f"Journal d'audit intègre : {report.checked} événement(s) vérifié(s).")
        return
    click.echo(
        f"Journal d'audit ROMPU à l'événement n° {report.broken_at} : {report.reason} "
        f"({report.checked} événement(s) intègre(s) avant).",
        err=True,
    )
    raise SystemExit(1)


@audit_group.command("chain")
def audit_chain() -> None:
    """Inscrit au journal les événements restés en attente (étape interrompue)."""
    from app.services import workflow

    chained = workflow.chain_all_events()
    click.echo(f"Événements en attente inscrits au journal : {chained}.")


@click.command("import-schools")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--apply", "apply_", is_flag=True, help="Applique l'import (sinon : aperçu).")
def import_schools_command(path: str, apply_: bool) -> None:
    """Aperçu (par défaut) ou import d'un fichier de l'annuaire des écoles (CSV ou XLSX)."""
    from pathlib import Path

    from app.rules.directory import DirectoryFileError
    from app.rules.errors import RuleViolation
    from app.services import directory

    data = Path(path).read_bytes()
    name = Path(path).name
    try:
        report = directory.compare_file(name, data)
    except DirectoryFileError as exc:
        raise click.ClickException(str(exc)) from exc
    for outcome in report.new:
        click.echo(f"nouvelle : {outcome.line.fase} {outcome.line.name}")
    for outcome in report.changed:
        fields = "; ".join(f"{c.label} : {c.old_shown} → {c.new_shown}" for c in outcome.changes)
        click.echo(f"modifiée : {outcome.line.fase} {outcome.line.name} ({fields})")
    for outcome in report.conflicts:
        fields = "; ".join(f"{c.label} : {c.old_shown} → {c.new_shown}" for c in outcome.changes)
        click.echo(
            f"conflit (non appliqué) : {outcome.line.fase} {outcome.line.name} ({fields}) — "
            f"{outcome.reason}"
        )
    for error in report.errors:
        click.echo(f"erreur : {error}")
    if apply_ and report.applicable:
        try:
            report = directory.apply_file(name, data, directory.CLI_ACTOR)
        except RuleViolation as exc:
            click.echo(str(exc))
        else:
            click.echo("Import appliqué.")
    elif apply_:
        click.echo("Rien n'a été importé : le fichier contient des lignes en erreur.")
    else:
        click.echo("Aperçu seulement : relancez avec --apply pour importer.")
    click.echo(report.summary())
    if report.errors:
        raise SystemExit(1)


outbox_group = AppGroup("outbox", help="Boîte d'envoi des courriels.")


@outbox_group.command("work")
@click.option("--once", is_flag=True, help="Un seul passage, puis arrêt.")
@click.option(
    "--interval", type=float, default=5.0, show_default=True, help="Secondes entre deux passages."
)
def outbox_work(once: bool, interval: float) -> None:
    """Envoie les courriels en attente (SMTP selon MAIL_*) et lance les rappels du jour."""
    from app.services import outbox, reminders

    config = dict(current_app.config)
    if not config.get("MAIL_SERVER"):
        click.echo("MAIL_SERVER non défini : les courriels sont consignés dans le journal.")

    def daily() -> None:
        done = reminders.daily()
        if done is not None:
            click.echo(f"Rappels du jour : {done['reminders']}, résumés : {done['digests']}")

    try:
        outbox.work(config, once=once, interval=interval, daily=daily, echo=click.echo)
    except KeyboardInterrupt:
        click.echo("Arrêt du worker.")


api_client_group = AppGroup("api-client", help="Clients de l'API en lecture seule.")


@api_client_group.command("create")
@click.argument("name")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    type=click.Choice(list(API_SCOPES)),
    help="Portée (répétable) ; par défaut toutes.",
)
def api_client_create(name: str, scopes: tuple[str, ...]) -> None:
    """Crée un client de l'API ; son jeton, affiché une seule fois, est la dernière ligne."""
    from app.services import api_clients

    try:
        client, token = api_clients.create(name, list(scopes), None)
    except RuleViolation as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Client de l'API créé : {client.name} ({', '.join(client.scopes)}).")
    click.echo("Jeton (il ne sera plus affiché) :")
    click.echo(token)


@click.command("remind")
@click.option("--today", "day", default=None, help="La date du jour (AAAA-MM-JJ).")
def remind_command(day: str | None) -> None:
    """Écrit les rappels du jour dans la boîte d'envoi (une seule fois par personne et par jour)."""
    from app import clock
    from app.services import reminders

    if day:
        try:
            today = clock.parse_day(day)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--today") from exc
    else:
        today = clock.today()
    with clock.fixed_today(today):
        written = reminders.remind(today)
    click.echo(f"Rappels écrits pour le {today.isoformat()} : {written}")
