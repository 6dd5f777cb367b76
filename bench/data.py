"""Benchmark data: a whole installation's worth of rows, deterministic from a seed.

``national`` is 357 municipalities in one installation (3,000 units, 50,000 users, 10,000
accounts); ``small`` is one municipality. Rows go in by COPY (``bench.copy``), so the
national scale takes seconds, not the hours the services would. The shapes follow what the
services write: responsibilities with ended rows as history, audit events for what
happened to each account, notifications (most read), guideline versions adopted in turn
(inserted as the data migration inserts version 1, never updated but for adopted ->
superseded, which the immutability trigger allows), account requests in every state with
their transitions, acknowledgements.

Times are relative to the start of the current day (UTC), so a run on the same day with
the same seed writes the same rows.
"""

import io
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction

from accounts.models import (
    Account,
    AccountStatus,
    FollowUpStage,
    Platform,
    Post,
    Responsibility,
    ResponsibilityRole,
)
from approvals.models import AccountRequest, RequestKind, RequestStatus, RequestTransition
from moskenes_social.audit.models import Event
from moskenes_social.notifications.models import EmailStatus, Notification
from moskenes_social.people.models import Unit, User
from moskenes_social.people.roles import Role
from policy.models import Acknowledgement, GuidelineVersion, Rule, VersionStatus
from policy.selectors import guideline_get

from .copy import copy_rows, next_id, sequences_reset


class BenchDataError(Exception):
    """The generator refuses: wrong database, or data already there."""


@dataclass(frozen=True)
class Scale:
    municipalities: int
    units: int
    users: int
    accounts: int
    guideline_versions: int
    requests: int
    notifications_per_user: int
    check_ins_per_account: int
    posts: int


SCALES: dict[str, Scale] = {
    # The CI smoke run: seconds.
    "tiny": Scale(1, 4, 24, 6, 3, 12, 2, 2, 200),
    # One municipality, as the app first serves.
    "small": Scale(1, 9, 140, 30, 20, 40, 5, 20, 20_000),
    # All of Norway's 357 municipalities in one installation.
    "national": Scale(357, 3_000, 50_000, 10_000, 20, 12_000, 5, 20, 10_000_000),
}

UNIT_KINDS = [
    "Rådmannens stab",
    "Skole",
    "Barnehage",
    "Helse og omsorg",
    "Kultur og fritid",
    "Teknisk drift",
    "Bibliotek",
    "Brann og redning",
    "NAV",
    "Havn",
    "Ungdomsklubb",
    "Næring",
]
FIRST_NAMES = [
    "Kari",
    "Ola",
    "Ingrid",
    "Per",
    "Sigrid",
    "Lars",
    "Astrid",
    "Nils",
    "Solveig",
    "Knut",
    "Marit",
    "Jon",
    "Liv",
    "Arne",
    "Hanne",
    "Bjørn",
    "Ragnhild",
    "Eirik",
    "Tone",
    "Øystein",
]
LAST_NAMES = [
    "Hansen",
    "Johansen",
    "Olsen",
    "Larsen",
    "Andersen",
    "Pedersen",
    "Nilsen",
    "Kristiansen",
    "Jensen",
    "Karlsen",
    "Johnsen",
    "Pettersen",
    "Eriksen",
    "Berg",
    "Haugen",
    "Hagen",
    "Johannessen",
    "Andreassen",
    "Jacobsen",
    "Dahl",
]
TITLES = ["Rådgiver", "Konsulent", "Lærer", "Sykepleier", "Fagleder", "Saksbehandler"]
PLATFORMS = [
    (Platform.FACEBOOK, 50),
    (Platform.INSTAGRAM, 25),
    (Platform.X, 8),
    (Platform.YOUTUBE, 5),
    (Platform.LINKEDIN, 5),
    (Platform.TIKTOK, 3),
    (Platform.SNAPCHAT, 2),
    (Platform.BLOG, 2),
]
FIVE_YEARS = timedelta(days=5 * 365)


