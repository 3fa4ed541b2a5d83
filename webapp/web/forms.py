"""The setup's forms (WTForms): what each accepts, and what it says when it does not.

CSRF is checked for every form by Flask-WTF's CSRFProtect, so these are plain WTForms forms.
Messages are English source strings, translated when a form is shown.
"""

from __future__ import annotations

from wtforms import Form, HiddenField, RadioField, StringField
from wtforms.validators import AnyOf, ValidationError

from ..portal.problems import N_
from ..portal.tripletex_token import MAX_LENGTH, TokenInput, TokenInputError, read_token
from .i18n import gettext

# What the page says of a pasted token; the same words are given to token-field.js, which
# says them in the page as the user pastes, before anything is sent.
TOKEN_MESSAGES = {
    "empty": N_("Paste the token you created in Tripletex."),
    "non_printable": N_(
        "The text contains invisible characters. Copy the token again from Tripletex."
    ),
    "too_long": N_("This is much longer than a Tripletex token. Copy just the token."),
    "unusual": N_("This does not look like a Tripletex token, but you can still try it."),
    "ok": N_("Looks like a token. Click Connect Tripletex to check it with Tripletex."),
}


class TokenForm(Form):
    """The Tripletex employee token, trimmed of spaces and quotes; `read` holds what was read."""

    token = StringField()
    read: TokenInput | None = None

    def validate_token(self, field) -> None:
        try:
            self.read = read_token(field.data)
        except TokenInputError as exc:
            raise ValidationError(TOKEN_MESSAGES[exc.reason]) from None

    @property
    def warning(self) -> str | None:
        """A doubt about the token worth showing if Tripletex then refuses it."""
        if self.read is None or self.read.warning is None:
            return None
        return gettext(TOKEN_MESSAGES[self.read.warning])

    @staticmethod
    def messages() -> dict[str, str]:
        """Every message, in the user's language, for the live check in the page."""
        return {key: gettext(text) for key, text in TOKEN_MESSAGES.items()}

    max_length = MAX_LENGTH


class CompanyForm(Form):
    """The client company an accountant's token should act for."""

    NOT_LISTED = N_("Choose one of the companies listed.")
    # A company id is a number; anything else is answered in the words of a choice not made.
    company_id = StringField()
    chosen: int | None = None

    def validate_company_id(self, field) -> None:
        try:
            self.chosen = int(field.data or "")
        except ValueError:
            raise ValidationError(self.NOT_LISTED) from None

    def not_listed(self) -> None:
        """Tripletex does not let this token act for the company chosen."""
        self.company_id.errors = [self.NOT_LISTED]


class PlanForm(Form):
    """One of the configured plans."""

    NOT_A_PLAN = N_("Choose one of the plans.")
    plan = RadioField(validate_choice=False)

    def __init__(self, formdata=None, *, plans: list[dict], **kwargs):
        super().__init__(formdata, **kwargs)
        self.plan_ids = [p["id"] for p in plans]

    def validate_plan(self, field) -> None:
        if field.data not in self.plan_ids:
            raise ValidationError(self.NOT_A_PLAN)


class ConfirmForm(Form):
    """The "Yes" of a confirmation page; a form without it has not been confirmed."""

    confirm = HiddenField(validators=[AnyOf(["yes"])])
