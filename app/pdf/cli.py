"""``flask --app wsgi verify-pdf FILE``: is this file a sealed e-Pôles convention?"""

import click

from app.pdf.verify import verify_bytes

MAX_BYTES = 50 * 1024 * 1024


@click.command("verify-pdf")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, readable=True))
def verify_pdf_command(path: str) -> None:
    """Vérifie qu'un PDF est une convention scellée authentique (code de sortie 0) ou non (1)."""
    with open(path, "rb") as handle:
        data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise click.ClickException("Fichier trop volumineux pour être une convention scellée.")
    result = verify_bytes(data)
    click.echo(result.message)
    click.echo(f"Empreinte SHA-256 du fichier : {result.sha256}")
    if result.authentic:
        click.echo(f"Identifiant de la convention : {result.convention_id}")
    elif result.claims_convention:
        click.echo(f"Convention nommée par le fichier : {result.claims_convention}")
    click.get_current_context().exit(0 if result.authentic else 1)
