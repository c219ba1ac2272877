"""Access: officials decide who may log in as what (add, change a role, remove)."""

import streamlit as st
from pydantic import ValidationError

from indicators import i18n, text
from indicators.access import PermissionDenied
from indicators.models import User
from indicators.ui import admin, obligations, session
from indicators.ui.language import t

actor = session.require("manage_users")

st.title(t("nav.access"))
st.caption(t("admin.access.intro"))

users = admin.users(actor)
organisations = admin.organisations(actor)
org_ids = [None, *organisations["id"].tolist()]
org_names = dict(zip(organisations["id"], organisations["name"], strict=True))
ROLES = ["developer", "official"]


def org_label(org: str | None) -> str:
    return t("admin.access.no_organisation") if org is None else f"{org_names.get(org, org)}"


def role_label(role: str) -> str:
    return t(f"admin.role.{role}")


def problem(error: dict) -> str:
    """A validation error in the reader's language (the model's own words name CLI flags)."""
    if error.get("loc") == ("email",):
        return t("access_ui.not_an_email", value=text.md(error.get("input", "")))
    if "organisation" in error.get("msg", ""):
        return t("access_ui.developer_needs_org")
    return error["msg"].removeprefix("Value error, ")


def report(action) -> None:
    """Run a write; on success rerun so every table shows it, and say what happened."""
    try:
        message = action()
    except ValidationError as exc:
        st.error(" ".join(problem(e) for e in exc.errors()))
    except (PermissionDenied, ValueError) as exc:
        st.error(str(exc))
    else:
        st.session_state["access_done"] = message
        st.rerun()


if done := st.session_state.pop("access_done", None):
    st.success(done, icon=":material/check:")
    # the form keeps what was typed when it is refused; after a success it starts empty
    for typed in ("access_add_email", "access_add_name"):
        st.session_state.pop(typed, None)

st.subheader(t("admin.access.users"))
if users.empty:
    st.info(t("admin.access.none"))
else:
    shown = users.assign(role=users["role"].map(role_label))
    st.dataframe(
        shown[["email", "role", "organisation", "name", "added_at", "added_by"]],
        hide_index=True,
        width="stretch",
        column_config={c: t(f"admin.access.col.{c}") for c in shown.columns},
    )

left, middle, right = st.columns(3, gap="large")

with left, st.form("access_add_form"):
    st.markdown(f"**{t('admin.access.add')}**")
    email = st.text_input(t("admin.access.email"), key="access_add_email")
    role = st.selectbox(
        t("admin.access.role"), ROLES, format_func=role_label, key="access_add_role"
    )
    org = st.selectbox(
        t("admin.access.organisation"),
        org_ids,
        format_func=org_label,
        help=t("admin.access.organisation_help"),
        key="access_add_org",
    )
    name = st.text_input(t("admin.access.name"), key="access_add_name")
    if st.form_submit_button(t("admin.access.add_button"), type="primary", key="access_add"):

        def add():
            user = User(email=email, role=role, organisation=org, name=name or None)
            admin.set_user(actor, user)
            return t("admin.access.added", email=user.email, role=role_label(user.role))

        report(add)

if not users.empty:
    emails = users["email"].tolist()
    by_email = users.set_index("email")

    def person_label(email: str) -> str:
        return f"{email} {t('admin.access.you')}" if email == actor.email else email

    with middle, st.form("access_change_form"):
        st.markdown(f"**{t('admin.access.change')}**")
        who = st.selectbox(
            t("admin.access.person"), emails, format_func=person_label, key="access_change_who"
        )
        new_role = st.selectbox(
            t("admin.access.role"), ROLES, format_func=role_label, key="access_change_role"
        )
        new_org = st.selectbox(
            t("admin.access.organisation"),
            org_ids,
            format_func=org_label,
            help=t("admin.access.organisation_help"),
            key="access_change_org",
        )
        if st.form_submit_button(t("admin.access.change_button"), key="access_change"):

            def change():
                name = by_email.loc[who, "name"]
                user = User(
                    email=who,
                    role=new_role,
                    organisation=new_org,
                    name=name if isinstance(name, str) else None,
                )
                admin.set_user(actor, user)
                return t("admin.access.changed", email=who, role=role_label(new_role))

            report(change)

    with right, st.form("access_remove_form"):
        st.markdown(f"**{t('admin.access.remove')}**")
        gone = st.selectbox(
            t("admin.access.person"), emails, format_func=person_label, key="access_remove_who"
        )
        sure = st.checkbox(t("admin.access.remove_confirm"), key="access_remove_sure")
        if st.form_submit_button(t("admin.access.remove_button"), key="access_remove") and sure:

            def remove():
                if admin.remove_user(actor, gone):
                    return t("admin.access.removed", email=gone)
                return t("admin.access.not_found", email=gone)

            report(remove)

    # the language each person's e-mail (reminders, review decisions) is written in
    st.subheader(t("obligations.access.language_header"))
    st.caption(t("obligations.access.language_intro"))
    languages = obligations.user_languages(actor)
    choices = [None, *i18n.LANGUAGES]

    def language_label(lang: str | None) -> str:
        return t("obligations.access.default") if lang is None else i18n.LANGUAGE_NAMES[lang]

    with st.form("access_language_form"):
        person = st.selectbox(
            t("obligations.access.person"),
            emails,
            format_func=lambda e: f"{person_label(e)} · {language_label(languages.get(e))}",
            key="access_language_who",
        )
        chosen = st.selectbox(
            t("obligations.access.language"),
            choices,
            format_func=language_label,
            key="access_language_lang",
        )
        if st.form_submit_button(t("obligations.access.save"), key="access_language_save"):

            def save_language():
                obligations.set_language(actor, person, chosen)
                return t(
                    "obligations.access.saved",
                    email=text.md(person),
                    language=language_label(chosen),
                )

            report(save_language)
