"""What the dashboard's charts draw, as JSON for webui/assets/manager-dashboard.js: per table a
chart kind, labels and datasets, taken from the same read model as the numbers beside them."""

from __future__ import annotations

from engine.services.dashboard_figures import AGE_BUCKETS, Dashboard


def _bar(labels, datasets, stacked: bool = False, horizontal: bool = False) -> dict:
    return {
        "type": "bar",
        "labels": list(labels),
        "stacked": stacked,
        "horizontal": horizontal,
        "datasets": [{"label": label, "data": list(data)} for label, data in datasets],
    }


def chart_data(board: Dashboard) -> dict[str, dict]:
    flow = board.flow
    return {
        "backlog": _bar(
            [r.stage for r in board.backlog],
            [(bucket, [r.counts[i] for r in board.backlog]) for i, bucket in enumerate(AGE_BUCKETS)],
            stacked=True,
        ),
        "flow": {
            "type": "line",
            "labels": [w.label for w in flow],
            "datasets": [
                {"label": "Filed", "data": [w.filed for w in flow]},
                {"label": "Decided", "data": [w.decided for w in flow]},
            ],
        },
        "pendency": _bar(
            [p.right_type for p in board.pendency],
            [
                ("To first action, median", [p.first_action_median for p in board.pendency]),
                ("To first action, p90", [p.first_action_p90 for p in board.pendency]),
                ("To final decision, median", [p.decision_median for p in board.pendency]),
                ("To final decision, p90", [p.decision_p90 for p in board.pendency]),
            ],
        ),
        "due-share": _bar([d.right_type for d in board.due_share], [("On time, %", [d.share for d in board.due_share])]),
        "deadlines": _bar(
            [d.kind for d in board.deadlines],
            [("Overdue", [d.overdue for d in board.deadlines]), ("Due within 14 days", [d.due_soon for d in board.deadlines])],
            stacked=True,
        ),
        "workload": _bar(
            [w.username for w in board.workload],
            [
                ("Open tasks assigned", [w.open_assigned for w in board.workload]),
                ("Tasks completed", [w.completed for w in board.workload]),
            ],
            horizontal=True,
        ),
        "renewals": _bar(
            [m.month.strftime("%Y-%m") for m in board.renewals],
            [
                ("Rights expiring", [m.expiring_rights for m in board.renewals]),
                ("Renewal time limits", [m.renewal_limits for m in board.renewals]),
                ("Annuity time limits", [m.annuity_limits for m in board.renewals]),
            ],
        ),
        "payments": _bar([p.currency for p in board.payments], [("Unmatched payments", [p.count for p in board.payments])]),
    }
