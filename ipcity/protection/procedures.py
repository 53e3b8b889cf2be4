"""Procedures as data: `policies/<plan>/procedures/<code>.yaml` read into dataclasses, validated, and a
case's event history replayed into its current state and recomputed deadlines (docs/adr/0500).

Pure Python, no Django. `replay(procedure, history)` is what `POST /api/protection/cases/{id}/events`
will call: it refuses an event that is unknown, not allowed in the current state (or to the actor's
role), or dated before the previous event, with a message in Chinese and English.

A procedure file:

    code: complaint
    name_zh / name_en, source_zh / source_en
    states:  {<state>: {zh, en, final?}}
    events:  {<event>: {zh, en, from: [<state>…] (empty: opens a case), to: <state> | same | previous,
                        roles: [<role>…], stops: [<limit>…], resumes: [<limit>…], extends: <limit>?}}
    limits:  {<limit>: {zh, en, unit: days|working_days|months, starts_on: <event>, met_by: [<event>…],
                        extension: {max_times, max_amount}?  (extendable; the event that `extends` it),
                        values: [{effective_from: YYYY-MM-DD, amount, citation, kind: statute|local_practice,
                                  note?}]}}

`to: same` keeps the state (an approved extension), `to: previous` returns to the state the case was in
before it entered the current one (a suspension resumed). A limit's value in force is the latest one
whose `effective_from` is on or before the day its clock started.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .deadlines import MAX_AMOUNT, MAX_DATE, MIN_DATE, Deadline, Stop, Unit, WorkCalendar, compute_deadline

# The roles of the product (ipcity.accounts.choices.Role) plus `public`: anyone, signed in or not (a
# complainant filing online). A test keeps this list in step with the Role choices.
ROLES = frozenset({"public", "applicant", "department", "plan_office", "admin"})
KINDS = frozenset({"statute", "local_practice"})
SAME, PREVIOUS = "same", "previous"


class ProcedureDefinitionError(Exception):
    """A procedure file that cannot be used. `problems` lists each as `<file>: <where>: <what>`."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class CaseEventError(ValueError):
    """An event the case's history cannot take. `index` is the event's position in the history."""

    def __init__(self, code: str, zh: str, en: str, index: int | None = None) -> None:
        super().__init__(f"{zh} / {en}")
        self.code, self.zh, self.en, self.index = code, zh, en, index


@dataclass(frozen=True)
class State:
    code: str
    zh: str
    en: str
    final: bool = False


@dataclass(frozen=True)
class Event:
    code: str
    zh: str
    en: str
    from_states: tuple[str, ...]
    to: str
    roles: frozenset[str]
    stops: tuple[str, ...] = ()
    resumes: tuple[str, ...] = ()
    extends: str | None = None

    @property
    def opens(self) -> bool:
        return not self.from_states


@dataclass(frozen=True)
class LimitValue:
    effective_from: dt.date
    amount: int
    citation: str
    kind: str
    note: str = ""


@dataclass(frozen=True)
class Extension:
    max_times: int
    max_amount: int


@dataclass(frozen=True)
class Limit:
    code: str
    zh: str
    en: str
    unit: Unit
    starts_on: str
    met_by: tuple[str, ...]
    values: tuple[LimitValue, ...]  # sorted by effective_from
    extension: Extension | None = None

    @property
    def extendable(self) -> bool:
        return self.extension is not None

    def value_on(self, day: dt.date) -> LimitValue | None:
        found = None
        for value in self.values:
            if value.effective_from <= day:
                found = value
        return found


@dataclass(frozen=True)
class Procedure:
    code: str
    name_zh: str
    name_en: str
    source_zh: str
    source_en: str
    states: dict[str, State]
    events: dict[str, Event]
    limits: dict[str, Limit]

    def allowed_events(self, state: str | None, role: str | None = None) -> list[str]:
        """The events allowed in `state` (None: a case not opened yet), to `role` if given."""
        return [
            e.code
            for e in self.events.values()
            if (e.opens if state is None else state in e.from_states) and (role is None or role in e.roles)
        ]


