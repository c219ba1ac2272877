"""Targets and requirements: officials edit district targets, project requirements, districts,
projects and organisations in tables; each table is validated whole and every change audited."""

from collections.abc import Callable

import pandas as pd
import streamlit as st

from indicators.access import PermissionDenied
from indicators.editing import EditError
from indicators.ui import admin, data, session
from indicators.ui.language import t

actor = session.require("manage_targets")

st.title(t("nav.targets"))
st.caption(t("admin.targets.intro"))

if done := st.session_state.pop("targets_done", None):
    st.success(done, icon=":material/check:")

indicators = admin.indicator_keys(actor)
districts = data.districts(data.version())
projects = admin.reference(actor, "project")
organisations = admin.reference(actor, "organisation")
COMPARATORS = [">=", "<=", ">", "<", "="]


def label(column: str) -> str:
    return t(f"admin.targets.col.{column}")


def editor(
    name: str,
    frame: pd.DataFrame,
    config: dict,
    save: Callable[[pd.DataFrame], dict],
    hidden: tuple[str, ...] = (),
) -> None:
    """An editable table in a form; Save validates the whole table, stores it, and reruns."""
    generation = st.session_state.get(f"targets_{name}_generation", 0)
    with st.form(f"targets_{name}", border=False):
        edited = st.data_editor(
            frame,
            key=f"targets_{name}_{generation}",
            num_rows="dynamic",
            hide_index=True,
            width="stretch",
            column_order=[c for c in frame.columns if c not in hidden],
            column_config={c: config.get(c, label(c)) for c in frame.columns},
        )
        st.caption(t("admin.targets.rows_help"))
        submitted = st.form_submit_button(t("admin.targets.save"), type="primary")
    if not submitted:
        return
    try:
        counts = save(edited)
    except EditError as exc:
        st.error(t("admin.targets.refused", count=len(exc.errors)))
        st.dataframe(
            pd.DataFrame([e.model_dump() for e in exc.errors])[
                ["line", "column", "value", "reason"]
            ],
            hide_index=True,
            width="stretch",
            column_config={
                "line": label("line"),
                "column": label("column"),
                "value": label("given"),
                "reason": label("reason"),
            },
        )
        return
    except (PermissionDenied, ValueError) as exc:
        st.error(str(exc))
        return
    if any(counts.values()):
        st.session_state["targets_done"] = t("admin.targets.saved", **counts)
    else:
        st.session_state["targets_done"] = t("admin.targets.unchanged")
    st.session_state[f"targets_{name}_generation"] = generation + 1
    st.rerun()


def target_config(requirements: bool) -> dict:
    scope = (
        {
            "project_id": st.column_config.SelectboxColumn(
                label("project_id"), options=projects["id"].tolist(), required=True
            )
        }
        if requirements
        else {
            "district_id": st.column_config.SelectboxColumn(
                label("district_id"), options=districts["id"].tolist(), required=True
            )
        }
    )
    return {
        "id": st.column_config.NumberColumn(label("id"), disabled=True, format="%d"),
        "indicator": st.column_config.SelectboxColumn(
            label("indicator"), options=indicators["key"].tolist(), required=True
        ),
        **scope,
        "year": st.column_config.NumberColumn(
            label("year"), min_value=1900, max_value=2100, step=1, format="%d"
        ),
        "value": st.column_config.NumberColumn(label("value"), required=True),
        "comparator": st.column_config.SelectboxColumn(label("comparator"), options=COMPARATORS),
        "baseline_year": st.column_config.NumberColumn(
            label("baseline_year"), min_value=1900, max_value=2100, step=1, format="%d"
        ),
        "baseline_value": st.column_config.NumberColumn(label("baseline_value")),
        "source": st.column_config.TextColumn(label("source"), required=True),
    }


tabs = st.tabs(
    [
        t("admin.targets.tab_targets"),
        t("admin.targets.tab_requirements"),
        t("admin.targets.tab_districts"),
        t("admin.targets.tab_projects"),
        t("admin.targets.tab_organisations"),
    ]
)

with tabs[0]:
    editor(
        "district",
        admin.targets(actor, requirements=False),
        target_config(requirements=False),
        lambda frame: admin.save_targets(actor, frame, requirements=False),
        hidden=("project_id",),
    )

with tabs[1]:
    editor(
        "requirement",
        admin.targets(actor, requirements=True),
        target_config(requirements=True),
        lambda frame: admin.save_targets(actor, frame, requirements=True),
        hidden=("district_id",),
    )

with tabs[2]:
    st.caption(t("admin.targets.catalog_note"))
    editor(
        "districts",
        admin.reference(actor, "district"),
        {
            "id": st.column_config.TextColumn(label("id"), required=True),
            "name": st.column_config.TextColumn(label("name"), required=True),
            "kind": st.column_config.SelectboxColumn(
                label("kind"), options=["district", "city", "region", "network"], required=True
            ),
            "synthetic": st.column_config.CheckboxColumn(label("synthetic"), default=False),
        },
        lambda frame: admin.save_reference(actor, "district", frame),
    )

with tabs[3]:
    editor(
        "projects",
        projects,
        {
            "id": st.column_config.TextColumn(label("id"), required=True),
            "name": st.column_config.TextColumn(label("name"), required=True),
            "district_id": st.column_config.SelectboxColumn(
                label("district_id"), options=districts["id"].tolist(), required=True
            ),
            "organisation_id": st.column_config.SelectboxColumn(
                label("organisation_id"), options=organisations["id"].tolist(), required=True
            ),
            "gross_floor_area": st.column_config.NumberColumn(
                label("gross_floor_area"), min_value=0
            ),
            "reporting_from": st.column_config.NumberColumn(
                label("reporting_from"),
                min_value=1900,
                max_value=2100,
                step=1,
                format="%d",
                help=t("obligations.reporting_from_help"),
            ),
            "reporting_until": st.column_config.NumberColumn(
                label("reporting_until"),
                min_value=1900,
                max_value=2100,
                step=1,
                format="%d",
                help=t("admin.targets.reporting_until_help"),
            ),
            "synthetic": st.column_config.CheckboxColumn(label("synthetic"), default=False),
        },
        lambda frame: admin.save_reference(actor, "project", frame),
    )

with tabs[4]:
    editor(
        "organisations",
        organisations,
        {
            "id": st.column_config.TextColumn(label("id"), required=True),
            "name": st.column_config.TextColumn(label("name"), required=True),
            "synthetic": st.column_config.CheckboxColumn(label("synthetic"), default=False),
        },
        lambda frame: admin.save_reference(actor, "organisation", frame),
    )
