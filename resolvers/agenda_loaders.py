"""DataLoaders of the agenda, requests and credits, one set per request (`loaders.agenda`).

Keys are children or rows the viewer reached through an authorised path (a visible child,
`node`, a mutation result, a live event); the loaders batch, they do not authorise.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from strawberry.dataloader import DataLoader

from models import CreditType, DayRequest, Organisation, RequestedDay, RequestedDayChange
from services import agenda, availability, clock, credits
from services.planning import CareSlot
from services.principal import Principal
from subscriptions import hub


def _by_id(model):
    async def load(ids: Sequence[int]) -> list:
        rows = {row.id: row for row in await model.filter(id__in=list(ids))}
        return [rows.get(i) for i in ids]

    return load


class AgendaLoaders:
    def __init__(self, principal: Principal | None) -> None:
        self.principal = principal
        self.requested_day_by_id: DataLoader[int, RequestedDay | None] = DataLoader(
            _by_id(RequestedDay)
        )
        self.day_request_by_id: DataLoader[int, DayRequest | None] = DataLoader(_by_id(DayRequest))
        self.credit_type_by_id: DataLoader[int, CreditType | None] = DataLoader(_by_id(CreditType))
        self.changes_by_day: DataLoader[int, list[RequestedDayChange]] = DataLoader(self._changes)
        self.days_by_request: DataLoader[int, list[RequestedDay]] = DataLoader(self._days)
        self.slots_by_child_range: DataLoader[tuple[int, date, date], list[CareSlot]] = DataLoader(
            self._slots
        )
        self.options_by_child_date: DataLoader[tuple[int, date], availability.DayOptions] = (
            DataLoader(self._options)
        )
        self.credits_by_child: DataLoader[int, list[credits.CreditBalance]] = DataLoader(
            self._credits
        )

    @property
    def _organisation_id(self) -> int:
        assert self.principal is not None
        return self.principal.organisation_id

    async def _changes(self, ids: Sequence[int]) -> list[list[RequestedDayChange]]:
        found = await agenda.changes_by_day(list(ids))
        return [found[i] for i in ids]

    async def _days(self, ids: Sequence[int]) -> list[list[RequestedDay]]:
        found = await agenda.days_by_request(list(ids))
        return [found[i] for i in ids]

    async def _slots(self, keys: Sequence[tuple[int, date, date]]) -> list[list[CareSlot]]:
        by_range: dict[tuple[date, date], list[int]] = defaultdict(list)
        for child_id, start, end in keys:
            by_range[(start, end)].append(child_id)
        found: dict[tuple[int, date, date], list[CareSlot]] = {}
        for (start, end), child_ids in by_range.items():
            result = await agenda.agendas(
                self._organisation_id, child_ids, start, end, publisher=hub.publisher()
            )
            found.update({(c, start, end): slots for c, slots in result.items()})
        return [found[k] for k in keys]

    async def _options(self, keys: Sequence[tuple[int, date]]) -> list[availability.DayOptions]:
        by_date: dict[date, list[int]] = defaultdict(list)
        for child_id, day in keys:
            by_date[day].append(child_id)
        found: dict[tuple[int, date], availability.DayOptions] = {}
        for day, child_ids in by_date.items():
            result = await availability.available_times(self._organisation_id, child_ids, day)
            found.update({(c, day): options for c, options in result.items()})
        return [found[k] for k in keys]

    async def _credits(self, ids: Sequence[int]) -> list[list[credits.CreditBalance]]:
        organisation = await Organisation.get(id=self._organisation_id)
        result = await credits.balances(
            self._organisation_id, list(ids), clock.today(organisation.timezone)
        )
        return [result[i] for i in ids]
