#!/usr/bin/env python3
"""Cases at scale, printed as JSON: console queues, blind-index search and the case page at
10k, 100k and 1M cases.

    .venv/bin/python bench/cases.py                          (SQLite in a temporary file)
    .venv/bin/python bench/cases.py --sizes 10000,100000
    DATABASE_URL=postgres://... .venv/bin/python bench/cases.py

On PostgreSQL it creates its own database ``corridor_bench_cases`` on the server that
DATABASE_URL names (the role needs CREATEDB) and drops it at the end; on SQLite it always uses
a throwaway file, never the development database. Keys live in a throwaway directory.

The cases grow in steps (10k, measure, +90k, measure, +900k, measure). 200 of them are real:
made by ``intake.service.submit`` with made-up people, sealed through the vault, indexed and
checked for duplicates; they are the ones searched and opened. The rest are bulk inserts of
the same shape: cases spread over teams, statuses, dates, channels, flags and assignees, a few
restricted (with grants) and a few linked as possible duplicates; blind-index rows with random
values of each index's bit width; one identity record per case, really encrypted with a shared
bulk data key sealed to escrow and each team (so a false search candidate costs what a real
one does: a key look-up, two unseals and a decryption that does not match).

Measured for a supervisor who is a member of Intake and Planning (a third team, Intake West,
holds cases he does not see): each console queue as its page runs it (count, then the first 50
by -created_at with select_related), the case list, the queue counts of the navigation, the
same pages over HTTP through Django's test client, search by phone, name and service number
(people who exist and values that do not), and the case page of real cases with an unlocked
session. Each measure repeats up to a count or a time budget (at least 3 runs after one
untimed); p50/p95/p99/max in ms. The plans of the slowest queue, the case list and the counts
are kept (EXPLAIN ANALYZE on PostgreSQL, EXPLAIN QUERY PLAN on SQLite).
"""

import argparse
import functools
import inspect
import json
import math
import os
import random
import shutil
import signal
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = Path(tempfile.mkdtemp(prefix="corridor-bench-cases-"))
BENCH_DB = "corridor_bench_cases"  # its own name: other benches may use corridor_bench
_given = os.environ.get("DATABASE_URL", "")
POSTGRES = _given.startswith(("postgres://", "postgresql://"))
if POSTGRES:
    ADMIN_URL = _given
    os.environ["DATABASE_URL"] = urlunsplit(urlsplit(_given)._replace(path="/" + BENCH_DB))
else:  # whatever DATABASE_URL says, SQLite runs only on a throwaway file
    os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/bench.sqlite3"
os.environ["CORRIDOR_KEY_DIR"] = str(TMP / "keys")
os.environ["CORRIDOR_MEDIA_ROOT"] = str(TMP / "media")
os.environ["CORRIDOR_LOG_LEVEL"] = "WARNING"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "corridor.settings")
os.environ["DEBUG"] = "false"  # as in production: no query logging

import django  # noqa: E402