# --- reading and validating ------------------------------------------------------------------


def _text(raw: Any, key: str, where: str, problems: list[str], required: bool = True) -> str:
    value = raw.get(key) if isinstance(raw, dict) else None
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.append(f"{where}: `{key}` is missing / 缺少 `{key}`")
        return ""
    if not isinstance(value, str):
        problems.append(f"{where}: `{key}` must be text / `{key}` 必须是文本")
        return ""
    return value.strip()


def _codes(raw: Any, key: str, where: str, problems: list[str]) -> tuple[str, ...]:
    value = raw.get(key, []) if isinstance(raw, dict) else []
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(f"{where}: `{key}` must be a list of codes / `{key}` 必须是代码列表")
        return ()
    return tuple(value)


def _positive_int(value: Any, where: str, problems: list[str]) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_AMOUNT:
        problems.append(
            f"{where}: must be a whole number from 1 to {MAX_AMOUNT} / 必须是1至{MAX_AMOUNT}的整数"
        )
        return 0
    return value


def parse_procedure(raw: Any, source: str = "<procedure>") -> Procedure:
    """A procedure from its parsed YAML; every problem is reported at once."""
    problems: list[str] = []
    if not isinstance(raw, dict):
        raise ProcedureDefinitionError([f"{source}: not a mapping / 不是映射"])
    allowed_top = {
        "code",
        "name_zh",
        "name_en",
        "source_zh",
        "source_en",
        "states",
        "events",
        "limits",
        "notes",
    }
    for key in sorted(set(raw) - allowed_top):
        problems.append(f"{source}: unknown key `{key}` / 未知字段 `{key}`")
    code = _text(raw, "code", source, problems)
    name_zh = _text(raw, "name_zh", source, problems)
    name_en = _text(raw, "name_en", source, problems)
    source_zh = _text(raw, "source_zh", source, problems)
    source_en = _text(raw, "source_en", source, problems)

    states: dict[str, State] = {}
    raw_states = raw.get("states")
    if not isinstance(raw_states, dict) or not raw_states:
        problems.append(f"{source}: `states` must list at least one state / `states` 至少列出一个状态")
        raw_states = {}
    for s_code, s_raw in raw_states.items():
        where = f"{source}: states.{s_code}"
        if s_code in (SAME, PREVIOUS):
            problems.append(f"{where}: `{s_code}` is reserved / `{s_code}` 为保留字")
        states[str(s_code)] = State(
            code=str(s_code),
            zh=_text(s_raw, "zh", where, problems),
            en=_text(s_raw, "en", where, problems),
            final=bool(s_raw.get("final", False)) if isinstance(s_raw, dict) else False,
        )

    raw_limits = raw.get("limits") or {}
    if not isinstance(raw_limits, dict):
        problems.append(f"{source}: `limits` must be a mapping / `limits` 必须是映射")
        raw_limits = {}
    limit_codes = {str(k) for k in raw_limits}

    events: dict[str, Event] = {}
    raw_events = raw.get("events")
    if not isinstance(raw_events, dict) or not raw_events:
        problems.append(f"{source}: `events` must list at least one event / `events` 至少列出一个事件")
        raw_events = {}
    for e_code, e_raw in raw_events.items():
        where = f"{source}: events.{e_code}"
        if not isinstance(e_raw, dict):
            problems.append(f"{where}: not a mapping / 不是映射")
            continue
        from_states = _codes(e_raw, "from", where, problems)
        for s in from_states:
            if s not in states:
                problems.append(f"{where}: unknown state `{s}` in `from` / `from` 中的状态 `{s}` 未定义")
        to = _text(e_raw, "to", where, problems)
        if to and to not in states and to not in (SAME, PREVIOUS):
            problems.append(f"{where}: unknown state `{to}` in `to` / `to` 中的状态 `{to}` 未定义")
        if not from_states and to in (SAME, PREVIOUS):
            problems.append(f"{where}: an opening event needs a real `to` state / 立案事件须指定目标状态")
        roles = _codes(e_raw, "roles", where, problems)
        if not roles:
            problems.append(f"{where}: `roles` is empty / 未列出可执行的角色")
        for r in roles:
            if r not in ROLES:
                problems.append(
                    f"{where}: unknown role `{r}` (known: {', '.join(sorted(ROLES))}) / 未知角色 `{r}`"
                )
        stops = _codes(e_raw, "stops", where, problems)
        resumes = _codes(e_raw, "resumes", where, problems)
        extends = e_raw.get("extends")
        for key, refs in (("stops", stops), ("resumes", resumes), ("extends", (extends,) if extends else ())):
            for ref in refs:
                if ref not in limit_codes:
                    problems.append(
                        f"{where}: unknown limit `{ref}` in `{key}` / `{key}` 中的期限 `{ref}` 未定义"
                    )
        for key in sorted(set(e_raw) - {"zh", "en", "from", "to", "roles", "stops", "resumes", "extends"}):
            problems.append(f"{where}: unknown key `{key}` / 未知字段 `{key}`")
        events[str(e_code)] = Event(
            code=str(e_code),
            zh=_text(e_raw, "zh", where, problems),
            en=_text(e_raw, "en", where, problems),
            from_states=from_states,
            to=to,
            roles=frozenset(roles),
            stops=stops,
            resumes=resumes,
            extends=str(extends) if extends else None,
        )
    if events and not any(e.opens for e in events.values()):
        problems.append(f"{source}: no event opens a case (`from: []`) / 没有立案事件（`from: []`）")

    limits: dict[str, Limit] = {}
    for l_code, l_raw in raw_limits.items():
        where = f"{source}: limits.{l_code}"
        if not isinstance(l_raw, dict):
            problems.append(f"{where}: not a mapping / 不是映射")
            continue
        for key in sorted(set(l_raw) - {"zh", "en", "unit", "starts_on", "met_by", "extension", "values"}):
            problems.append(f"{where}: unknown key `{key}` / 未知字段 `{key}`")
        unit_raw = l_raw.get("unit")
        try:
            unit = Unit(str(unit_raw))
        except ValueError:
            problems.append(
                f"{where}: unit `{unit_raw}` is not days, working_days or months / 单位 `{unit_raw}` 无效"
            )
            unit = Unit.DAYS
        starts_on = _text(l_raw, "starts_on", where, problems)
        if starts_on and starts_on not in events:
            problems.append(
                f"{where}: started by unknown event `{starts_on}` / 起算事件 `{starts_on}` 未定义"
            )
        met_by = _codes(l_raw, "met_by", where, problems)
        for e in met_by:
            if e not in events:
                problems.append(f"{where}: unknown event `{e}` in `met_by` / `met_by` 中的事件 `{e}` 未定义")
        extension = None
        ext_raw = l_raw.get("extension")
        if ext_raw is not None:
            if not isinstance(ext_raw, dict):
                problems.append(f"{where}.extension: not a mapping / 不是映射")
            else:
                extension = Extension(
                    max_times=_positive_int(
                        ext_raw.get("max_times"), f"{where}.extension.max_times", problems
                    ),
                    max_amount=_positive_int(
                        ext_raw.get("max_amount"), f"{where}.extension.max_amount", problems
                    ),
                )
            if not any(e.extends == l_code for e in events.values()):
                problems.append(f"{where}: extendable but no event `extends` it / 可延长但没有延长事件")
        elif any(e.extends == l_code for e in events.values()):
            problems.append(
                f"{where}: an event extends it but it has no `extension` / 有延长事件但未规定可延长"
            )
        values: list[LimitValue] = []
        raw_values = l_raw.get("values")
        if not isinstance(raw_values, list) or not raw_values:
            problems.append(
                f"{where}: `values` must list at least one dated value / `values` 至少列出一个带日期的取值"
            )
            raw_values = []
        for i, v_raw in enumerate(raw_values):
            v_where = f"{where}.values[{i}]"
            if not isinstance(v_raw, dict):
                problems.append(f"{v_where}: not a mapping / 不是映射")
                continue
            for key in sorted(set(v_raw) - {"effective_from", "amount", "citation", "kind", "note"}):
                problems.append(f"{v_where}: unknown key `{key}` / 未知字段 `{key}`")
            effective = v_raw.get("effective_from")
            if not isinstance(effective, dt.date) or isinstance(effective, dt.datetime):
                problems.append(
                    f"{v_where}: `effective_from` must be a date YYYY-MM-DD / `effective_from` 必须是日期"
                )
                effective = MIN_DATE
            elif not MIN_DATE <= effective <= MAX_DATE:
                problems.append(f"{v_where}: `effective_from` out of range / `effective_from` 超出范围")
            citation = _text(v_raw, "citation", v_where, problems, required=False)
            if not citation:
                problems.append(f"{v_where}: a time limit without a citation / 期限缺少依据（citation）")
            kind = v_raw.get("kind")
            if kind not in KINDS:
                problems.append(
                    f"{v_where}: `kind` must be statute or local_practice / `kind` 必须是 statute 或 local_practice"
                )
            values.append(
                LimitValue(
                    effective_from=effective,
                    amount=_positive_int(v_raw.get("amount"), f"{v_where}.amount", problems),
                    citation=citation,
                    kind=str(kind),
                    note=_text(v_raw, "note", v_where, problems, required=False),
                )
            )
        dates = [v.effective_from for v in values]
        if len(set(dates)) != len(dates):
            problems.append(f"{where}: two values with the same `effective_from` / 两个取值的生效日期相同")
        limits[str(l_code)] = Limit(
            code=str(l_code),
            zh=_text(l_raw, "zh", where, problems),
            en=_text(l_raw, "en", where, problems),
            unit=unit,
            starts_on=starts_on,
            met_by=met_by,
            values=tuple(sorted(values, key=lambda v: v.effective_from)),
            extension=extension,
        )
    if problems:
        raise ProcedureDefinitionError(problems)
    return Procedure(
        code=code,
        name_zh=name_zh,
        name_en=name_en,
        source_zh=source_zh,
        source_en=source_en,
        states=states,
        events=events,
        limits=limits,
    )


