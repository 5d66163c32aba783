"""Who in the back office may see signers' personal data (addresses, postcodes, IP hashes)."""

from django.http import HttpRequest

PERSONAL_DATA_PERMISSION = "consult.view_signer_personal_data"


def may_see_personal_data(request: HttpRequest) -> bool:
    return request.user.has_perm(PERSONAL_DATA_PERMISSION)