PASSWORD = "bench-only correct horse battery"
REAL_CASES = 200
BATCH = 5000
SURNAMES = (
    "Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов "
    "Волков Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев "
    "Макаров Никитин Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв "
    "Сергеев Кузьмин Фролов Александров Дмитриев Королёв Гусев Киселёв Ильин Максимов Поляков "
    "Сорокин Виноградов Ковалёв Белов Медведев Антонов Тарасов Жуков Баранов Филиппов Комаров "
    "Давыдов Беляев Герасимов Богданов Осипов Сидоров Матвеев Титов Марков Миронов Крылов "
    "Куликов Карпов Власов Мельников Денисов Гаврилов Тихонов Казаков Афанасьев Данилов "
    "Савельев Тимофеев Фомин Чернов Абрамов Мартынов Ефимов Федотов Щербаков Назаров Калинин "
    "Исаев Чернышёв Быков Маслов Родионов Коновалов Лазарев Воронин Климов Филатов Пономарёв"
).split()
FIRST_NAMES = (
    "Александр Алексей Андрей Антон Артём Борис Вадим Валерий Василий Виктор Виталий Владимир "
    "Владислав Вячеслав Геннадий Георгий Григорий Даниил Денис Дмитрий Евгений Егор Иван Игорь "
    "Илья Кирилл Константин Леонид Максим Михаил Никита Николай Олег Павел Пётр Роман Руслан "
    "Сергей Станислав Степан Тимур Фёдор Юрий Ярослав"
).split()
PATRONYMICS = (
    "Александрович Алексеевич Андреевич Борисович Васильевич Викторович Владимирович "
    "Геннадьевич Дмитриевич Евгеньевич Иванович Игоревич Михайлович Николаевич Олегович "
    "Павлович Петрович Сергеевич Юрьевич Анатольевич"
).split()
RANKS = ("рядовой", "ефрейтор", "младший сержант", "сержант", "старший сержант", "лейтенант")
AREAS = ("Бахмут", "Запорожская область", "Херсонская область", "Донецк", "Белгород", "Курск")
SITUATIONS = ("not_deployed", "training", "front", "in_ukraine")
# Status weights (percent of all cases) for a programme running three years: most cases ended.
STATUSES = {
    "new": 4, "screening": 4, "intent_registered": 4, "verified": 3, "planning": 3,
    "scheduled": 1, "in_progress": 1, "received": 1, "registered": 9, "closed": 30,
    "dormant": 12, "withdrawn": 8, "rejected": 15, "compromised": 0.5, "failed": 4.5,
}  # fmt: skip
CHANNELS = {"portal": 45, "telegram": 30, "hotline": 20, "field": 5}
LATER_STAGES = {"planning", "scheduled", "in_progress", "received", "registered"}
SPAN_DAYS = 3 * 365  # cases spread over the last three years
# Blind-index coverage per case (not every applicant gives every answer).
INDEX_SHARE = {"full_name": 0.9, "name_dob": 0.75, "phone": 0.65, "service_number": 0.3}


def log(message: str) -> None:
    print(f"[bench/cases {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- the throwaway PostgreSQL database ----------------------------------------------------------


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql)


