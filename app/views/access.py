"""Access management pages: the public request forms (annexes 1–3 and 5), the page where a
new user sets a password, and the support staff's queue and account pages."""

import re
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from mongoengine import Q

from app import links
from app.auth import refuse
from app.extensions import limiter
from app.models import AccessRequest, StoredFile, User
from app.models.access_request import (
    CAPACITY_LABELS,
    KIND_ACCESS,
    KIND_LABELS,
    KIND_REVOCATION,
    PROFILE_LABELS,
    REVOCATION_PROFILE_LABELS,
    STATUS_LABELS,
    STATUS_PENDING,
)
from app.rules import permissions
from app.rules.errors import RuleViolation
from app.rules.numbers import is_digits
from app.rules.permissions import Action
from app.rules.uploads import MAX_FILE_BYTES
from app.services import access
from app.views.actions import run_action
from app.views.confirm import Confirmation, ask, confirmed, to_confirmation
from app.views.downloads import download
from app.views.gates import requires
from app.views.pagination import paginate

bp = Blueprint("access", __name__)


def _pending_label(user: Any) -> str:
    """« Demandes en attente (N) »: support sees at a glance what waits for a decision."""
    return f"Demandes en attente ({AccessRequest.objects(status=STATUS_PENDING).count()})"


NAV = [
    (
        "access.queue",
        _pending_label,
        lambda user: permissions.can(user, Action.REVIEW_ACCESS),
    )
]

PAGE_SIZE = 25
ALL_STATUSES = "tous"  # the queue filter value that shows every status
REFERENCE_RE = re.compile(r"^EP-\d{4}-\d{6}$")
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


# --- Public forms ----------------------------------------------------------------------


def _attachment() -> tuple[str, bytes] | None:
    upload = request.files.get("attachment")
    if upload is None or not upload.filename:
        return None
    # One byte more than allowed is enough to say "too big".
    try:
        return upload.filename, upload.stream.read(MAX_FILE_BYTES + 1)
    finally:
        upload.close()


def _request_form(kind: str):  # type: ignore[no-untyped-def]
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    summary = ""
    if request.method == "POST":
        values = {name: request.form.get(name, "") for name in access.FIELDS}
        try:
            created = access.submit_request(
                values, _attachment(), kind=kind, remote_addr=request.remote_addr
            )
        except access.FieldErrors as exc:
            errors = exc.errors
            summary = str(exc)
        except RuleViolation as exc:
            flash(str(exc), "danger")
        else:
            return render_template("access/submitted.html", req=created)
    elif kind == KIND_ACCESS and request.args.get("profil") in PROFILE_LABELS:
        values["profile"] = request.args["profil"]
    return render_template(
        "access/request_form.html",
        kind=kind,
        revocation=kind == KIND_REVOCATION,
        values=values,
        errors=errors,
        summary=summary,
        profiles=PROFILE_LABELS if kind == KIND_ACCESS else REVOCATION_PROFILE_LABELS,
        capacities=CAPACITY_LABELS,
        max_mb=MAX_FILE_BYTES // (1024 * 1024),
    ), (400 if errors else 200)


