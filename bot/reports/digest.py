"""The digest a commune chair reads on a phone: short lines, the year so far with what changed
in the period, progress against targets, and what needs their attention. Pure."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.reports import formatting as fmt
from bot.reports import shares
from bot.reports.periods import Period
from storage.progress import (
    TARGET_KEYS,
    CommuneProgress,
    Counts,
    Part,
    VillageProgress,
    Waiting,
)

Translate = Callable[..., str]


@dataclass(frozen=True)
class DigestLimits:
    """How much of each list fits a phone screen (Zalo takes 2000 characters a message)."""

    waiting_days: int = 7
    behind: int = 3
    waiting: int = 5
    inactive: int = 5
    # "No activity" looks back at least this far, even for a daily digest.
    inactive_days: int = 7


def inactive_since(period: Period, limits: DigestLimits) -> datetime:
    return min(period.start, period.end - timedelta(days=limits.inactive_days))


def reference_target(progress: CommuneProgress, title: str) -> tuple[int, float] | None:
    """The target a village is measured against: the commune's own target for this year,
    else the next target year (from 2026: 2030), else the latest one."""
    return shares.reference_target(progress.targets, progress.year, title)


def village_share(v: VillageProgress) -> float | None:
    """Households recognised ÷ every household of the village (None: total not known)."""
    total = v.households_total
    return None if total is None else fmt.share(v.households.recognised, total)


def behind_villages(
    progress: CommuneProgress, limit: int
) -> tuple[list[VillageProgress], list[VillageProgress]]:
    """(villages furthest behind on households recognised ÷ all their households, villages
    whose number of households is not known yet).

    Villages below the reference target are listed; without a target, villages below the
    commune's own share."""
    target = reference_target(progress, "household")
    total = progress.total("household")
    commune_share = None if total is None else fmt.share(progress.households.recognised, total)
    bar = target[1] if target else commune_share or 0.0
    known = [v for v in progress.villages if village_share(v) is not None]
    behind = [v for v in known if (village_share(v) or 0.0) < bar]
    # Lowest share first; at equal shares the village with more households is further behind.
    behind.sort(key=lambda v: (village_share(v) or 0.0, -(v.households_total or 0), v.village_id))
    return behind[:limit], progress.without_total("household")


def ids(key: str) -> str:
    """A target key as part of a message id ("citizen_staff" -> "citizen-staff")."""
    return key.replace("_", "-")


def wrap(head: str, parts: Sequence[str], width: int = 60) -> list[str]:
    """`head` then the comma-separated `parts`, over as many lines as a phone's width needs
    (the targets of five titles do not fit one line)."""
    lines: list[str] = []
    current = head
    for index, part in enumerate(parts):
        piece = part + ("," if index < len(parts) - 1 else "")
        if current != head and len(current) + 1 + len(piece) > width:
            lines.append(current)
            current = piece
        else:
            current = f"{current} {piece}"
    lines.append(current)
    return lines