def create_postgres_database() -> None:
    _admin(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    _admin(f"CREATE DATABASE {BENCH_DB}")


def drop_postgres_database() -> None:
    from django.db import connections

    connections.close_all()
    _admin(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


# --- timing -------------------------------------------------------------------------------------


def timed(fn, n: int, budget_s: float, minimum: int = 3) -> dict:
    """Run ``fn`` once untimed, then up to ``n`` times or until the budget is spent (at least
    ``minimum`` times)."""
    fn()
    samples = []
    deadline = time.perf_counter() + budget_s
    while len(samples) < n and (len(samples) < minimum or time.perf_counter() < deadline):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()

    def rank(q: float) -> float:
        return round(samples[min(len(samples) - 1, math.ceil(q * len(samples)) - 1)], 2)

    return {
        "n": len(samples),
        "mean_ms": round(statistics.fmean(samples), 2),
        "p50_ms": rank(0.5),
        "p95_ms": rank(0.95),
        "p99_ms": rank(0.99),
        "max_ms": round(samples[-1], 2),
    }


# --- the world: teams, staff, keys --------------------------------------------------------------


class World:
    """Teams, staff and keys; the bench user; counters for bulk case numbers."""

    def __init__(self, rng: random.Random):
        from django.conf import settings

        from accounts.models import Team
        from vault import crypto
        from vault import teams as team_keys
        from vault.keys import keyring
        from vault.models import TeamKey

        self.rng = rng
        # Low Argon2id cost for wrapping the bench staff's keys: the unlock cost is
        # bench/vault.py's business, not this one's.
        settings.CORRIDOR_ARGON2_OPSLIMIT, settings.CORRIDOR_ARGON2_MEMLIMIT = 1, 8192
        kinds = {
            "Intake": Team.Kind.INTAKE,
            "Intake West": Team.Kind.INTAKE,
            "Planning": Team.Kind.PLANNING,
            "Finance": Team.Kind.FINANCE,
            "Field unit 1": Team.Kind.FIELD_UNIT,
        }
        self.teams = {
            name: Team.objects.create(name=name, kind=kind) for name, kind in kinds.items()
        }
        self.supervisor = self._staff("supervisor", "supervisor", ["Intake", "Planning"])
        self.members = {"Intake": [], "Intake West": [], "Planning": []}
        plan = [("operator", "Intake", 8), ("officer", "Intake", 4), ("operator", "Intake West", 8)]
        plan += [("officer", "Intake West", 4), ("officer", "Planning", 8)]
        for role, team, count in plan:
            for i in range(count):
                slug = team.lower().replace(" ", "-")
                role_name = "operator" if role == "operator" else "case_officer"
                user = self._staff(f"{role}-{slug}-{i}", role_name, [team])
                self.members[team].append(user.pk)
        self.members["Intake"].append(self.supervisor.pk)
        self.members["Planning"].append(self.supervisor.pk)
        self.staff_ids = sorted({pk for ids in self.members.values() for pk in ids})
        for team in self.teams.values():
            team_keys.create_first_key(team, holders=list(team.members.all()))
        # One shared data key for the bulk records, sealed to escrow and each identity team.
        self.bulk_dek = crypto.random_key()
        self.bulk_keys = [("escrow", None, crypto.seal(keyring().escrow_public, self.bulk_dek))]
        for key in TeamKey.objects.filter(team__kind__in=[Team.Kind.INTAKE, Team.Kind.PLANNING]):
            self.bulk_keys.append(
                ("team", key.pk, crypto.seal(bytes(key.public_key), self.bulk_dek))
            )
        self.private = None
        # The bench user acts with the keys he holds, as in a request of his own session
        # (vault/possession.py); measure_queues also times opening them afresh.
        from vault import possession

        possession.bind(self.supervisor, lambda: self.unlock())

    def _staff(self, username: str, role: str, teams: list[str]):
        from accounts import actions, second_factor

        user, temporary = actions.create_staff_user(
            actor=None, username=username, roles=[role], teams=[self.teams[t] for t in teams]
        )
        actions.change_password(user=user, current_password=temporary, new_password=PASSWORD)
        second_factor.new_totp_device(user, confirmed=True)
        return user

    def unlock(self) -> bytes:
        from vault import staff as staff_keys

        if self.private is None:
            self.private = staff_keys.unlock(self.supervisor, PASSWORD)
        return self.private

    def client(self):
        """A test client logged in as the supervisor with password and TOTP, as a browser is."""
        import base64

        from django.test import Client
        from django_otp.oath import totp

        from accounts import second_factor
        from accounts.models import TOTPDevice

        device = TOTPDevice.objects.get(user=self.supervisor, confirmed=True)
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)  # a code may be used again
        secret = second_factor.totp_secret(device)
        seed = base64.b32decode(secret + "=" * (-len(secret) % 8))
        code = totp(seed, step=device.step, t0=device.t0, digits=device.digits)
        client = Client()
        response = client.post(
            "/login/",
            {"username": "supervisor", "password": PASSWORD, "code": f"{code:0{device.digits}d}"},
        )
        if response.status_code != 302:
            raise SystemExit(f"bench login failed: {response.status_code}")
        client.cookies["corridor_language"] = "en"
        return client


# --- made-up people -----------------------------------------------------------------------------


def person(rng: random.Random) -> dict:
    answers = {
        "who": "serviceman",
        "name": f"{rng.choice(SURNAMES)} {rng.choice(FIRST_NAMES)} {rng.choice(PATRONYMICS)}",
        "born": date(
            1970 + rng.randrange(35), 1 + rng.randrange(12), 1 + rng.randrange(28)
        ).isoformat(),
        "rank": rng.choice(RANKS),
        "unit": f"в/ч {rng.randrange(10000, 99999)}",
        "situation": rng.choice(SITUATIONS),
        "area": rng.choice(AREAS),
        "outcome": "third_country",
        "notes": "Хочу жить. " * rng.randrange(1, 12),
    }
    if rng.random() < 0.85:
        answers["phone"] = f"+79{rng.randrange(10**9):09d}"  # as the portal stores it (E.164)
    if rng.random() < 0.6:
        letters = "".join(rng.choice("АБВГДЕЖИКЛМНОПРСТ") for _ in range(2))
        answers["service_number"] = f"{letters}-{rng.randrange(10**6):06d}"
    return answers


def weighted(rng: random.Random, table: dict) -> str:
    return rng.choices(list(table), weights=list(table.values()))[0]


def case_shape(rng: random.Random, world: World, now: datetime) -> dict:
    """Workflow metadata of one case, as a three-year-old programme would hold it."""
    status = weighted(rng, STATUSES)
    channel = weighted(rng, CHANNELS)
    if status in ("new", "screening") and rng.random() < 0.75:
        age = timedelta(seconds=rng.randrange(14 * 86400))  # most open cases are recent
    else:
        age = timedelta(seconds=rng.randrange(SPAN_DAYS * 86400))
    created = now - age
    if status in LATER_STAGES:
        team = "Planning"
    else:
        team = "Intake" if rng.random() < 0.6 else "Intake West"
    assignee = None
    if status != "new" and rng.random() < 0.8:
        assignee = rng.choice(world.members[team])
    updated = created + (now - created) * rng.random()
    shape = {
        "status": status,
        "channel": channel,
        "language": rng.choices(("ru", "uk", "en"), weights=(80, 15, 5))[0],
        "team_id": world.teams[team].pk,
        "assignee_id": assignee,
        "unverified": channel == "portal" and status == "new" and rng.random() < 0.3,
        "watchlist_match": rng.random() < 0.003,
        "duress": rng.random() < 0.001,
        "restricted": rng.random() < 0.003,
        "created_at": created,
        "updated_at": updated,
        # The applicant's last contact, where the model has it (silence is measured from it).
        "last_contact_at": created + (updated - created) * rng.random(),
    }
    return {k: v for k, v in shape.items() if k in case_fields()}


@functools.cache
def case_fields() -> frozenset:
    from cases.models import Case

    return frozenset(f.attname for f in Case._meta.concrete_fields)


# --- building -----------------------------------------------------------------------------------


def build_real(world: World, rng: random.Random, count: int, now: datetime) -> list[dict]:
    """Cases through the real intake service; then spread in time and workflow like the rest
    (restricted ones excepted: restriction re-seals, and these are the ones searched)."""
    from cases.models import Case
    from intake import service
    from intake.questionnaire import current

    questionnaire = current()
    made, people = [], []
    while len(made) < count:
        answers = person(rng) if not people or rng.random() > 0.1 else rng.choice(people)
        people.append(answers)
        channel = rng.choice(("portal", "telegram", "hotline"))
        submission = service.submit(
            questionnaire,
            answers,
            channel=channel,
            language="ru",
            with_codename=channel != "hotline",
        )
        shape = case_shape(rng, world, now)
        shape.update(restricted=False, channel=channel)
        if shape["team_id"] == world.teams["Planning"].pk and rng.random() < 0.5:
            shape["team_id"] = world.teams["Intake"].pk
        Case.objects.filter(pk=submission.case.pk).update(**shape)
        visible = shape["team_id"] != world.teams["Intake West"].pk
        made.append({"number": submission.case.number, "answers": answers, "visible": visible})
    return made


class Bulk:
    """Bulk cases of realistic shape, numbered on from the yearly counters."""

    def __init__(self, world: World, rng: random.Random, now: datetime):
        import json as _json

        from vault import crypto, records

        self.world, self.rng, self.now = world, rng, now
        self.encrypt, self.associated_data = crypto.aead_encrypt, records.associated_data
        # A pool of realistic answer sets (sizes as real ones); each record encrypts one.
        self.payloads = [
            _json.dumps(person(rng), ensure_ascii=False, separators=(",", ":")).encode()
            for _ in range(500)
        ]

    def add(self, count: int) -> None:
        from django.db import transaction

        from cases.models import Case, CaseCounter

        field = Case._meta.get_field("created_at")
        field.auto_now_add = False  # keep the spread dates (bulk_create would stamp "now")
        try:
            counters = dict(CaseCounter.objects.values_list("year", "last"))
            done = 0
            while done < count:
                n = min(BATCH, count - done)
                with transaction.atomic():
                    self._chunk(n, counters)
                    for year, last in counters.items():
                        CaseCounter.objects.update_or_create(year=year, defaults={"last": last})
                done += n
                if done % 100_000 < BATCH:
                    log(f"  +{done} of {count}")
        finally:
            field.auto_now_add = True

    def _chunk(self, n: int, counters: dict) -> None:
        from django.db import connection

        from cases.models import Case, CaseGrant, CaseLink
        from vault.blind import INDEXES
        from vault.models import BlindIndex, Record, RecordKey
        from vault.policy import IDENTITY
        from vault.records import year_start

        rng, world = self.rng, self.world
        # The child rows (about eight per case) go in as plain tuples: a model instance each
        # would triple the build time. Values are prepared as Django would store them.
        as_uuid = (lambda u: u) if connection.features.has_native_uuid_field else (lambda u: u.hex)
        as_time = connection.ops.adapt_datetimefield_value
        cases, indexes, records_, keys, grants, links = [], [], [], [], [], []
        for _ in range(n):
            shape = case_shape(rng, world, self.now)
            year = shape["created_at"].year
            counters[year] = counters.get(year, 0) + 1
            if shape["restricted"]:  # only the year in clear
                for field in ("created_at", "updated_at", "last_contact_at"):
                    if field in shape:
                        shape[field] = year_start(shape["created_at"])
            case = Case(id=uuid.uuid4(), number=f"{year % 100:02d}-{counters[year]:05d}", **shape)
            cases.append(case)
            case_id = as_uuid(case.id)
            for name, share in INDEX_SHARE.items():
                if rng.random() < share:
                    indexes.append((case_id, name, rng.getrandbits(INDEXES[name].bits)))
            record_id = uuid.uuid4()
            ciphertext = self.encrypt(
                world.bulk_dek, rng.choice(self.payloads), self.associated_data(record_id)
            )
            records_.append(
                (
                    as_uuid(record_id),
                    case_id,
                    IDENTITY,
                    "answers",
                    ciphertext,
                    as_time(shape["created_at"]),
                )
            )
            keys += [
                (as_uuid(record_id), kind, team_key and as_uuid(team_key), sealed)
                for kind, team_key, sealed in world.bulk_keys
            ]
            if shape["restricted"]:  # one or two named people (the supervisor among the staff)
                named = rng.sample(world.staff_ids, rng.choice((1, 2)))
                grants += [
                    CaseGrant(case_id=case.id, user_id=u, created_at=shape["created_at"])
                    for u in named
                ]
            if len(cases) > 1 and rng.random() < 0.02:  # possible duplicates, both ways
                other = rng.choice(cases[:-1])
                kind = rng.choices(
                    ("possible_duplicate", "same_person", "not_same"), weights=(60, 25, 15)
                )[0]
                via = rng.choice(("full_name", "phone", "name_dob"))
                links += [
                    CaseLink(case_id=case.id, other_id=other.id, kind=kind, via=via),
                    CaseLink(case_id=other.id, other_id=case.id, kind=kind, via=via),
                ]
        Case.objects.bulk_create(cases, batch_size=BATCH)
        insert(BlindIndex, ("case_id", "name", "value"), indexes)
        insert(
            Record, ("id", "case_id", "compartment", "kind", "ciphertext", "created_at"), records_
        )
        insert(RecordKey, ("record_id", "kind", "team_key_id", "sealed_dek"), keys)
        CaseGrant.objects.bulk_create(grants, batch_size=BATCH, ignore_conflicts=True)
        CaseLink.objects.bulk_create(links, batch_size=BATCH, ignore_conflicts=True)


def insert(model, attnames: tuple, rows: list) -> None:
    """A multi-row insert of prepared tuples, ``BATCH`` rows a statement batch."""
    from django.db import connection

    quote = connection.ops.quote_name
    columns = [model._meta.get_field(a.removesuffix("_id")).column for a in attnames]
    # Names from the model's own metadata, values as parameters.
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, columns))}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        for i in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[i : i + BATCH])