def load_procedure(path: Path | str) -> Procedure:
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ProcedureDefinitionError([f"{path.name}: not valid YAML / 不是有效的 YAML: {exc}"]) from exc
    procedure = parse_procedure(raw, source=path.name)
    if procedure.code != path.stem:
        raise ProcedureDefinitionError(
            [f"{path.name}: code `{procedure.code}` differs from the file name / code 与文件名不一致"]
        )
    return procedure


def load_procedures(directory: Path | str) -> dict[str, Procedure]:
    """Every `<code>.yaml` of a procedures folder; all problems of all files are reported together."""
    problems: list[str] = []
    found: dict[str, Procedure] = {}
    for path in sorted(Path(directory).glob("*.yaml")):
        try:
            found[path.stem] = load_procedure(path)
        except ProcedureDefinitionError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ProcedureDefinitionError(problems)
    return found


# --- replaying a case's history --------------------------------------------------------------


@dataclass(frozen=True)
class CaseEvent:
    """One event of a case: what happened, on which day, by which role (optional), and for an extension
    how much was approved (None: the most the limit allows)."""

    event: str
    on: dt.date
    role: str | None = None
    amount: int | None = None
    reason: str = ""


@dataclass
class _Clock:
    limit: Limit
    started_on: dt.date
    value: LimitValue
    stops: list[Stop] = field(default_factory=list)
    open_stop: tuple[dt.date, str, str] | None = None
    extensions: list[int] = field(default_factory=list)
    met_on: dt.date | None = None

    def all_stops(self) -> list[Stop]:
        stops = list(self.stops)
        if self.open_stop is not None:
            stops.append(Stop(self.open_stop[0], None, self.open_stop[1], self.open_stop[2]))
        return stops

    def deadline(self, calendar: WorkCalendar | None) -> Deadline:
        computed = compute_deadline(
            code=self.limit.code,
            start=self.started_on,
            unit=self.limit.unit,
            amount=self.value.amount,
            stops=self.all_stops(),
            extension=sum(self.extensions),
            calendar=calendar,
        )
        citation = f" [{self.value.citation}]"
        if self.value.kind == "local_practice":
            citation = f" [本地做法 / local practice: {self.value.citation}]"
        basis = computed.basis + citation
        if self.met_on is not None:
            basis += f" 已于{self.met_on.isoformat()}完成 / met on {self.met_on.isoformat()}."
        return Deadline(
            code=computed.code,
            due=computed.due,
            basis=basis,
            provisional=computed.provisional,
            stopped_since=computed.stopped_since,
            met_on=self.met_on,
        )


