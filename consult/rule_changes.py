"""The moderator's decision that changes the signing rules, recorded from what to what."""

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from consult import signing_rules
from consult.models import ModerationDecision, SigningRules
from consult.moderation import required_reason

if TYPE_CHECKING:
    from accounts.models import User

CHANGE_RULES = "change signing rules"


def change_rules(moderator: "User", values: dict[str, str], reason: str) -> bool:
    """Set the rules' fields in `values` (blank: back to the setting), and record from what to what.

    The values are checked as the admin's form checks them (`SigningRules.clean`); the change and
    its record in the moderation log are one transaction. Returns whether anything changed.
    """
    reason = required_reason(reason, _("Give a reason for changing the signing rules."))
    with transaction.atomic():
        SigningRules.objects.get_or_create(pk=1)
        rules = SigningRules.objects.select_for_update().get(pk=1)
        before = {name: getattr(rules, name) for name in SigningRules.SETTINGS}
        for name in SigningRules.SETTINGS.keys() & values.keys():
            setattr(rules, name, values[name])
        rules.full_clean()
        changes = {
            name: [before[name], getattr(rules, name)]
            for name in SigningRules.SETTINGS
            if before[name] != getattr(rules, name)
        }
        if not changes:
            return False
        rules.save()
        ModerationDecision.record(moderator, rules, CHANGE_RULES, reason, changes=changes)
        transaction.on_commit(signing_rules.forget)
    signing_rules.forget()
    return True