def analyze() -> float:
    from django.db import connection

    start = time.perf_counter()
    with connection.cursor() as cursor:
        # PostgreSQL: VACUUM too, as autovacuum would have done on a table that grew slowly
        # (it sets the visibility map that index-only scans need).
        cursor.execute("VACUUM (ANALYZE)" if POSTGRES else "ANALYZE")
    return round(time.perf_counter() - start, 1)


def server_settings() -> dict:
    """What the plans depend on: the server version and its memory settings."""
    from django.db import connection

    with connection.cursor() as cursor:
        if POSTGRES:
            found = {}
            for name in ("server_version", "shared_buffers", "work_mem", "effective_cache_size"):
                cursor.execute(f"SHOW {name}")
                found[name] = cursor.fetchone()[0]
            return found
        cursor.execute("SELECT sqlite_version()")
        version = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size")
        return {"sqlite_version": version, "cache_size": cursor.fetchone()[0]}


def code_version() -> str:
    """The commit measured, and whether the tree had uncommitted changes then."""
    import subprocess

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip()

    changed = git("status", "--porcelain", "--untracked-files=no")
    return git("rev-parse", "--short", "HEAD") + (" with uncommitted changes" if changed else "")


def row_counts() -> dict:
    from cases.models import Case, CaseGrant, CaseLink
    from vault.models import BlindIndex, Record, RecordKey

    return {
        "cases": Case.objects.count(),
        "blind_indexes": BlindIndex.objects.count(),
        "records": Record.objects.count(),
        "record_keys": RecordKey.objects.count(),
        "case_links": CaseLink.objects.count(),
        "case_grants": CaseGrant.objects.count(),
    }


