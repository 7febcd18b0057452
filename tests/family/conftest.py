import pytest

from cases.models import Case
from tests.vault.conftest import make_case, unlocked

NAME = "Ольга Лапина-Канарейкина"


def relative_values(**changes) -> dict:
    values = {
        "relation": "spouse",
        "name": NAME,
        "location": "Ростов-на-Дону, ул. Садовая 5",
        "contact": "+7 999 111-22-33",
        "needs": "двое детей, инсулин",
    }
    values.update(changes)
    return values


@pytest.fixture
def officer(programme):
    return unlocked(programme.users["case_officer"])


@pytest.fixture
def case(programme):
    """A case of the intake team in planning: the state a family is moved in."""
    return make_case(programme.teams["intake"], status=Case.Status.PLANNING, language="ru")


def walk_to(relative, target: str, actor):
    """Move a relative through the steps up to ``target`` (identified ... safe)."""
    from family import relatives

    order = ["contact", "plan", "depart", "arrive"]
    targets = ["contacted", "planned", "in_transit", "safe"]
    for name, reached in zip(order, targets, strict=True):
        if relative.status == target:
            break
        relative = relatives.step(relative, name, actor=actor)
        if reached == target:
            break
    return relative