@dataclass
class Municipality:
    number: int
    name: str
    top_unit: int
    units: list[int] = field(default_factory=list)
    users: list[int] = field(default_factory=list)
    chief_executive: int = 0
    crisis_leader: int = 0
    mayor: int = 0
    communication: list[int] = field(default_factory=list)


@dataclass
class Generated:
    """What the generator made, for the targets the load generator visits."""

    scale: str
    seed: int
    municipalities: list[Municipality]
    unit_leaders: dict[int, list[int]]
    unit_members: dict[int, list[int]]
    unit_municipality: dict[int, int]
    accounts: list[dict[str, Any]]
    counts: dict[str, int] = field(default_factory=dict)


def check_database(*, allow_any_name: bool) -> None:
    """Refuse anything but a PostgreSQL database named for benchmarks (or explicitly allowed)."""
    if connection.vendor != "postgresql":
        raise BenchDataError("bench_data writes to PostgreSQL only (set DATABASE_URL).")
    name = str(connection.settings_dict["NAME"])
    if not allow_any_name and not name.startswith(("bench", "ms_bench")):
        raise BenchDataError(
            f"Refusing to fill database {name!r}: its name must start with 'bench' or "
            "'ms_bench' (or pass --yes-i-know)."
        )
    if User.objects.exists() or Unit.objects.exists():
        raise BenchDataError(f"Database {name!r} has users or units already: use a fresh one.")


def day_anchor() -> datetime:
    """The start of the current day (UTC): "now" for the generated history."""
    return datetime.combine(datetime.now(tz=UTC).date(), time.min, tzinfo=UTC)