# --- measuring ----------------------------------------------------------------------------------


def read_page(cases, related: tuple) -> None:
    """The first page as the list views read it: ``cases.pages.page_of`` (one row more than it
    shows, no count; of a queryset or of parts) where it exists, else Django's Paginator (a
    count, then 50 rows)."""
    try:
        from cases.pages import page_of
    except ImportError:
        from django.core.paginator import Paginator

        ordered = cases.select_related(*related).order_by("-created_at")
        list(Paginator(ordered, 50).get_page(None).object_list)
        return
    if "related" in inspect.signature(page_of).parameters:
        list(page_of(cases, None, related=list(related)))
    else:
        list(page_of(cases.select_related(*related).order_by("-created_at"), None))


def count_of(cases) -> int:
    """A queue's count as the navigation takes it: capped where the code caps it."""
    from cases import queues

    capped = getattr(queues, "capped_count", None)
    return capped(cases) if capped else cases.count()


def queue_cases(user, name: str):
    """A queue as its page reads it: parts without OR where the code has them."""
    from cases import queues

    parts = getattr(queues, "queue_parts", None)
    return parts(user, name) if parts else queues.queue(user, name)


def list_cases(user):
    """The case list as its page reads it."""
    from cases import access

    parts = getattr(access, "visible_parts", None)
    return parts(user) if parts else access.visible_cases(user)


