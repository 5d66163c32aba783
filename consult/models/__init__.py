from consult.models.arguments import (
    Argument,
    ArgumentReport,
    ArgumentSource,
    Endorsement,
    Position,
    Side,
    Stance,
)
from consult.models.cleanups import FraudCleanup
from consult.models.consultations import Consultation, ConsultationSource, TimelineEvent
from consult.models.feedback import Feedback
from consult.models.history import SignatureArea, SignatureHour
from consult.models.moderation import ModerationDecision
from consult.models.organisations import Membership, Organisation
from consult.models.outbox import OutboundEmail
from consult.models.responses import MilestoneMeaning, StatementResponse
from consult.models.rules import SigningRules
from consult.models.signatures import Signature, SignatureCounter
from consult.models.signing import ConsentEvent, SignAttempt, SignatureToken
from consult.models.statements import Statement, StatementCorrection, StatementSlug
from consult.models.updates import Update

__all__ = [
    "Argument",
    "ArgumentReport",
    "ArgumentSource",
    "ConsentEvent",
    "Consultation",
    "ConsultationSource",
    "Endorsement",
    "Feedback",
    "FraudCleanup",
    "Membership",
    "MilestoneMeaning",
    "ModerationDecision",
    "Organisation",
    "OutboundEmail",
    "Position",
    "Side",
    "Signature",
    "SignatureArea",
    "SignatureCounter",
    "SignatureHour",
    "SignAttempt",
    "SignatureToken",
    "SigningRules",
    "Stance",
    "Statement",
    "StatementCorrection",
    "StatementResponse",
    "StatementSlug",
    "TimelineEvent",
    "Update",
]
