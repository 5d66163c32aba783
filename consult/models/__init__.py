from consult.models.arguments import (
    Argument,
    ArgumentReport,
    ArgumentSource,
    Endorsement,
    Position,
    Side,
    Stance,
)
from consult.models.consultations import Consultation, ConsultationSource, TimelineEvent
from consult.models.moderation import ModerationDecision
from consult.models.organisations import Membership, Organisation
from consult.models.signatures import Signature, SignatureCounter
from consult.models.statements import Statement, StatementCorrection

__all__ = [
    "Argument",
    "ArgumentReport",
    "ArgumentSource",
    "Consultation",
    "ConsultationSource",
    "Endorsement",
    "Membership",
    "ModerationDecision",
    "Organisation",
    "Position",
    "Side",
    "Signature",
    "SignatureCounter",
    "Stance",
    "Statement",
    "StatementCorrection",
    "TimelineEvent",
]