def explain(fn) -> list[dict]:
    """The plans of the statements ``fn`` runs."""
    from django.db import connection

    statements = []

    def capture(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        fn()
    plans = []
    with connection.cursor() as cursor:
        for sql, params in statements:
            if "cases_case" not in sql:  # the user's teams and permissions: a few rows each
                continue
            if POSTGRES:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            else:
                cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
                depth, lines = {0: -1}, []
                for node, parent, _unused, detail in cursor.fetchall():
                    depth[node] = depth.get(parent, -1) + 1
                    lines.append("  " * depth[node] + detail)
                plan = "\n".join(lines)
            plans.append({"sql": shorten(sql, 3000), "plan": shorten(plan, 1000)})
    return plans


def shorten(text: str, limit: int) -> str:
    """Long lines (the id lists inlined in a statement) cut to ``limit`` characters."""
    return "\n".join(
        line if len(line) <= limit else f"{line[:limit]}… ({len(line)} characters)"
        for line in text.split("\n")
    )


def measure_queues(world: World, budget: float) -> dict:
    from cases import queues

    user = world.supervisor

    def queue_page(name: str) -> None:  # the queue's count, then its first page
        count_of(queue_cases(user, name))
        read_page(queue_cases(user, name), ("team", "assignee"))

    def list_page() -> None:
        read_page(list_cases(user), ("team",))

    result = {"sizes": {}, "timings": {}}
    for name in queues.QUEUES:
        result["sizes"][name] = queues.queue(user, name).count()
        result["timings"][name] = timed(lambda n=name: queue_page(n), 50, budget)
    result["timings"]["case_list"] = timed(list_page, 50, budget)
    result["sizes"]["case_list"] = access_count(user)
    result["timings"]["navigation_counts"] = timed(lambda: queues.queue_counts(user), 30, budget)
    result["timings"]["keys_opened_per_request"] = timed(lambda: open_keys(world), 50, budget)
    slowest = max(queues.QUEUES, key=lambda n: result["timings"][n]["p50_ms"])
    result["explain"] = {
        "slowest_queue": slowest,
        "slowest_queue_statements": explain(lambda: queue_page(slowest)),
        "case_list_statements": explain(list_page),
        "navigation_counts_statements": explain(lambda: queues.queue_counts(user)),
    }
    return result


def open_keys(world: World) -> None:
    """What every staff request pays before its first case query: open the user's team key
    seals with his session key and check them against the signed public keys, and find the
    restricted cases he holds (vault/possession.py)."""
    from vault.possession import Possession

    held = Possession(world.supervisor, world.unlock())
    if not held.teams:
        raise SystemExit("the bench user holds no team key")
    held.named_cases  # noqa: B018  (evaluated for its cost)


def access_count(user) -> int:
    from cases import access

    return access.visible_cases(user).count()


def measure_pages(world: World, budget: float) -> dict:
    from cases import queues

    client = world.client()

    def get(path: str) -> None:
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path}: {response.status_code}")

    paths = ["/cases/"] + [f"/cases/queue/{name}/" for name in queues.QUEUES]
    return {path: timed(lambda p=path: get(p), 30, budget) for path in paths}


