"""Who a sign-in is: the e-mail claim matched exactly (after trimming and lower-casing) to the
user table, and never when the identity provider says the address was not verified."""

from __future__ import annotations

import pytest

from indicators import access

pytestmark = pytest.mark.both_backends  # the store, ingest, review, access and CLI on both backends

OFFICIAL = "official@demo.city"


def test_a_verified_email_is_matched_to_its_role(demo_con):
    actor = access.actor_for_claims(demo_con, {"email": OFFICIAL, "email_verified": True})
    assert actor.role == "official"


def test_an_unverified_email_is_not_matched_even_for_an_officials_address(demo_con):
    actor = access.actor_for_claims(demo_con, {"email": OFFICIAL, "email_verified": False})
    assert actor.role == "public"
    assert actor.unknown_login and actor.unverified_email


def test_an_unverified_claim_sent_as_text_is_not_matched(demo_con):
    actor = access.actor_for_claims(demo_con, {"email": OFFICIAL, "email_verified": "false"})
    assert actor.role == "public"


def test_a_provider_without_the_claim_is_trusted_for_its_email(demo_con):
    assert access.actor_for_claims(demo_con, {"email": OFFICIAL}).role == "official"


def test_matching_ignores_case_and_surrounding_spaces_only(demo_con):
    assert access.actor_for_claims(demo_con, {"email": " Official@Demo.CITY "}).role == "official"
    assert access.actor_for_claims(demo_con, {"email": "official@demo.city.evil"}).role == "public"