@dataclass(frozen=True)
class CaseStatus:
    state: str
    deadlines: list[Deadline]
    history: tuple[CaseEvent, ...]

    def deadline(self, code: str) -> Deadline:
        """The deadline `code` (KeyError when its clock has not started)."""
        for deadline in self.deadlines:
            if deadline.code == code:
                return deadline
        raise KeyError(code)


def _as_events(history: Iterable[CaseEvent | tuple[Any, ...]]) -> list[CaseEvent]:
    events: list[CaseEvent] = []
    for item in history:
        if isinstance(item, CaseEvent):
            events.append(item)
        else:
            events.append(CaseEvent(*item))
    return events


def replay(
    procedure: Procedure,
    history: Sequence[CaseEvent | tuple[Any, ...]],
    *,
    calendar: WorkCalendar | None = None,
) -> CaseStatus:
    """The case's current state and its deadlines (in the order the procedure lists its limits) after
    `history`, checked event by event. Raises CaseEventError on the first event the case cannot take."""
    events = _as_events(history)
    if not events:
        raise CaseEventError("empty", "案件没有任何事件", "the case has no events")
    state: str | None = None
    previous_states: list[str] = []
    previous_day: dt.date | None = None
    clocks: dict[str, _Clock] = {}
    for index, item in enumerate(events):
        event = procedure.events.get(item.event)
        if event is None:
            raise CaseEventError(
                "unknown_event",
                f"程序“{procedure.name_zh}”没有事件“{item.event}”",
                f"the {procedure.name_en} procedure has no event `{item.event}`",
                index,
            )
        if not isinstance(item.on, dt.date) or isinstance(item.on, dt.datetime):
            raise CaseEventError("bad_date", "事件日期必须是日期", "the event's date must be a date", index)
        if not MIN_DATE <= item.on <= MAX_DATE:
            raise CaseEventError(
                "date_out_of_range",
                f"事件日期 {item.on.isoformat()} 超出支持范围",
                f"the event date {item.on.isoformat()} is outside the supported range",
                index,
            )
        if previous_day is not None and item.on < previous_day:
            raise CaseEventError(
                "before_previous",
                f"“{event.zh}”的日期 {item.on.isoformat()} 早于上一事件的日期 {previous_day.isoformat()}",
                f"`{event.code}` on {item.on.isoformat()} is dated before the previous event "
                f"({previous_day.isoformat()})",
                index,
            )
        allowed = event.opens if state is None else state in event.from_states
        if not allowed:
            if state is None:
                zh = f"案件须以立案事件开始，不能以“{event.zh}”开始"
                en = f"a case must begin with an opening event, not `{event.code}`"
            else:
                st = procedure.states[state]
                zh = f"案件处于“{st.zh}”状态，不能执行“{event.zh}”"
                en = f"`{event.code}` is not allowed while the case is `{state}` ({st.en})"
            raise CaseEventError("not_allowed", zh, en, index)
        if item.role is not None and item.role not in event.roles:
            raise CaseEventError(
                "role_not_allowed",
                f"角色“{item.role}”不能执行“{event.zh}”",
                f"the role `{item.role}` may not record `{event.code}`",
                index,
            )
        if item.amount is not None and event.extends is None:
            raise CaseEventError(
                "amount_not_allowed",
                f"“{event.zh}”不延长期限，不能带延长量",
                f"`{event.code}` extends no limit and takes no amount",
                index,
            )

        # Clocks: extension first (checked against the limit as it stood), then meets, stops, resumes, starts.
        if event.extends is not None:
            _extend(procedure, clocks, event, item, index, calendar)
        for running in clocks.values():
            if running.met_on is None and event.code in running.limit.met_by:
                running.met_on = item.on
        for code in event.stops:
            stopping = clocks.get(code)
            if stopping is not None and stopping.met_on is None and stopping.open_stop is None:
                stopping.open_stop = (item.on, item.reason or event.zh, item.reason or event.en)
        for code in event.resumes:
            resuming = clocks.get(code)
            if resuming is not None and resuming.open_stop is not None:
                stopped_on, reason, reason_en = resuming.open_stop
                resuming.stops.append(Stop(stopped_on, item.on, reason, reason_en))
                resuming.open_stop = None
        for limit in procedure.limits.values():
            if limit.starts_on == event.code:
                value = limit.value_on(item.on)
                if value is None:
                    raise CaseEventError(
                        "limit_not_in_force",
                        f"期限“{limit.zh}”在{item.on.isoformat()}尚无有效规定",
                        f"no value of the limit `{limit.code}` is in force on {item.on.isoformat()}",
                        index,
                    )
                clocks[limit.code] = _Clock(limit=limit, started_on=item.on, value=value)

        # State.
        if event.to == PREVIOUS:
            new_state = previous_states.pop() if previous_states else state
        elif event.to == SAME:
            new_state = state
        else:
            new_state = event.to
            if state is not None and new_state != state:
                previous_states.append(state)
        state = new_state
        assert state is not None
        if procedure.states[state].final:
            for clock in clocks.values():
                if clock.met_on is None:
                    clock.met_on = item.on
        previous_day = item.on

    assert state is not None
    order = list(procedure.limits)
    deadlines = [clocks[c].deadline(calendar) for c in order if c in clocks]
    return CaseStatus(state=state, deadlines=deadlines, history=tuple(events))


