"""Which screens exist, who may see each, and where it lives: dashboard.py builds st.navigation
from this list for the role of the current user (a page not given is unreachable, also by URL).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PUBLIC, DEVELOPER, OFFICIAL = "public", "developer", "official"
EVERYONE = frozenset({PUBLIC, DEVELOPER, OFFICIAL})


@dataclass(frozen=True)
class Screen:
    path: str  # relative to the repository root
    title_key: str  # i18n key of the menu title
    url_path: str  # the shareable address: /<url_path>?district=...
    roles: frozenset[str]
    section: str  # i18n key of the menu section
    icon: str | None = None
    default: bool = False


SCREENS: list[Screen] = [
    Screen(
        "pages/overview.py",
        "nav.overview",
        "overview",
        EVERYONE,
        "nav.monitoring",
        ":material/dashboard:",
        default=True,
    ),
    Screen(
        "pages/indicator.py",
        "nav.indicator",
        "indicator",
        EVERYONE,
        "nav.monitoring",
        ":material/show_chart:",
    ),
    Screen(
        "pages/emissions.py",
        "nav.emissions",
        "emissions",
        EVERYONE,
        "nav.monitoring",
        ":material/factory:",
    ),
    Screen(
        "pages/compare.py",
        "nav.compare",
        "compare",
        EVERYONE,
        "nav.monitoring",
        ":material/compare_arrows:",
    ),
    Screen(
        "pages/projects.py",
        "nav.projects",
        "projects",
        frozenset({DEVELOPER, OFFICIAL}),
        "nav.monitoring",
        ":material/apartment:",
    ),
    Screen(
        "pages/methodology.py",
        "nav.methodology",
        "methodology",
        EVERYONE,
        "nav.monitoring",
        ":material/menu_book:",
    ),
    Screen(
        "pages/upload.py",
        "nav.upload",
        "upload",
        frozenset({DEVELOPER, OFFICIAL}),
        "nav.reporting",
        ":material/upload_file:",
    ),
    Screen(
        "pages/submissions.py",
        "nav.submissions",
        "submissions",
        frozenset({DEVELOPER, OFFICIAL}),
        "nav.reporting",
        ":material/fact_check:",
    ),
    Screen(
        "pages/reporting_status.py",
        "nav.reporting_status",
        "reporting-status",
        frozenset({OFFICIAL}),
        "nav.reporting",
        ":material/event_available:",
    ),
    Screen(
        "pages/targets.py",
        "nav.targets",
        "targets",
        frozenset({OFFICIAL}),
        "nav.administration",
        ":material/flag:",
    ),
    Screen(
        "pages/access.py",
        "nav.access",
        "access",
        frozenset({OFFICIAL}),
        "nav.administration",
        ":material/group:",
    ),
    Screen(
        "pages/audit.py",
        "nav.audit",
        "audit",
        frozenset({OFFICIAL}),
        "nav.administration",
        ":material/history:",
    ),
]


def screens_for(role: str) -> list[Screen]:
    """The screens a role may open (only those whose page file exists yet)."""
    return [s for s in SCREENS if role in s.roles and (ROOT / s.path).exists()]


def refused(url_path: str, role: str) -> Screen | None:
    """The screen at this address when the role may not open it (a developer's /targets): the
    app then opens the default page, which must say why."""
    first = url_path.strip("/").split("/")[-1] if url_path.strip("/") else ""
    for screen in SCREENS:
        if screen.url_path == first and role not in screen.roles:
            return screen
    return None
