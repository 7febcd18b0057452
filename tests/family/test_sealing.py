"""A stolen database shows nothing of a relative: every column of every table is scanned for
the relative's name, place, phone, needs and failure note (the leak scan of tests/vault, within
the test database), while a control written in clear is found by the same scan."""

from django.db import connection

from family import relatives
from tests.family.conftest import relative_values, walk_to

CANARY = {
    "name": "Zyxwerqa Родственникова",
    "location": "Канареечный переулок 77",
    "contact": "+7 999 777-66-55",
    "needs": "canary-needs-T4P9",
}
NOTE = "canary-failure-note-X2Q8"
CONTROL = "PLAINTEXT-CONTROL-4H6M"


def _dump() -> str:
    """Every value of every table, as text (bytes decoded leniently, so a plaintext inside a
    binary column would show)."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (table names from the schema)
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        parts.append(bytes(value).decode("utf-8", "replace"))
                    else:
                        parts.append(str(value))
    return "\n".join(parts)


def test_a_relative_is_nowhere_in_the_database_in_clear(programme, case, officer):
    from accounts.models import Team

    Team.objects.create(name=CONTROL, kind=Team.Kind.INTAKE)
    relative = relatives.add(case, relative_values(**CANARY), actor=officer)
    relative = walk_to(relative, "planned", officer)
    relative = relatives.edit(relative, relative_values(**CANARY), actor=officer)
    relatives.step(relative, "fail", actor=officer, reason="other", note=NOTE)
    dump = _dump()
    assert CONTROL in dump  # the scan looks where data is
    for value in [*CANARY.values(), NOTE, "+79997776655", "Родственникова"]:
        assert value not in dump, value
    assert relative.record.compartment == "family"