@bp.route("/acces/demande", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def request_access():
    return _request_form(KIND_ACCESS)


@bp.route("/acces/revocation", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def request_revocation():
    return _request_form(KIND_REVOCATION)


@bp.route("/mot-de-passe/<token>", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def set_password(token: str):
    min_length = int(current_app.config["EPOLES_PASSWORD_MIN_LENGTH"])
    user = access.user_for_token(token)
    if user is None:
        return render_template("access/invalid_link.html", message=access.INVALID_LINK), 404
    problems: list[str] = []
    if request.method == "POST":
        try:
            access.set_password_with_token(
                token,
                request.form.get("password", ""),
                min_length=min_length,
                confirmation=request.form.get("confirmation", ""),
            )
        except access.PasswordRejected as exc:
            problems = exc.problems
        except RuleViolation as exc:
            return render_template("access/invalid_link.html", message=str(exc)), 404
        else:
            flash(
                "Votre mot de passe est enregistré. Connectez-vous avec votre compte CERBERE.",
                "success",
            )
            return redirect(url_for("auth.login"))
    return render_template(
        "access/set_password.html", user=user, problems=problems, min_length=min_length
    ), (400 if problems else 200)


# --- Support queue -----------------------------------------------------------------------


def _find_request(reference: str) -> AccessRequest:
    if not REFERENCE_RE.match(reference):
        abort(404)
    found = AccessRequest.objects(reference=reference).first()
    if found is None:
        abort(404)
    return found


def _choice(name: str, allowed: dict[str, str]) -> str:
    value = request.args.get(name, "")
    return value if value in allowed else ""


@bp.route("/support/demandes")
@login_required
@requires(Action.REVIEW_ACCESS, code=403, record=True)
def queue():
    status = request.args.get("statut", STATUS_PENDING)
    status = status if status in STATUS_LABELS or status == ALL_STATUSES else STATUS_PENDING
    kind = _choice("type", KIND_LABELS)
    profile = _choice("profil", REVOCATION_PROFILE_LABELS)
    text = request.args.get("q", "").strip()[:100]
    query = AccessRequest.objects.exclude("applied_grants")
    if status != ALL_STATUSES:
        query = query.filter(status=status)
    if kind:
        query = query.filter(kind=kind)
    if profile:
        query = query.filter(profile=profile)
    if text:
        pattern = text  # mongoengine escapes icontains values
        criteria = (
            Q(reference__icontains=pattern)
            | Q(person__last_name__icontains=pattern)
            | Q(person__first_name__icontains=pattern)
            | Q(person__username__icontains=pattern)
            | Q(school__name__icontains=pattern)
            | Q(po__name__icontains=pattern)
        )
        if is_digits(text) and len(text) <= 8:
            criteria |= Q(school__fase=int(text)) | Q(po__fase=int(text))
        query = query.filter(criteria)
    listed = paginate(query.order_by("-created_at"), PAGE_SIZE)
    filters = {"statut": status, "type": kind, "profil": profile, "q": text}
    return render_template(
        "access/queue.html",
        listed=listed,
        filters=filters,
        status_labels=STATUS_LABELS,
        kind_labels=KIND_LABELS,
        profile_labels=REVOCATION_PROFILE_LABELS,
    )


@bp.route("/support/demandes/<reference>")
@login_required
@requires(Action.REVIEW_ACCESS, code=403, record=True)
def detail(reference: str):
    req = _find_request(reference)
    grants = access.grants_for_request(req) if req.status == STATUS_PENDING else []
    account = User.objects(username=req.person.username).first()
    held = list(account.grants) if account else []
    proposed = [
        {"text": access.describe_grant(g), "held": any(g.same_as(h) for h in held)} for g in grants
    ]
    check = (
        access.identity_check(req, account)
        if account is not None and req.kind == KIND_ACCESS and req.status == STATUS_PENDING
        else None
    )
    return render_template(
        "access/detail.html",
        req=req,
        identity=check,
        proposed=proposed,
        account=account,
        applied=[access.describe_grant(g) for g in req.applied_grants],
        may_grant_backoffice=permissions.can(current_user, Action.GRANT_BACKOFFICE),
    )


IMMEDIATE = (
    "La révocation prend effet immédiatement : les sessions ouvertes du compte sont fermées à "
    "sa prochaine action."
)


def _removed_line(removed: list[str]) -> str:
    """« Profil retiré : … » / « Profils retirés : … ; … »."""
    label = "Profils retirés : " if len(removed) > 1 else "Profil retiré : "
    return label + (" ; ".join(removed) or "aucun") + "."


def _revocation(
    title: str,
    subject: str,
    account: User | None,
    removed: list[str],
    closing: str,
    button: str,
    listing: tuple[str, str],
    item: tuple[str, str],
    **extra: Any,
) -> Confirmation:
    """A revocation's confirmation page (in danger's colour): the profiles ``removed`` from
    ``account``, that it takes effect at once, whether the account keeps other profiles or is
    deactivated, then ``closing``; under the list and the item (label, url) it is asked from,
    cancelling leads back to the item."""
    last = account is None or len(removed) >= len(account.grants)
    return Confirmation(
        title=title,
        subject=subject,
        consequences=[
            _removed_line(removed),
            IMMEDIATE,
            "Le compte n'aura plus aucun profil et sera désactivé."
            if last
            else "Les autres profils du compte restent attribués.",
            closing,
        ],
        button=button,
        tone="danger",
        cancel_url=item[1],
        breadcrumb=(listing, item),
        **extra,
    )


def _revocation_confirmation(req: AccessRequest) -> Confirmation:
    """What accepting a revocation request takes away, and from whom."""
    return _revocation(
        "Accepter la révocation ?",
        f"{req.kind_label} {req.reference} – compte {req.person.username} "
        f"({req.person.first_name} {req.person.last_name})",
        User.objects(username=req.person.username).only("grants").first(),
        [access.describe_grant(g) for g in access.grants_for_request(req)],
        "La demande sera close comme acceptée et la réponse envoyée au courriel enregistré du "
        "compte.",
        "Accepter : révoquer maintenant",
        ("Demandes d'accès", url_for("access.queue")),
        (req.reference, url_for("access.detail", reference=req.reference)),
    )


@bp.route("/support/demandes/<reference>/accepter", methods=["GET", "POST"])
@login_required
@requires(Action.REVIEW_ACCESS, code=403, record=True)
def approve(reference: str):
    """Accept a request; a revocation is confirmed first on a page of its own (GET)."""
    req = _find_request(reference)
    confirming = req.kind == KIND_REVOCATION and req.status == STATUS_PENDING
    if request.method == "GET":
        if not confirming:
            return redirect(url_for("access.detail", reference=req.reference))
        return ask(_revocation_confirmation(req))
    if confirming and not confirmed():
        return to_confirmation()
    detail = url_for("access.detail", reference=req.reference)
    base = links.base_url(current_app.config)
    if base is None:  # the mail's link would lead nowhere: decide nothing yet
        flash(links.MISSING_MESSAGE, "danger")
        return redirect(detail)
    return run_action(
        detail,
        access.approve_request,
        req,
        current_user._get_current_object(),
        base_url=base,
        confirm_identity=request.form.get("confirm_identity") == "yes",
        success=f"Demande {req.reference} acceptée : accès accordé à {req.person.username}."
        if req.kind == KIND_ACCESS
        else f"Demande {req.reference} acceptée : accès de {req.person.username} révoqué "
        "avec effet immédiat.",
    )


@bp.route("/support/demandes/<reference>/refuser", methods=["POST"])
@login_required
@requires(Action.REVIEW_ACCESS, code=403, record=True)
def reject(reference: str):
    req = _find_request(reference)
    return run_action(
        url_for("access.detail", reference=req.reference),
        access.reject_request,
        req,
        request.form.get("reason", ""),
        current_user._get_current_object(),
        success=f"Demande {req.reference} refusée.",
    )


@bp.route("/support/demandes/<reference>/formulaire.pdf")
@login_required
@requires(Action.REVIEW_ACCESS, code=403, record=True)
def attachment(reference: str):
    req = _find_request(reference)
    file_id = req._data.get("attachment")
    file_id = getattr(file_id, "id", getattr(file_id, "pk", file_id))
    stored = StoredFile.objects(pk=file_id).first() if file_id else None
    if stored is None:
        abort(404)
    return download(stored.data, "application/pdf", f"{req.reference}-formulaire.pdf")


# --- Accounts (support staff) ------------------------------------------------------------


def _visible_accounts() -> Any:
    return User.objects(__raw__=permissions.account_filter(current_user))


def _find_account(username: str) -> User:
    if not USERNAME_RE.match(username):
        abort(404)
    account = User.objects(username=username).first()
    if account is None:
        abort(404)
    if not permissions.may_manage_account(current_user, account):
        refuse("account_view", f"user:{username}")
    return account


@bp.route("/support/utilisateurs")
@login_required
@requires(Action.MANAGE_USERS, code=403, record=True)
def accounts():
    text = request.args.get("q", "").strip()[:64]
    items: list[User] = []
    if text:
        pattern = text  # mongoengine escapes icontains values
        items = list(
            _visible_accounts()
            .filter(
                Q(username__icontains=pattern)
                | Q(last_name__icontains=pattern)
                | Q(first_name__icontains=pattern)
                | Q(email__icontains=pattern)
            )
            .only("username", "first_name", "last_name", "email", "active")
            .order_by("username")
            .limit(50)
        )
    return render_template("access/accounts.html", items=items, q=text)


@bp.route("/support/utilisateurs/<username>")
@login_required
@requires(Action.MANAGE_USERS, code=403, record=True)
def account(username: str):
    user = _find_account(username)
    grants = [
        {"key": access.grant_key(g), "text": access.describe_grant(g), "at": g.granted_at}
        for g in user.grants
    ]
    requests = AccessRequest.objects(person__username=user.username).only(
        "reference", "kind", "profile", "status", "created_at"
    )
    return render_template(
        "access/account.html", account=user, grants=grants, requests=list(requests[:20])
    )


def _account_confirmation(user: User, title: str, removed: list[str], button: str, **extra: Any):
    """What revoking ``removed`` from ``user`` will do, with the way back to the account."""
    return _revocation(
        title,
        f"Compte {user.username} – {user.full_name}",
        user,
        removed,
        "Pour rétablir un accès, une nouvelle demande d'accès signée sera nécessaire.",
        button,
        ("Comptes", url_for("access.accounts")),
        (user.username, url_for("access.account", username=user.username)),
        **extra,
    )


@bp.route("/support/utilisateurs/<username>/revoquer", methods=["GET", "POST"])
@login_required
@requires(Action.MANAGE_USERS, code=403, record=True)
def revoke(username: str):
    """GET ``?grant=``: what revoking that profile does; POST confirmed: revoke it."""
    user = _find_account(username)
    key = (request.form if request.method == "POST" else request.args).get("grant", "")
    grant = next((g for g in user.grants if access.grant_key(g) == key), None)
    if grant is None:
        flash("Ce profil n'est plus attribué à ce compte.", "warning")
        return redirect(url_for("access.account", username=user.username))
    if request.method == "GET":
        return ask(
            _account_confirmation(
                user,
                "Révoquer ce profil ?",
                [access.describe_grant(grant)],
                "Révoquer maintenant",
                hidden={"grant": key},
            )
        )
    if not confirmed():
        return to_confirmation(grant=key)
    return run_action(
        url_for("access.account", username=user.username),
        access.revoke_user,
        user,
        current_user._get_current_object(),
        grant,
        success=f"Profil révoqué avec effet immédiat : {access.describe_grant(grant)}.",
    )


@bp.route("/support/utilisateurs/<username>/desactiver", methods=["GET", "POST"])
@login_required
@requires(Action.MANAGE_USERS, code=403, record=True)
def deactivate(username: str):
    """GET: what deactivating the account removes; POST confirmed: deactivate it."""
    user = _find_account(username)
    if request.method == "GET":
        if not user.active:
            flash(f"Le compte {user.username} est déjà désactivé.", "info")
            return redirect(url_for("access.account", username=user.username))
        removed = [access.describe_grant(g) for g in user.grants] or ["aucun profil"]
        return ask(
            _account_confirmation(
                user, "Désactiver ce compte ?", removed, "Désactiver le compte maintenant"
            )
        )
    if not confirmed():
        return to_confirmation()
    return run_action(
        url_for("access.account", username=user.username),
        access.revoke_user,
        user,
        current_user._get_current_object(),
        success=f"Le compte {user.username} est désactivé ; ses sessions ouvertes sont fermées.",
    )
