"""Planned start times of agenda items: from the meeting's start, each item after the one
before; an item with sub-items has its own minutes first (its introduction) and then its
sub-items, and lasts as long as all of them together. Pure arithmetic, unit-tested on its
own."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any


@dataclass
class Slot:
    """One item in agenda order: its number ("3", "3.1"), start, minutes and depth."""

    item: Any
    number: str
    starts_at: time
    ends_at: time
    minutes: int
    depth: int
    overruns: bool = False
    children: list[Slot] = field(default_factory=list)
    own_minutes: int = 0  # an item with sub-items: its own introduction before them
    first: bool = False  # among its siblings (nothing to move it up past)
    last: bool = False


@dataclass
class Schedule:
    slots: list[Slot]  # top-level items, each with its sub-items in .children
    ends_at: time
    overrun_minutes: int  # how far the agenda runs past the meeting's end time (0 if not)

    def flat(self) -> list[Slot]:
        out: list[Slot] = []
        for slot in self.slots:
            out.append(slot)
            out.extend(slot.children)
        return out


def _plus(moment: datetime, minutes: int) -> datetime:
    return moment + timedelta(minutes=minutes)


def plan(starts_at: time, ends_at: time, items: list, children_of) -> Schedule:
    """``items`` are the top-level items in order, each with ``duration_minutes``;
    ``children_of(item)`` gives an item's sub-items in order. Times do not wrap past
    midnight: a meeting that would is reported as overrunning."""
    day = date(2000, 1, 1)
    clock = datetime.combine(day, starts_at)
    end = datetime.combine(day, ends_at)
    slots = []
    for number, item in enumerate(items, start=1):
        children = children_of(item)
        start = clock
        # The item's own minutes come first, also when it has sub-items (making an item a
        # sub-item once dropped its parent's own time from the schedule).
        clock = _plus(clock, item.duration_minutes)
        child_slots = []
        for sub_number, child in enumerate(children, start=1):
            child_end = _plus(clock, child.duration_minutes)
            child_slots.append(
                Slot(
                    child,
                    f"{number}.{sub_number}",
                    clock.time(),
                    child_end.time(),
                    child.duration_minutes,
                    1,
                    overruns=child_end > end,
                )
            )
            clock = child_end
        minutes = int((clock - start).total_seconds() // 60)
        slots.append(
            Slot(
                item,
                str(number),
                start.time(),
                clock.time(),
                minutes,
                0,
                overruns=clock > end,
                children=child_slots,
                own_minutes=item.duration_minutes if children else 0,
            )
        )
    for siblings in [slots, *(s.children for s in slots)]:
        if siblings:
            siblings[0].first, siblings[-1].last = True, True
    overrun = max(0, int((clock - end).total_seconds() // 60))
    return Schedule(slots, clock.time(), overrun)
