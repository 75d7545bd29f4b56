"""Saved inbox filters: private ones stay with their owner, shared ones reach everyone holding the
role; the same name replaces; only the owner (or a manager, for shared ones) deletes."""

from __future__ import annotations

from datetime import date

import pytest

from engine.errors import InvalidInput, NotFound, PermissionDenied
from engine.services.inbox import inbox_page
from engine.services.inbox_query import InboxQuery
from engine.services.saved_filters import delete_filter, list_filters, save_filter

OVERDUE_DESIGNS = InboxQuery(tab="groups", right_type="design", overdue=True, page=4)


def names(ctx, user: str) -> list[tuple[str, bool]]:
    return [(f.name, f.mine) for f in list_filters(ctx, user)]


def test_private_filters_stay_with_their_owner_and_shared_ones_reach_the_role(ipflow):
    save_filter(ipflow, "examiner", "  Overdue designs ", OVERDUE_DESIGNS)
    shared = save_filter(ipflow, "examiner", "Team queue", InboxQuery(tab="groups", sort="priority"), shared_role="examiner")
    save_filter(ipflow, "manager", "Everything", InboxQuery(tab="all"))

    assert names(ipflow, "examiner") == [("Overdue designs", True), ("Team queue", True)]
    assert names(ipflow, "manager") == [("Everything", True), ("Team queue", False)]  # holds examiner too
    assert names(ipflow, "clerk") == []
    assert shared.shared_role == "examiner" and shared.owner == "examiner"
    assert [f.name for f in inbox_page(ipflow, "manager", InboxQuery()).saved_filters] == ["Everything", "Team queue"]


def test_the_stored_query_is_the_inbox_query_without_its_page(ipflow):
    saved = save_filter(ipflow, "examiner", "Overdue designs", OVERDUE_DESIGNS.replace(due_from=date(2026, 3, 1)))
    assert saved.query == {"tab": "groups", "right_type": "design", "overdue": True, "due_from": "2026-03-01"}
    assert InboxQuery.from_dict(saved.query) == OVERDUE_DESIGNS.replace(page=1, due_from=date(2026, 3, 1))


def test_the_same_name_replaces_and_bad_names_or_roles_are_refused_by_field(ipflow):
    first = save_filter(ipflow, "examiner", "Mine", InboxQuery(sort="created"))
    second = save_filter(ipflow, "examiner", "Mine", InboxQuery(sort="-due"), shared_role="examiner")
    assert second.id == first.id and second.query == {"sort": "-due"} and second.shared_role == "examiner"
    assert len(list_filters(ipflow, "examiner")) == 1
    for name in ("", "   ", "x" * 101):
        with pytest.raises(InvalidInput) as bad_name:
            save_filter(ipflow, "examiner", name, InboxQuery())
        assert set(bad_name.value.fields) == {"name"}
    with pytest.raises(InvalidInput) as bad_role:
        save_filter(ipflow, "examiner", "For clerks", InboxQuery(), shared_role="clerk")
    assert set(bad_role.value.fields) == {"shared_role"}
    assert save_filter(ipflow, "examiner", "Private", InboxQuery(), shared_role="").shared_role is None


def test_only_the_owner_or_a_manager_for_shared_ones_deletes(ipflow):
    private = save_filter(ipflow, "examiner", "Private", InboxQuery())
    shared = save_filter(ipflow, "examiner", "Shared", InboxQuery(), shared_role="examiner")
    others = save_filter(ipflow, "manager", "Manager's own", InboxQuery())

    with pytest.raises(NotFound):
        delete_filter(ipflow, "manager", private.id)  # private: not even a manager sees it
    with pytest.raises(NotFound):
        delete_filter(ipflow, "examiner", others.id)
    with pytest.raises(NotFound):
        delete_filter(ipflow, "examiner", 999_999)
    assert delete_filter(ipflow, "manager", shared.id).name == "Shared"
    assert delete_filter(ipflow, "examiner", private.id).name == "Private"
    assert names(ipflow, "examiner") == []


def test_a_colleague_sharing_the_role_may_not_delete_a_shared_filter(ipflow, settings):
    shared = save_filter(ipflow, "manager", "Registrar queue", InboxQuery(tab="groups"), shared_role="registrar")
    with pytest.raises(PermissionDenied):
        delete_filter(ipflow, "registrar", shared.id)
    assert names(ipflow, "registrar") == [("Registrar queue", False)]
