"""The rewards part of the demo programme (cases/demo.py calls it): sample exchange rates
(``programmes/reference/rates-sample.csv``) and, on the demo case of the helicopter pilot, the
Mi-8 recorded and $500,000 proposed by the finance officer, waiting for a second finance
officer to approve and the supervisor to authorise. Never loaded in production."""

from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings

from accounts.models import User
from cases.models import Case
from rewards import approvals, equipment, rates
from rewards.models import EquipmentItem, Rate
from vault import possession
from vault import staff as staff_keys

SAMPLE = Path(settings.CORRIDOR_PROGRAMME_DIR) / "rates-sample.csv"
MI8 = {
    "category": "combat_helicopter",
    "handed_over_on": date(2023, 8, 9),
    "model": "Mi-8AMTSh",
    "identifiers": "бортовой номер 00 (демо)",
    "notes": "Демо: запасные части к истребителям на борту.",
    "voluntary": True,
    "serviceable": True,
    "armament": False,
    "documents": True,
}


def load(logins: dict) -> None:
    finance = User.objects.filter(username="finance").first()
    if finance is None or "finance" not in logins:
        return
    private = staff_keys.unlock(finance, logins["finance"])
    possession.bind(finance, private)
    if not Rate.objects.exists() and SAMPLE.is_file():
        # Imported by the second officer: the payer (finance) never pays at a rate he imported.
        importer = User.objects.filter(username="finance2").first() or finance
        rates.import_csv(SAMPLE.read_text(encoding="utf-8"), actor=importer)
    if EquipmentItem.objects.exists():
        return
    # The demo's pilot: the case whose questionnaire names a combat helicopter.
    case = Case.objects.filter(status=Case.Status.PLANNING, restricted=False).first()
    if case is None:
        return
    item = equipment.record_item(case, MI8, actor=finance)
    approvals.propose(item, Decimal(500_000), "", actor=finance, actor_private=private)