class Generator:
    def __init__(self, *, scale: str, seed: int, posts: int | None = None) -> None:
        self.scale_name = scale
        self.scale = SCALES[scale]
        self.posts_total = self.scale.posts if posts is None else posts
        self.seed = seed
        self.rng = random.Random(f"{scale}:{seed}")  # noqa: S311 - benchmark data, not secrets
        self.now = day_anchor()
        self.counts: dict[str, int] = {}
        self.answerers: dict[int, list[int]] = {}

    # --- helpers -------------------------------------------------------------------------

    def past(self, *, within: timedelta = FIVE_YEARS, after: datetime | None = None) -> datetime:
        start = after or self.now - within
        span = (self.now - start).total_seconds()
        return start + timedelta(seconds=self.rng.uniform(0, max(span, 1.0)))

    def count(self, name: str, n: int) -> None:
        self.counts[name] = self.counts.get(name, 0) + n

    # --- people --------------------------------------------------------------------------

    def people(self) -> Generated:
        s = self.scale
        rng = self.rng
        unit_id = next_id(Unit)
        user_id = next_id(User)
        municipalities: list[Municipality] = []
        units: list[dict[str, Any]] = []
        unit_municipality: dict[int, int] = {}
        for m in range(s.municipalities):
            name = f"Kommune {m:03d}"
            muni = Municipality(number=m, name=name, top_unit=unit_id)
            units.append(
                {"id": unit_id, "name": name, "slug": f"k{m:03d}", "parent_id": None},
            )
            muni.units.append(unit_id)
            unit_municipality[unit_id] = m
            unit_id += 1
            municipalities.append(muni)
        # The other units, spread evenly over the municipalities.
        for n in range(s.units - s.municipalities):
            muni = municipalities[n % s.municipalities]
            kind = UNIT_KINDS[(n // s.municipalities) % len(UNIT_KINDS)]
            serial = n // (s.municipalities * len(UNIT_KINDS)) + 1
            label = f"{kind} {serial}" if serial > 1 else kind
            units.append(
                {
                    "id": unit_id,
                    "name": f"{muni.name} – {label}",
                    "slug": f"k{muni.number:03d}-u{n:05d}",
                    "parent_id": muni.top_unit,
                }
            )
            muni.units.append(unit_id)
            unit_municipality[unit_id] = muni.number
            unit_id += 1
        self.count("units", copy_rows(Unit, units))

        unit_members: dict[int, list[int]] = {u["id"]: [] for u in units}
        users: list[dict[str, Any]] = []
        joined_at = self.now - FIVE_YEARS - timedelta(days=30)
        for n in range(s.users):
            muni = municipalities[n % s.municipalities]
            home = muni.units[(n // s.municipalities) % len(muni.units)]
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            username = f"u{n:06d}"
            users.append(
                {
                    "id": user_id,
                    "password": "!" + rng.randbytes(20).hex(),
                    "last_login": None,
                    "is_superuser": False,
                    "username": username,
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@example.org",
                    "is_staff": False,
                    "is_active": rng.random() > 0.03,
                    "date_joined": joined_at,
                    "title": rng.choice(TITLES),
                    "unit_id": home,
                }
            )
            muni.users.append(user_id)
            unit_members[home].append(user_id)
            user_id += 1
        # The people with a role must be active.
        active = {u["id"]: u for u in users}

        groups = {g.name: g.pk for g in Group.objects.all()}
        memberships: list[tuple[int, int]] = []
        leaders: dict[int, list[int]] = {}
        for muni in municipalities:
            staff = muni.users
            muni.chief_executive, muni.crisis_leader, muni.mayor = staff[0], staff[1], staff[2]
            muni.communication = staff[3:5]
            memberships += [
                (muni.chief_executive, groups[Role.CHIEF_EXECUTIVE]),
                (muni.crisis_leader, groups[Role.CRISIS_LEADER]),
                (muni.mayor, groups[Role.MAYOR]),
                *((u, groups[Role.COMMUNICATION_STAFF]) for u in muni.communication),
            ]
            for u in staff[:5]:
                active[u]["is_active"] = True
                # The rådmann's staff works in the municipality's top unit.
                unit_members[active[u]["unit_id"]].remove(u)
                unit_members[muni.top_unit].append(u)
                active[u]["unit_id"] = muni.top_unit
        role_staff = {u for muni in municipalities for u in muni.users[:5]}
        for unit, members in unit_members.items():
            # One leader per unit (not one of the rådmann's staff with a role of their
            # own), a second one in one unit of four.
            candidates = [u for u in members if active[u]["is_active"] and u not in role_staff]
            candidates = candidates or [u for u in members if u not in role_staff] or members
            chosen = candidates[: 2 if unit % 4 == 0 else 1]
            leaders[unit] = chosen
            for u in chosen:
                active[u]["is_active"] = True
                memberships.append((u, groups[Role.LEADER]))
        self.count("users", copy_rows(User, users))
        through = User.groups.through
        gid = next_id(through)
        self.count(
            "user_roles",
            copy_rows(
                through,
                (
                    {"id": gid + i, "user_id": u, "group_id": g}
                    for i, (u, g) in enumerate(sorted(set(memberships)))
                ),
            ),
        )
        leader_through = Unit.leaders.through
        lid = next_id(leader_through)
        rows = [(unit, u) for unit, us in leaders.items() for u in us]
        self.count(
            "unit_leaders",
            copy_rows(
                leader_through,
                (
                    {"id": lid + i, "unit_id": unit, "user_id": u}
                    for i, (unit, u) in enumerate(rows)
                ),
            ),
        )
        return Generated(
            scale=self.scale_name,
            seed=self.seed,
            municipalities=municipalities,
            unit_leaders=leaders,
            unit_members={
                k: [u for u in v if active[u]["is_active"]] for k, v in unit_members.items()
            },
            unit_municipality=unit_municipality,
            accounts=[],
        )

    # --- guideline -------------------------------------------------------------------------

    def guideline(self, gen: Generated) -> None:
        """Versions 2..N, each v1's rules with a small change, adopted in turn.

        Inserted as the data migration inserts version 1: directly in their final state.
        Only the status of the version before moves adopted -> superseded, the one change
        the immutability trigger lets through.
        """
        guideline = guideline_get()
        v1 = GuidelineVersion.objects.get(guideline=guideline, number=1)
        rules = list(Rule.objects.filter(version=v1).order_by("order"))
        total = self.scale.guideline_versions
        if total < 2:
            return
        recorder = gen.municipalities[0].chief_executive
        first_day = self.now.date() - timedelta(days=5 * 365)
        step = max(1, (self.now.date() - timedelta(days=30) - first_day).days // (total - 1))
        version_id = next_id(GuidelineVersion)
        rule_id = next_id(Rule)
        versions: list[dict[str, Any]] = []
        new_rules: list[dict[str, Any]] = []
        for number in range(2, total + 1):
            effective: date = first_day + timedelta(days=step * (number - 1))
            adopted_on = effective - timedelta(days=14)
            changed = rules[(number * 7) % len(rules)]
            versions.append(
                {
                    "id": version_id,
                    "guideline_id": guideline.pk,
                    "number": number,
                    "status": (
                        VersionStatus.ADOPTED if number == total else VersionStatus.SUPERSEDED
                    ),
                    "adopted_by": "AMU",
                    "adopted_on": adopted_on,
                    "effective_from": effective,
                    "change_summary": f"Revisjon {number}: presisering i «{changed.title}».",
                    "recorded_by_id": recorder,
                    "parameters": v1.parameters,
                    "created_at": datetime.combine(adopted_on, time(9), tzinfo=UTC),
                    "adopted_at": datetime.combine(adopted_on, time(10), tzinfo=UTC),
                }
            )
            for rule in rules:
                text = rule.text
                if rule.pk == changed.pk:
                    text = f"{text}\n\nPresisert i versjon {number}."
                new_rules.append(
                    {
                        "id": rule_id,
                        "version_id": version_id,
                        "code": rule.code,
                        "section": rule.section,
                        "section_title": rule.section_title,
                        "heading": rule.heading,
                        "title": rule.title,
                        "text": text,
                        "category": rule.category,
                        "parameters": rule.parameters,
                        "order": rule.order,
                    }
                )
                rule_id += 1
            version_id += 1
        # Version 1 is superseded by version 2: the one update the trigger allows.
        GuidelineVersion.objects.filter(pk=v1.pk, status=VersionStatus.ADOPTED).update(
            status=VersionStatus.SUPERSEDED
        )
        self.count("guideline_versions", copy_rows(GuidelineVersion, versions))
        self.count("rules", copy_rows(Rule, new_rules))
        latest = version_id - 1
        previous = latest - 1
        acks: list[dict[str, Any]] = []
        ack_id = next_id(Acknowledgement)
        for muni in gen.municipalities:
            for u in muni.users:
                r = self.rng.random()
                if r < 0.6:
                    acks.append({"id": ack_id, "user_id": u, "version_id": latest})
                    ack_id += 1
                if r < 0.8:
                    acks.append({"id": ack_id, "user_id": u, "version_id": previous})
                    ack_id += 1
        for row in acks:
            row["created_at"] = self.past(within=timedelta(days=60))
        self.count("acknowledgements", copy_rows(Acknowledgement, acks))

    # --- accounts -------------------------------------------------------------------------

    def accounts(self, gen: Generated) -> None:
        s = self.scale
        rng = self.rng
        account_ct = ContentType.objects.get_for_model(Account).pk
        all_units = [u for muni in gen.municipalities for u in muni.units]
        platforms = [p for p, _ in PLATFORMS]
        weights = [w for _, w in PLATFORMS]
        account_id = next_id(Account)
        resp_id = next_id(Responsibility)
        accounts: list[dict[str, Any]] = []
        responsibilities: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []

        def event(
            actor: int, action: str, account: dict[str, Any], at: datetime, **data: Any
        ) -> None:
            events.append(
                {
                    "created_at": at,
                    "actor_id": actor,
                    "action": action,
                    "target_type_id": account_ct,
                    "target_id": str(account["id"]),
                    "target_repr": account["name"],
                    "reason": "",
                    "data": data,
                }
            )

        for n in range(s.accounts):
            unit = all_units[n % len(all_units)]
            muni = gen.municipalities[gen.unit_municipality[unit]]
            platform = rng.choices(platforms, weights)[0]
            since = self.past()
            r = rng.random()
            status = (
                AccountStatus.ACTIVE
                if r < 0.9
                else AccountStatus.SUSPENDED
                if r < 0.95
                else AccountStatus.CLOSED
            )
            closed_at = self.past(after=since) if status == AccountStatus.CLOSED else None
            unit_name = muni.name if unit == muni.top_unit else f"{muni.name} {UNIT_KINDS[n % 12]}"
            handle = f"{muni.name.split()[-1].lower()}{n:05d}"
            last_check = self.now - timedelta(hours=rng.uniform(1, 96))
            due = last_check + timedelta(days=rng.choice([1, 1, 1, 2, 5]))
            account = {
                "id": account_id,
                "unit_id": unit,
                "platform": platform,
                "name": f"{unit_name} {n:05d}",
                "handle": handle,
                "url": f"https://{platform}.example.org/{handle}",
                "contact_instance": unit_name,
                "contact_person": "Kontaktperson",
                "contact_title": "Rådgiver",
                "contact_email": f"post{n}@example.org",
                "homepage": f"https://kommune{muni.number:03d}.example.org/",
                "status": status,
                "follow_up_interval_days": 1,
                "answer_deadline_working_hours": None,
                "official_since": since,
                "origin_note": "",
                "created_by_id": muni.chief_executive,
                "created_at": since,
                "closed_at": closed_at,
                "last_check_in_at": last_check,
                "last_check_in_by_id": None,
                "follow_up_due_at": due if status == AccountStatus.ACTIVE else None,
                "next_follow_up_reminder_at": due if status == AccountStatus.ACTIVE else None,
                "next_follow_up_stage": FollowUpStage.RESPONDERS,
            }
            event(muni.chief_executive, "accounts.account_created", account, since)
            leaders = gen.unit_leaders[unit] or [muni.chief_executive]
            members = gen.unit_members[unit] or muni.users
            people = rng.sample(members, min(len(members), 6))
            owner = leaders[0]
            open_rows = [
                (owner, ResponsibilityRole.OWNER),
                *((u, ResponsibilityRole.RESPONDER) for u in people[:2]),
            ]
            if rng.random() < 0.5 and len(people) > 2:
                open_rows.append((people[2], ResponsibilityRole.BACKUP))
            # Who answered before: ended rows kept as history.
            ended_rows = [
                (u, ResponsibilityRole.RESPONDER) for u in people[3 : 3 + rng.randint(0, 3)]
            ]
            for user, role in ended_rows:
                start = self.past(after=since)
                end = self.past(after=start)
                if closed_at is not None:
                    start, end = min(start, closed_at), min(end, closed_at)
                responsibilities.append(
                    {
                        "id": resp_id,
                        "account_id": account_id,
                        "user_id": user,
                        "role": role,
                        "assigned_by_id": owner,
                        "assigned_at": start,
                        "ended_at": end,
                        "ended_by_id": owner,
                    }
                )
                resp_id += 1
                event(owner, "accounts.responsibility_assigned", account, start, role=role)
                event(owner, "accounts.responsibility_ended", account, end, role=role)
            for user, role in open_rows:
                responsibilities.append(
                    {
                        "id": resp_id,
                        "account_id": account_id,
                        "user_id": user,
                        "role": role,
                        "assigned_by_id": muni.chief_executive,
                        "assigned_at": since,
                        # A closed account's responsibilities ended when it closed.
                        "ended_at": closed_at,
                        "ended_by_id": muni.chief_executive if closed_at else None,
                    }
                )
                resp_id += 1
                event(
                    muni.chief_executive,
                    "accounts.responsibility_assigned",
                    account,
                    since,
                    role=role,
                )
            answerers = [u for u, role in open_rows if role != ResponsibilityRole.OWNER]
            self.answerers[account_id] = answerers or [owner]
            account["last_check_in_by_id"] = answerers[0] if answerers else owner
            for _ in range(s.check_ins_per_account):
                event(
                    rng.choice(answerers or [owner]),
                    "accounts.account_checked_in",
                    account,
                    self.past(after=since),
                )
            if status == AccountStatus.CLOSED:
                event(muni.chief_executive, "accounts.account_closed", account, closed_at or since)
            elif status == AccountStatus.SUSPENDED:
                event(
                    muni.chief_executive,
                    "accounts.account_suspended",
                    account,
                    self.past(after=since),
                )
            accounts.append(account)
            account_id += 1
        self.count("accounts", copy_rows(Account, accounts))
        self.count("responsibilities", copy_rows(Responsibility, responsibilities))
        events.sort(key=lambda e: e["created_at"])
        event_id = next_id(Event)
        for i, row in enumerate(events):
            row["id"] = event_id + i
        self.count("events", copy_rows(Event, events))
        gen.accounts = [
            {
                "id": a["id"],
                "unit_id": a["unit_id"],
                "status": a["status"],
                "name": a["name"],
                "created_by": a["created_by_id"],
            }
            for a in accounts
        ]

    # --- notifications ------------------------------------------------------------------------

    def notifications(self, gen: Generated) -> None:
        rng = self.rng
        rows: list[dict[str, Any]] = []
        nid = next_id(Notification)
        for muni in gen.municipalities:
            for u in muni.users:
                for _ in range(rng.randint(0, 2 * self.scale.notifications_per_user)):
                    created = self.past(within=timedelta(days=365))
                    read = rng.random() < 0.8
                    rows.append(
                        {
                            "id": nid,
                            "recipient_id": u,
                            "subject": "Påminnelse: følg opp kontoen",
                            "body": "Kontoen er ikke fulgt opp innen fristen.",
                            "url": "/kontoer/",
                            "created_at": created,
                            "read_at": created + timedelta(hours=rng.uniform(0.1, 48))
                            if read
                            else None,
                            "email_status": EmailStatus.SENT,
                            "email_attempts": 1,
                            "email_claimed_at": created,
                            "emailed_at": created,
                        }
                    )
                    nid += 1
        rows.sort(key=lambda r: r["created_at"])
        self.count("notifications", copy_rows(Notification, rows))

    # --- posts -----------------------------------------------------------------------------

    def posts(self, gen: Generated) -> None:
        """Posts over five years: about 2% open (a few thousand of them overdue), most of
        the rest answered, some closed without answer, a few removed (blanked).

        The hot path of the generator at national scale (10 million rows): rows are
        written straight into COPY text, 200,000 at a time, without model instances.
        """
        total = self.posts_total
        if not total:
            return
        rng = self.rng
        accounts = [a for a in gen.accounts if a["status"] != AccountStatus.CLOSED]
        answerers = self.answerers
        columns = [
            "id", "account_id", "source", "platform_id", "author", "text", "url",
            "posted_at", "received_at", "category", "expects_answer", "triaged_at",
            "triaged_by_id", "status", "due_at", "next_reminder_at", "next_reminder_stage",
            "answered_at", "answered_by_id", "answer_text", "answer_url", "close_reason",
            "close_note", "closed_at", "closed_by_id", "removed_at", "removed_by_id",
            "reopen_reason", "reopen_count",
        ]  # fmt: skip
        table = Post._meta.db_table
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        categories = ["question"] * 6 + ["complaint", "factual_error", "other", "other"]
        start = self.now - FIVE_YEARS
        span = FIVE_YEARS.total_seconds()
        open_share, overdue = 0.02, min(5_000, max(1, total // 2_000))
        post_id = next_id(Post)
        n_open = int(total * open_share)
        batch = io.StringIO()
        nul = "\\N"
        written = 0
        for n in range(total):
            account = accounts[n % len(accounts)]
            acc = account["id"]
            helpers = answerers.get(acc) or [account["created_by"]]
            by = helpers[n % len(helpers)]
            if n < n_open:
                # The open ones are recent; the first ``overdue`` of them are past due.
                if n < overdue:
                    posted = self.now - timedelta(days=2, seconds=rng.uniform(0, 86_400 * 5))
                    due = posted + timedelta(days=1)
                    remind, stage = self.now + timedelta(hours=12), "escalation"
                else:
                    posted = self.now - timedelta(seconds=rng.uniform(0, 3_600 * 6))
                    due = self.now + timedelta(hours=rng.uniform(2, 30))
                    remind, stage = due, "due"
                status = "open"
            else:
                posted = start + timedelta(seconds=rng.random() * span)
                due = posted + timedelta(days=1)
                remind, stage = None, ""
                r = rng.random()
                status = "answered" if r < 0.92 else "closed" if r < 0.99 else "removed"
            received = posted + timedelta(minutes=3)
            handled = posted + timedelta(hours=rng.uniform(0.2, 20))
            category = "sensitive" if status == "removed" else categories[n % len(categories)]
            text = "" if status == "removed" else f"Innlegg {n} om tjenestene i kommunen?"
            author = "" if status == "removed" else "Innbygger"
            row = [
                str(post_id + n), str(acc), "facebook", f"bench-{n}", author, text, "",
                posted.isoformat(), received.isoformat(), category, "t",
                received.isoformat(), str(by), status, due.isoformat(),
                remind.isoformat() if remind else nul, stage,
                handled.isoformat() if status == "answered" else nul,
                str(by) if status == "answered" else nul,
                "Takk for spørsmålet, se kommunens nettside." if status == "answered" else "",
                "",
                "no_answer_expected" if status == "closed" else "",
                "",
                handled.isoformat() if status == "closed" else nul,
                str(by) if status == "closed" else nul,
                handled.isoformat() if status == "removed" else nul,
                str(by) if status == "removed" else nul,
                "", "0",
            ]  # fmt: skip
            batch.write("\t".join(row))
            batch.write("\n")
            if (n + 1) % 200_000 == 0 or n + 1 == total:
                batch.seek(0)
                with connection.cursor() as cursor:
                    cursor.cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN", batch)
                written = n + 1
                batch = io.StringIO()
        self.count("posts", written)

    # --- requests ----------------------------------------------------------------------------

    def requests(self, gen: Generated) -> None:
        rng = self.rng
        s = self.scale
        # Shares of each final state; the rådmann's queue is the submitted ones.
        states = [
            (RequestStatus.APPROVED, 55),
            (RequestStatus.REJECTED, 10),
            (RequestStatus.WITHDRAWN, 8),
            (RequestStatus.DRAFT, 9),
            (RequestStatus.RETURNED, 6),
            (RequestStatus.SUBMITTED, 12),
        ]
        paths = {
            RequestStatus.DRAFT: [],
            RequestStatus.SUBMITTED: [("draft", "submitted")],
            RequestStatus.RETURNED: [("draft", "submitted"), ("submitted", "returned")],
            RequestStatus.APPROVED: [("draft", "submitted"), ("submitted", "approved")],
            RequestStatus.REJECTED: [("draft", "submitted"), ("submitted", "rejected")],
            RequestStatus.WITHDRAWN: [("draft", "submitted"), ("submitted", "withdrawn")],
        }
        versions = list(GuidelineVersion.objects.order_by("number").values_list("id", flat=True))
        closable = [a for a in gen.accounts if a["status"] != AccountStatus.CLOSED]
        rng.shuffle(closable)
        request_id = next_id(AccountRequest)
        rows: list[dict[str, Any]] = []
        transitions: list[dict[str, Any]] = []
        for n in range(s.requests):
            muni = gen.municipalities[n % len(gen.municipalities)]
            status = rng.choices([st for st, _ in states], [w for _, w in states])[0]
            kind = RequestKind.NEW_ACCOUNT
            account_id = None
            if n % 20 == 19 and closable:
                kind = RequestKind.CLOSING
                account_id = closable.pop()["id"]
            created = self.past()
            unit = muni.units[n % len(muni.units)]
            requester = muni.communication[n % len(muni.communication)]
            moments = sorted(self.past(after=created) for _ in range(3))
            path = paths[status]
            submitted_at = moments[0] if path else None
            decided_at = (
                moments[1] if status in (RequestStatus.APPROVED, RequestStatus.REJECTED) else None
            )
            if status == RequestStatus.SUBMITTED:
                # The queue: submitted in the last weeks.
                submitted_at = self.past(within=timedelta(days=40))
                created = submitted_at - timedelta(hours=2)
            platform = rng.choices([p for p, _ in PLATFORMS], [w for _, w in PLATFORMS])[0]
            leaders = gen.unit_leaders.get(unit)
            rows.append(
                {
                    "id": request_id,
                    "kind": kind,
                    "status": status,
                    "requester_id": requester,
                    "unit_id": unit,
                    "platform": platform,
                    "name": f"Søknad {n:05d}",
                    "handle": f"soknad{n:05d}",
                    "url": "",
                    "not_case_handling": True,
                    "answers": {},
                    "goals": "Informere innbyggerne om tjenestene.",
                    "not_used_for": "Saksbehandling.",
                    "responsible_leader_id": leaders[0] if leaders else None,
                    "follow_up_interval_days": 1,
                    "hours_per_week": 2,
                    "mandate": "Svarer på vegne av enheten.",
                    "contact_instance": muni.name,
                    "contact_person": "Kontaktperson",
                    "contact_title": "Rådgiver",
                    "contact_email": "post@example.org",
                    "homepage": "https://example.org/",
                    "web_pages_updated": True,
                    "web_pages_note": "",
                    "reputation_checked": True,
                    "reputation_note": "",
                    "account_id": account_id,
                    "closing_reason": "Ikke lenger i bruk." if kind == RequestKind.CLOSING else "",
                    "guideline_version_id": versions[-1] if path else None,
                    "created_at": created,
                    "updated_at": moments[-1] if path else created,
                    "submitted_at": submitted_at,
                    "decided_at": decided_at,
                    "decided_by_id": muni.chief_executive if decided_at else None,
                    "decision_text": "Begrunnelse." if decided_at else "",
                }
            )
            actor_of = {
                "submitted": requester,
                "withdrawn": requester,
                "approved": muni.chief_executive,
                "rejected": muni.chief_executive,
                "returned": muni.chief_executive,
            }
            for i, (old, new) in enumerate(path):
                transitions.append(
                    {
                        "request_id": request_id,
                        "from_status": old,
                        "to_status": new,
                        "actor_id": actor_of[new],
                        "text": "",
                        "created_at": submitted_at if i == 0 else moments[1],
                    }
                )
            request_id += 1
        self.count("account_requests", copy_rows(AccountRequest, rows))
        tid = next_id(RequestTransition)
        for i, row in enumerate(transitions):
            row["id"] = tid + i
        self.count("request_transitions", copy_rows(RequestTransition, transitions))

    # --- all -----------------------------------------------------------------------------------

    def run(self) -> Generated:
        with transaction.atomic():
            gen = self.people()
            self.guideline(gen)
            self.accounts(gen)
            self.notifications(gen)
            self.requests(gen)
            self.posts(gen)
            sequences_reset(
                Post,
                Unit,
                User,
                User.groups.through,
                Unit.leaders.through,
                GuidelineVersion,
                Rule,
                Acknowledgement,
                Account,
                Responsibility,
                Event,
                Notification,
                AccountRequest,
                RequestTransition,
            )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        gen.counts = self.counts
        return gen


def bench_data_generate(
    *, scale: str, seed: int, posts: int | None = None, allow_any_name: bool = False
) -> Generated:
    """Fill the (fresh, migrated) PostgreSQL database with benchmark data; ``posts``
    overrides the scale's number of posts."""
    if scale not in SCALES:
        raise BenchDataError(f"Unknown scale {scale!r}; one of {sorted(SCALES)}.")
    check_database(allow_any_name=allow_any_name)
    return Generator(scale=scale, seed=seed, posts=posts).run()
