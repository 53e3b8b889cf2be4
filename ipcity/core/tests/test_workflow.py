"""The one workflow shape (docs/adr/0017): the table's questions and the refusals of check()."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.utils.translation import override

from ipcity.core.errors import Conflict, NotAllowed
from ipcity.core.workflow import Transition, Workflow, path_segment


def _no_holds(obj: object, user: object) -> None:
    if getattr(obj, "held", False):
        raise Conflict("held", "held")


FLOW = Workflow(
    "test.flow",
    {
        "send_back": Transition.of({"open"}, "draft", {"editor"}),
        "approve_content": Transition.of({"open"}, "done", {"editor", "chief"}, _no_holds),
        "reopen": Transition.of({"done"}, "open", {"chief"}, status_message="Only a finished one reopens."),
    },
)


def obj(status: str, **kw: object) -> SimpleNamespace:
    return SimpleNamespace(status=status, **kw)


def user(role: str, active: bool = True) -> SimpleNamespace:
    return SimpleNamespace(role=role, is_active=active)


def test_path_segment_is_the_one_spelling_rule() -> None:
    assert path_segment("approve_content") == "approve-content" and path_segment("submit") == "submit"
    assert FLOW.action_for_segment("approve-content") == "approve_content"
    assert FLOW.action_for_segment("approve_content") is None and FLOW.action_for_segment("nope") is None


def test_action_names_are_snake_case() -> None:
    with pytest.raises(ValueError, match="snake_case"):
        Workflow("bad", {"approve-content": Transition.of({"a"}, "b", {"r"})})


def test_check_returns_the_target_or_refuses_with_role_then_status_then_guard() -> None:
    assert FLOW.check("approve_content", obj("open"), user("editor")) == "done"
    with pytest.raises(NotAllowed) as role:
        FLOW.check("approve_content", obj("done"), user("clerk"))  # the role is refused before the status
    assert role.value.code == "role" and role.value.status == 403
    with pytest.raises(Conflict) as status, override("en"):
        FLOW.check("approve_content", obj("done"), user("editor"))
    assert status.value.code == "wrong_status" and status.value.status == 409
    with override("en"):
        assert status.value.message == "This cannot be done while the status is “done”."
    with pytest.raises(Conflict) as guard:
        FLOW.check("approve_content", obj("open", held=True), user("editor"))
    assert guard.value.code == "held"
    with pytest.raises(Conflict) as own:
        FLOW.check("reopen", obj("open"), user("chief"))
    assert own.value.message == "Only a finished one reopens."
    with pytest.raises(LookupError):
        FLOW.check("fly", obj("open"), user("chief"))


def test_a_deactivated_or_anonymous_user_acts_in_no_role() -> None:
    assert not FLOW.can("send_back", obj("open"), user("editor", active=False))
    assert not FLOW.can("send_back", obj("open"), None)


def test_actions_for_and_allowed_follow_the_table() -> None:
    assert FLOW.actions_for(obj("open"), user("editor")) == ["send_back", "approve_content"]
    assert FLOW.actions_for(obj("open", held=True), user("editor")) == ["send_back"]
    assert FLOW.actions_for(obj("done"), user("chief")) == ["reopen"]
    assert FLOW.allowed("open", "chief") == ["approve_content"] and FLOW.allowed("draft", "chief") == []
    assert FLOW.action_to("done", "open") == "reopen" and FLOW.action_to("draft", "open") is None


def test_system_actors_pass_the_role_check_only_where_the_workflow_says_so() -> None:
    system = Workflow("test.system", {"go": Transition.of({"a"}, "b", {"editor"})}, system_actors=True)
    assert system.check("go", obj("a"), "system") == "b"
    assert not system.can("go", obj("b"), "system")
    assert not FLOW.can("send_back", obj("open"), "system")
