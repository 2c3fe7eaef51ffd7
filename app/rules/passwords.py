"""The password rule of the circular: at least N characters (10 by default, a setting), a
lowercase letter, an uppercase letter and a digit, and neither the first nor the last name
(nor the username)."""

import unicodedata

MAX_LENGTH = 200  # the login form accepts no more


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


def password_problems(
    password: str,
    *,
    first_name: str = "",
    last_name: str = "",
    min_length: int = 10,
    username: str = "",
) -> list[str]:
    """French messages, one per broken rule; an empty list means the password is fine."""
    problems: list[str] = []
    password = password if isinstance(password, str) else ""
    # The circular's floor is 6 characters: a setting may raise it, never lower it.
    min_length = max(6, int(min_length))
    if len(password) < min_length:
        problems.append(f"Le mot de passe doit compter au moins {min_length} caractères.")
    if not any(c.islower() for c in password):
        problems.append("Le mot de passe doit contenir au moins une lettre minuscule.")
    if not any(c.isupper() for c in password):
        problems.append("Le mot de passe doit contenir au moins une lettre majuscule.")
    if not any(c.isdigit() for c in password):
        problems.append("Le mot de passe doit contenir au moins un chiffre.")
    if len(password) > MAX_LENGTH:
        problems.append(f"Le mot de passe ne peut pas dépasser {MAX_LENGTH} caractères.")
    folded = _fold(password)
    for name, label in ((first_name, "votre prénom"), (last_name, "votre nom")):
        for part in _fold(name).replace("-", " ").split():
            if len(part) >= 3 and part in folded:
                problems.append(f"Le mot de passe ne peut pas contenir {label}.")
                break
    if username and len(username) >= 3 and username.casefold() in password.casefold():
        problems.append("Le mot de passe ne peut pas contenir votre nom d'utilisateur.")
    return problems