class DigestWriter:
    """Writes one digest in one language."""

    def __init__(self, t: Translate, lang: str, tz: ZoneInfo) -> None:
        self.t = t
        self.lang = lang
        self.tz = tz

    def say(self, message_id: str, **args: object) -> str:
        return self.t(self.lang, message_id, **args)

    def n(self, value: int) -> str:
        return fmt.number(value, self.lang)

    def period_line(self, period: Period) -> str:
        end = period.end
        if period.kind == "day":
            return self.say(
                "digest-period-day", time=fmt.clock_time(end, self.tz), date=fmt.day(end, self.tz)
            )
        if period.kind == "week":
            last = end - timedelta(microseconds=1)
            return self.say(
                "digest-period-week",
                start=fmt.day(period.start, self.tz),
                end=fmt.day(last, self.tz),
            )
        if period.kind == "month":
            return self.say(
                "digest-period-month",
                month=end.astimezone(self.tz).strftime("%m/%Y"),
                time=fmt.clock_time(end, self.tz),
                date=fmt.day(end, self.tz),
            )
        return self.say(
            "digest-period-year",
            year=str(period.year),
            time=fmt.clock_time(end, self.tz),
            date=fmt.day(end, self.tz),
        )

    def _stages(self, year: Counts, period: Counts | None) -> list[str]:
        lines = []
        for stage in ("registered", "assessed", "passing", "verified", "recognised"):
            delta = getattr(period, stage) if period is not None else 0
            lines.append(
                self.say(
                    f"digest-{stage}",
                    count=self.n(getattr(year, stage)),
                    delta=f" (+{self.n(delta)})" if delta else "",
                )
            )
        return lines

    def _ratio(self, message_id: str, part: int, total: int) -> str:
        share = fmt.share(part, total)
        if share is None:
            return self.say("digest-share-none")
        return self.say(
            message_id,
            part=self.n(part),
            total=self.n(total),
            share=fmt.percent(share, self.lang),
        )

    def lead(self, progress: CommuneProgress) -> list[str]:
        """The targets of the current period, first: the commune's own target for this year
        when set, and the next target year (from 2026, 2030's, not 2025's); every title's, in
        report order, wrapped to the width of a phone."""
        if not progress.targets:
            return [self.say("digest-no-targets")]
        lines = []
        for year in shares.current_target_years(progress.targets, progress.year):
            parts = [
                self.say(
                    f"digest-lead-{ids(key)}",
                    target=fmt.percent(progress.targets[(year, key)], self.lang),
                )
                for key in TARGET_KEYS
                if (year, key) in progress.targets
            ]
            kind = "year" if year == progress.year else "past" if year < progress.year else "by"
            head = self.say(f"digest-lead-{kind}", year=str(year), targets="").rstrip()
            lines += wrap(head, parts)
        return lines

    def _shares(
        self, progress: CommuneProgress, title: str, counts: Counts, limit: int
    ) -> list[str]:
        """Recognised ÷ every household (clan) of the commune, and registered in the bot ÷ the
        same; or, while a village's number is missing, which villages lack it and what is
        registered there (a count, never a share of the village)."""
        total = progress.total(title)
        if total is not None:
            return [
                self._ratio(f"digest-share-{title}", counts.recognised, total),
                self._ratio(f"digest-registration-{title}", counts.registered, total),
            ]
        lines = [self.say("digest-share-unknown")]
        missing = progress.without_total(title)
        if not missing:
            return lines
        if title == "clan":
            return [*lines, self._missing_clans(missing, limit)]
        for v in missing[:limit]:
            lines.append(
                self.say(
                    "digest-missing-households",
                    village=v.name,
                    registered=self.n(v.households.registered),
                    n=v.households.registered,
                )
            )
        if len(missing) > limit:
            lines.append(self.say("digest-missing-more", count=self.n(len(missing) - limit)))
        return lines

    def _missing_clans(self, missing: Sequence[VillageProgress], limit: int) -> str:
        names = [v.name for v in missing[:limit]]
        if len(missing) > limit:
            names.append("…")
        return self.say("digest-missing-clans", villages=", ".join(names))

    def _targets(
        self, progress: CommuneProgress, key: str, recognised: int, total: int | None
    ) -> list[str]:
        """The part's targets of the current period, each with how many are still needed."""
        lines: list[str] = []
        years = shares.current_target_years(progress.targets, progress.year, key)
        for year in years:
            target = progress.targets[(year, key)]
            if not total:  # not known, or nothing to count (no unit on the bot yet)
                lines.append(
                    self.say(
                        "digest-target-unknown",
                        year=str(year),
                        target=fmt.percent(target, self.lang),
                    )
                )
                continue
            missing = fmt.still_needed(target, recognised, total)
            if missing == 0:
                lines.append(
                    self.say(
                        "digest-target-met", year=str(year), target=fmt.percent(target, self.lang)
                    )
                )
            else:
                lines.append(
                    self.say(
                        f"digest-target-{ids(key)}",
                        year=str(year),
                        target=fmt.percent(target, self.lang),
                        missing=self.n(missing),
                        n=missing,
                    )
                )
        return lines

    def title_section(
        self, progress: CommuneProgress, title: str, period: Period, limit: int = 3
    ) -> list[str]:
        """Households in full (the stages, both shares, the villages without a number); every
        other title in a few lines: what moved, then each share against its own base and
        target; a title with nothing to say and no target, in one line."""
        if title != "household":
            return self._short_section(progress, title, period, limit)
        counts = progress.counts(title)
        total = progress.total(title)
        lines = [self.say(f"digest-section-{title}")]
        if total is not None:
            lines.append(self.say(f"digest-total-{title}", total=self.n(total)))
        deltas = None if period.kind == "year" else progress.counts_period(title)
        lines += self._stages(counts, deltas)
        lines += self._shares(progress, title, counts, limit)
        lines += self._targets(progress, title, counts.recognised, total)
        return lines

    def _short_section(
        self, progress: CommuneProgress, title: str, period: Period, limit: int
    ) -> list[str]:
        counts = progress.counts(title)
        parts = progress.parts(title)
        keys = {part.key for part in parts}
        targeted = any(key in keys for _, key in progress.targets)
        # Villages and units are on the list without registering: nothing assessed is nothing.
        registers = title in ("clan", "citizen")
        if counts.assessed == 0 and not targeted and (counts.registered == 0 or not registers):
            kind = "none" if counts.registered == 0 else "unassessed"
            return [self.say(f"digest-empty-{title}", kind=kind)]
        delta = None if period.kind == "year" else progress.counts_period(title)

        def plus(stage: str) -> str:
            value = getattr(delta, stage) if delta is not None else 0
            return f" (+{self.n(value)})" if value else ""

        lines = [self.say(f"digest-section-{title}")]
        if registers and counts.registered:
            lines.append(
                self.say(
                    "digest-registered",
                    count=self.n(counts.registered),
                    delta=plus("registered"),
                )
            )
        if counts.assessed or (registers and counts.registered):
            lines.append(
                self.say(
                    "digest-stages-short",
                    assessed=self.n(counts.assessed),
                    assessed_delta=plus("assessed"),
                    recognised=self.n(counts.recognised),
                    recognised_delta=plus("recognised"),
                )
            )
        elif counts.registered or registers:
            # Nothing moved yet: one line says so (no units at all: their share line says it).
            lines.append(self.say(f"digest-nothing-{title}"))
        for part in parts:
            lines += self._part_lines(progress, part, len(parts) > 1, limit)
        return lines

    def _part_lines(
        self, progress: CommuneProgress, part: Part, several: bool, limit: int
    ) -> list[str]:
        """One share against its own base, then its targets. `several`: the title has more
        than one (citizens: in families, in units); one with nothing in it and nothing to
        measure it on, or no target, is left out."""
        targeted = any(key == part.key for _, key in progress.targets)
        if several and part.counts.empty and (part.total == 0 or not targeted):
            # e.g. no unit on the bot, so no staff: the units' own section says so
            return []
        if part.total is None:
            lines = [self.say(f"digest-share-unknown-{ids(part.key)}")]
            reason = self._unknown_base(progress, part.key, limit)
            if reason:
                lines.append(reason)
        elif part.total == 0:
            lines = [self.say(f"digest-share-empty-{ids(part.key)}")]
        else:
            lines = [
                self._ratio(f"digest-share-{ids(part.key)}", part.counts.recognised, part.total)
            ]
        return lines + self._targets(progress, part.key, part.counts.recognised, part.total)

    def _unknown_base(self, progress: CommuneProgress, key: str, limit: int) -> str | None:
        """Why a share cannot be given yet, in words the chair can act on."""
        if key == "clan":
            missing = progress.without_total("clan")
            return self._missing_clans(missing, limit) if missing else None
        if key == "citizen":
            count = progress.adults_missing
            return self.say("digest-missing-adults", count=self.n(count), n=count)
        return self.say(f"digest-missing-base-{ids(key)}")

    def _title_blocks(
        self, progress: CommuneProgress, period: Period, limit: int
    ) -> list[list[str]]:
        """Every title's section; titles told in one line stay together in one block."""
        blocks: list[list[str]] = []
        one_liners = False
        for title in progress.titles:
            lines = self.title_section(progress, title, period, limit)
            if len(lines) == 1 and one_liners:
                blocks[-1] += lines
            else:
                blocks.append(lines)
            one_liners = len(lines) == 1
        return blocks

    def behind_section(self, progress: CommuneProgress, limits: DigestLimits) -> list[str]:
        behind, _ = behind_villages(progress, limits.behind)
        if not behind:
            return []
        lines = [self.say("digest-behind-title")]
        for v in behind:
            lines.append(
                self.say(
                    "digest-behind-village",
                    village=v.name,
                    share=fmt.percent(village_share(v) or 0.0, self.lang),
                    recognised=self.n(v.households.recognised),
                    total=self.n(v.households_total or 0),
                )
            )
        return lines

    def waiting_section(
        self, progress: CommuneProgress, now: datetime, limits: DigestLimits
    ) -> list[str]:
        if progress.waiting_total == 0:
            return []
        lines = [
            self.say(
                "digest-waiting-title",
                days=limits.waiting_days,
                count=self.n(progress.waiting_total),
            )
        ]
        shown = progress.waiting[: limits.waiting]
        for item in shown:
            lines.append(
                self.say(
                    "digest-waiting-item",
                    name=item.name or self.say("digest-unnamed"),
                    village=self._where(item),
                    days=self.n((now - item.submitted_at).days),
                    n=(now - item.submitted_at).days,
                )
            )
        if progress.waiting_total > len(shown):
            lines.append(
                self.say("digest-waiting-more", count=self.n(progress.waiting_total - len(shown)))
            )
        return lines

    def _where(self, item: Waiting) -> str:
        """A household's village; for another title which one it is, and the village (or the
        unit of a member of its staff) where that says more."""
        if item.title == "household":
            return item.village or self.say("digest-no-village")
        kind = self.say(f"digest-kind-{item.title}")
        place = item.village if item.title == "citizen" else None
        return self.say("digest-kind-place", kind=kind, place=place) if place else kind

    def inactive_section(
        self, progress: CommuneProgress, since: datetime, limits: DigestLimits
    ) -> list[str]:
        people = progress.collaborators
        if not people:
            return []
        lines = [self.say("digest-inactive-title", date=fmt.day(since, self.tz))]
        for person in people[: limits.inactive]:
            village = person.village or self.say("digest-no-village")
            if person.last_active is None:
                lines.append(self.say("digest-inactive-never", name=person.name, village=village))
            else:
                lines.append(
                    self.say(
                        "digest-inactive-item",
                        name=person.name,
                        village=village,
                        date=fmt.day(person.last_active, self.tz),
                    )
                )
        if len(people) > limits.inactive:
            lines.append(
                self.say("digest-inactive-more", count=self.n(len(people) - limits.inactive))
            )
        return lines

    def text(
        self,
        progress: CommuneProgress,
        period: Period,
        now: datetime,
        limits: DigestLimits = DigestLimits(),
        *,
        hint: bool = False,
    ) -> str:
        blocks: list[Sequence[str]] = [
            [self.say("digest-title", commune=progress.commune), self.period_line(period)]
            + ([] if period.kind == "year" else [self.say("digest-delta-note")]),
            self.lead(progress),
            *self._title_blocks(progress, period, limits.behind),
            self.behind_section(progress, limits),
            self.waiting_section(progress, now, limits),
            self.inactive_section(progress, inactive_since(period, limits), limits),
        ]
        if hint:
            blocks.append([self.say("digest-hint-text")])
        return "\n\n".join("\n".join(block) for block in blocks if block)