def search_values(real: list[dict], rng: random.Random) -> dict:
    """Searched values: people among the visible real cases, typed as an operator would, and
    values that nobody gave."""
    from vault import blind

    visible = [r for r in real if r["visible"]]
    given = {
        "phone": {
            blind.normalise_phone(r["answers"]["phone"]) for r in real if "phone" in r["answers"]
        },
        "full_name": {blind.fold_name(r["answers"]["name"]) for r in real},
        "service_number": {
            blind.normalise_service_number(r["answers"]["service_number"])
            for r in real
            if "service_number" in r["answers"]
        },
    }
    found = {"phone": [], "full_name": [], "service_number": []}
    for r in visible:
        a = r["answers"]
        if "phone" in a:  # "+79161234567" typed as "8 916 123-45-67"
            p = a["phone"][2:]
            found["phone"].append(f"8 {p[:3]} {p[3:6]}-{p[6:8]}-{p[8:]}")
        surname, first, patronymic = a["name"].split()
        found["full_name"].append(f"{first} {patronymic} {surname}")  # another word order
        if "service_number" in a:
            found["service_number"].append(a["service_number"].replace("-", "").lower())
    missing = {"phone": [], "full_name": [], "service_number": []}
    while min(len(v) for v in missing.values()) < 50:
        phone = f"+79{rng.randrange(10**9):09d}"
        if blind.normalise_phone(phone) not in given["phone"]:
            missing["phone"].append(phone)
        fake = person(rng)
        if blind.fold_name(fake["name"]) not in given["full_name"]:
            missing["full_name"].append(fake["name"])
        number = f"ЖЖ-{rng.randrange(10**6):06d}"
        if blind.normalise_service_number(number) not in given["service_number"]:
            missing["service_number"].append(number)
    return {"found": found, "missing": missing}