def _extend(
    procedure: Procedure,
    clocks: dict[str, _Clock],
    event: Event,
    item: CaseEvent,
    index: int,
    calendar: WorkCalendar | None,
) -> None:
    assert event.extends is not None
    limit = procedure.limits[event.extends]
    extension = limit.extension
    assert extension is not None  # the validator guarantees an extendable limit
    clock = clocks.get(limit.code)
    if clock is None or clock.met_on is not None:
        raise CaseEventError(
            "limit_not_running",
            f"期限“{limit.zh}”未在计算中，不能延长",
            f"the limit `{limit.code}` is not running and cannot be extended",
            index,
        )
    if len(clock.extensions) >= extension.max_times:
        raise CaseEventError(
            "extension_exhausted",
            f"期限“{limit.zh}”最多延长{extension.max_times}次，已延长{len(clock.extensions)}次",
            f"the limit `{limit.code}` may be extended at most {extension.max_times} time(s); "
            f"it has been extended {len(clock.extensions)} time(s)",
            index,
        )
    amount = extension.max_amount if item.amount is None else item.amount
    if isinstance(amount, bool) or not isinstance(amount, int) or not 1 <= amount <= extension.max_amount:
        raise CaseEventError(
            "extension_too_long",
            f"期限“{limit.zh}”每次最多延长{extension.max_amount}（单位同期限），收到 {amount}",
            f"the limit `{limit.code}` may be extended by 1 to {extension.max_amount} {limit.unit.value}; got {amount}",
            index,
        )
    current = clock.deadline(calendar)
    if current.due is not None and item.on > current.due:
        raise CaseEventError(
            "extension_after_expiry",
            f"期限“{limit.zh}”已于{current.due.isoformat()}届满，延长须在届满前批准",
            f"the limit `{limit.code}` expired on {current.due.isoformat()}; an extension must be approved "
            "before it expires",
            index,
        )
    clock.extensions.append(amount)
