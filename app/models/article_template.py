"""Article templates: the model text of each kind of convention (data, not code)."""

from mongoengine import BooleanField, Document, IntField, ValidationError

from app.models.fields import TextField
from app.rules.articles import MAX_BODY
from app.rules.states import KIND_LABELS, Kind, Nature

NATURE_LABELS = Nature.labels()
COVERS_LABELS = {
    "": "Toujours",
    "partnership": "Si le ressort couvre un partenariat",
    "cooperation": "Si le ressort couvre une coopération",
}
FORM_LABELS = {
    "": "Texte libre",
    "points_split": "Répartition des points (siège / partenaires)",
    "retrocession": "Tableau de rétrocession de points",
}


class ArticleTemplate(Document):
    kind = TextField(required=True, choices=Kind.choices())
    key = TextField(required=True, max_length=20)  # "identification", "preambule", "1"…
    number = IntField()
    position = IntField(required=True)
    title = TextField(required=True, max_length=300)
    nature = TextField(required=True, choices=Nature.choices())
    text = TextField(
        default="", max_length=MAX_BODY
    )  # the fixed text (F) or a hint for the pole (C, O)
    # Ressort: article required only when the ressort covers this side.
    covers = TextField(default="", choices=list(COVERS_LABELS.items()))
    form = TextField(default="", choices=list(FORM_LABELS.items()))
    active = BooleanField(default=True)

    meta = {
        "collection": "article_templates",
        "indexes": [{"fields": ["kind", "key"], "unique": True}, ("kind", "position"), "nature"],
    }

    def clean(self) -> None:
        self.title = (self.title or "").strip()
        if not self.title:
            raise ValidationError("Le titre de l'article est obligatoire.")
        if self.nature == Nature.FIXED and not (self.text or "").strip():
            raise ValidationError("Un article à texte fixe doit avoir son texte.")
        clash = ArticleTemplate.objects(kind=self.kind, key=self.key, id__ne=self.pk).first()
        if clash:
            raise ValidationError(
                f"L'article « {self.key} » existe déjà pour ce type de convention."
            )

    @property
    def heading(self) -> str:
        return f"Article {self.number} – {self.title}" if self.number else self.title

    def __str__(self) -> str:
        return f"{KIND_LABELS.get(self.kind, self.kind)} – {self.heading}"