def measure_search(world: World, values: dict, budget: float) -> dict:
    from cases import search
    from vault import blind

    user, private = world.supervisor, world.unlock()
    result = {}
    for outcome in ("found", "missing"):
        for kind, typed in values[outcome].items():
            position, wrong, candidates = [0], [0], []

            def one(kind=kind, typed=typed, outcome=outcome, position=position, wrong=wrong):
                value = typed[position[0] % len(typed)]
                position[0] += 1
                hits = search.search(user, private, kind, value)
                if bool(hits) != (outcome == "found"):
                    wrong[0] += 1

            timing = timed(one, 200, budget)
            for value in typed:
                candidates.append(len(blind.candidates(kind, value)))
            timing["wrong_results"] = wrong[0]
            timing["mean_candidates"] = round(statistics.fmean(candidates), 2)
            result[f"{kind}_{outcome}"] = timing
    return result


def measure_case_page(world: World, real: list[dict], budget: float) -> dict:
    client = world.client()
    numbers = [r for r in real if r["visible"]]
    position = [0]

    def one():
        r = numbers[position[0] % len(numbers)]
        position[0] += 1
        response = client.get(f"/cases/{r['number']}/")
        if response.status_code != 200:
            raise SystemExit(f"case page {r['number']}: {response.status_code}")
        if position[0] == 1:
            html = response.content.decode()
            if r["answers"]["unit"] not in html or "Your session holds no key" in html:
                raise SystemExit("the case page did not decrypt the answers")

    return timed(one, 200, budget)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--budget", type=float, default=8.0, help="seconds per measure, at most")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--keep", action="store_true", help="keep the database and keys for a look at the plans"
    )
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    if sizes[0] < REAL_CASES:
        shutil.rmtree(TMP, ignore_errors=True)
        raise SystemExit(f"the smallest size must hold the {REAL_CASES} real cases")

    # A plain kill still drops the database and removes the files (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if POSTGRES:
        create_postgres_database()
    try:
        django.setup()
        run(sizes, args)
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep:
            kept = BENCH_DB if POSTGRES else TMP / "bench.sqlite3"  # never the URL's password
            log(f"kept: database {kept}, keys in {TMP / 'keys'}")
        else:
            if POSTGRES:
                drop_postgres_database()
            shutil.rmtree(TMP, ignore_errors=True)  # the keys, and on SQLite the database


def run(sizes: list[int], args) -> None:
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from cases.models import Case
    from vault import keys

    # Bench only: a cheap hasher for the staff's login passwords (logins are not measured).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0, skip_checks=True)
    keys.init_keys()
    rng = random.Random(args.seed)
    now = timezone.now()
    world = World(rng)
    results = {
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        "user": "supervisor, member of Intake and Planning (Intake West's cases are not his)",
        "real_cases": REAL_CASES,
        "code": code_version(),
        "server": server_settings(),
        "budget_s_per_measure": args.budget,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "sizes": [],
    }
    start = time.perf_counter()
    real = build_real(world, rng, REAL_CASES, now)
    real_seconds = round(time.perf_counter() - start, 1)
    log(f"{REAL_CASES} real cases in {real_seconds} s")
    bulk = Bulk(world, rng, now)
    values = search_values(real, rng)
    for size in sizes:
        have = Case.objects.count()
        log(f"building {have} -> {size}")
        start = time.perf_counter()
        bulk.add(size - have)
        bulk_seconds = round(time.perf_counter() - start, 1)
        analyze_seconds = analyze()
        log(f"built in {bulk_seconds} s, analyzed in {analyze_seconds} s; measuring")
        entry = {
            "cases": size,
            "build": {
                "real_cases_seconds": real_seconds if size == sizes[0] else 0,
                "bulk_cases_added": size - have,
                "bulk_seconds": bulk_seconds,
                "bulk_cases_per_second": round((size - have) / bulk_seconds)
                if bulk_seconds
                else None,
                "analyze_seconds": analyze_seconds,
            },
            "rows": row_counts(),
        }
        entry["load_average_before"] = [round(x, 2) for x in os.getloadavg()]
        queues_result = measure_queues(world, args.budget)
        entry["queue_sizes"] = queues_result["sizes"]
        entry["queue_queries"] = queues_result["timings"]
        entry["pages_http"] = measure_pages(world, args.budget)
        entry["search"] = measure_search(world, values, args.budget)
        entry["case_page_http"] = measure_case_page(world, real, args.budget)
        entry["explain"] = queues_result["explain"]
        results["sizes"].append(entry)
        log(f"{size}: done")
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
