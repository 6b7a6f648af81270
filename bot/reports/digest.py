"""The digest a commune chair reads on a phone: short lines, the year so far with what changed
in the period, progress against targets, and what needs their attention. Pure."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.reports import formatting as fmt
from bot.reports.periods import Period
from storage.progress import CommuneProgress, Counts, VillageProgress

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
    """The target a village is measured against: the nearest target year not yet past,
    else the latest one."""
    years = sorted(year for year, t in progress.targets if t == title)
    if not years:
        return None
    year = next((y for y in years if y >= progress.year), years[-1])
    return year, progress.targets[(year, title)]


def behind_villages(
    progress: CommuneProgress, limit: int
) -> tuple[list[VillageProgress], list[VillageProgress]]:
    """(villages furthest behind on households recognised, villages with no households).

    Villages below the reference target are listed; without a target, villages below the
    commune's own share."""
    target = reference_target(progress, "household")
    commune = progress.households
    bar = target[1] if target else fmt.share(commune.recognised, commune.registered) or 0.0
    with_households = [v for v in progress.villages if v.households.registered > 0]
    empty = [v for v in progress.villages if v.households.registered == 0]

    def village_share(v: VillageProgress) -> float:
        return fmt.share(v.households.recognised, v.households.registered) or 0.0

    behind = [v for v in with_households if village_share(v) < bar]
    # Lowest share first; at equal shares the village with more households is further behind.
    behind.sort(key=lambda v: (village_share(v), -v.households.registered, v.village_id))
    return behind[:limit], empty


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

    def _targets(self, progress: CommuneProgress, title: str, counts: Counts) -> list[str]:
        share = fmt.share(counts.recognised, counts.registered)
        lines = [
            self.say("digest-share-none")
            if share is None
            else self.say("digest-share", share=fmt.percent(share, self.lang))
        ]
        targets = sorted((y, s) for (y, t), s in progress.targets.items() if t == title)
        if not progress.targets:
            lines.append(self.say("digest-no-targets"))
        for year, target in targets:
            missing = fmt.still_needed(target, counts.recognised, counts.registered)
            if missing == 0 and counts.registered > 0:
                lines.append(
                    self.say(
                        "digest-target-met", year=str(year), target=fmt.percent(target, self.lang)
                    )
                )
            else:
                lines.append(
                    self.say(
                        f"digest-target-{title}",
                        year=str(year),
                        target=fmt.percent(target, self.lang),
                        missing=self.n(missing),
                        n=missing,
                    )
                )
        return lines

    def title_section(self, progress: CommuneProgress, title: str, period: Period) -> list[str]:
        counts = progress.counts(title)
        lines = [self.say(f"digest-section-{title}")]
        if title == "clan" and counts.registered == 0 and counts.assessed == 0:
            lines.append(self.say("digest-no-clans"))
            return lines
        deltas = None if period.kind == "year" else progress.counts_period(title)
        lines += self._stages(counts, deltas)
        lines += self._targets(progress, title, counts)
        return lines

    def behind_section(self, progress: CommuneProgress, limits: DigestLimits) -> list[str]:
        behind, empty = behind_villages(progress, limits.behind)
        if not behind and not empty:
            return []
        lines = [self.say("digest-behind-title")]
        for v in behind:
            share = fmt.share(v.households.recognised, v.households.registered) or 0.0
            lines.append(
                self.say(
                    "digest-behind-village",
                    village=v.name,
                    share=fmt.percent(share, self.lang),
                    recognised=self.n(v.households.recognised),
                    registered=self.n(v.households.registered),
                )
            )
        if empty:
            names = [v.name for v in empty[: limits.behind]]
            if len(empty) > limits.behind:
                names.append("…")
            lines.append(self.say("digest-empty-villages", villages=", ".join(names)))
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
                    village=item.village or self.say("digest-no-village"),
                    days=self.n((now - item.submitted_at).days),
                    n=(now - item.submitted_at).days,
                )
            )
        if progress.waiting_total > len(shown):
            lines.append(
                self.say("digest-waiting-more", count=self.n(progress.waiting_total - len(shown)))
            )
        return lines

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
            self.title_section(progress, "household", period),
            self.title_section(progress, "clan", period),
            self.behind_section(progress, limits),
            self.waiting_section(progress, now, limits),
            self.inactive_section(progress, inactive_since(period, limits), limits),
        ]
        if hint:
            blocks.append([self.say("digest-hint-text")])
        return "\n\n".join("\n".join(block) for block in blocks if block)
