"""Who may see what of a client: the pure rules in `decide()`, without a database.

One row per role and situation (in the care team? glass broken?), one column per need.
Reading across a row tells what that person gets; a change to the rules shows up here.
"""

from itertools import product

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from rph.accounts.access import Access, Basis, BreakGlassRequired, Need, decide
from rph.accounts.roles import Role

OK = "ok"  # the need is met; decide() returns the row's Access
NO = PermissionDenied  # the role is too weak (403)
GLASS = BreakGlassRequired  # a clinician outside the care team must give a reason first
GONE = Http404  # no role in the client's team: the client does not exist for them

CARE = Access(basis=Basis.CARE_TEAM, clinical=True, can_break_glass=False)
GLASS_OPEN = Access(basis=Basis.BREAK_GLASS, clinical=True, can_break_glass=False)
ROLE_MAY_BREAK = Access(basis=Basis.TEAM_ROLE, clinical=False, can_break_glass=True)
ROLE_ONLY = Access(basis=Basis.TEAM_ROLE, clinical=False, can_break_glass=False)

NEEDS = (
    Need.CONTACT_READ,
    Need.CONTACT_WRITE,
    Need.CLINICAL_READ,
    Need.CLINICAL_WRITE,
    Need.OVERSIGHT,
)

# fmt: off
RULES = [
    # role              in care glass  access          contact     clinical    oversight
    #                                                  read  write read  write
    (None,              False, False, None,            GONE, GONE, GONE, GONE, GONE),
    (None,              True,  False, None,            GONE, GONE, GONE, GONE, GONE),
    (None,              False, True,  None,            GONE, GONE, GONE, GONE, GONE),
    (None,              True,  True,  None,            GONE, GONE, GONE, GONE, GONE),
    (Role.CLERICAL,     False, False, ROLE_ONLY,       OK,   OK,   NO,   NO,   NO),
    (Role.CLERICAL,     True,  False, ROLE_ONLY,       OK,   OK,   NO,   NO,   NO),
    (Role.CLERICAL,     False, True,  ROLE_ONLY,       OK,   OK,   NO,   NO,   NO),
    (Role.CLERICAL,     True,  True,  ROLE_ONLY,       OK,   OK,   NO,   NO,   NO),
    (Role.THERAPIST,    False, False, ROLE_MAY_BREAK,  OK,   OK,   GLASS, NO,  NO),
    (Role.THERAPIST,    True,  False, CARE,            OK,   OK,   OK,   OK,   NO),
    (Role.THERAPIST,    False, True,  GLASS_OPEN,      OK,   OK,   OK,   NO,   NO),
    (Role.THERAPIST,    True,  True,  CARE,            OK,   OK,   OK,   OK,   NO),
    (Role.PSYCHOLOGIST, False, False, ROLE_MAY_BREAK,  OK,   OK,   GLASS, NO,  NO),
    (Role.PSYCHOLOGIST, True,  False, CARE,            OK,   OK,   OK,   OK,   NO),
    (Role.PSYCHOLOGIST, False, True,  GLASS_OPEN,      OK,   OK,   OK,   NO,   NO),
    (Role.PSYCHOLOGIST, True,  True,  CARE,            OK,   OK,   OK,   OK,   NO),
    (Role.TEAM_LEAD,    False, False, ROLE_MAY_BREAK,  OK,   OK,   GLASS, NO,  OK),
    (Role.TEAM_LEAD,    True,  False, CARE,            OK,   OK,   OK,   OK,   OK),
    (Role.TEAM_LEAD,    False, True,  GLASS_OPEN,      OK,   OK,   OK,   NO,   OK),
    (Role.TEAM_LEAD,    True,  True,  CARE,            OK,   OK,   OK,   OK,   OK),
    (Role.ADMIN,        False, False, ROLE_ONLY,       NO,   NO,   NO,   NO,   NO),
    (Role.ADMIN,        True,  False, ROLE_ONLY,       NO,   NO,   NO,   NO,   NO),
    (Role.ADMIN,        False, True,  ROLE_ONLY,       NO,   NO,   NO,   NO,   NO),
    (Role.ADMIN,        True,  True,  ROLE_ONLY,       NO,   NO,   NO,   NO,   NO),
]
# fmt: on


def _cases() -> list:
    cases = []
    for role, in_care, glass, access, *outcomes in RULES:
        for need, outcome in zip(NEEDS, outcomes, strict=True):
            label = f"{role or 'no-role'}-{need}-care={in_care}-glass={glass}"
            cases.append(pytest.param(role, need, in_care, glass, access, outcome, id=label))
    return cases


@pytest.mark.parametrize(("role", "need", "in_care", "glass", "access", "outcome"), _cases())
def test_decide_follows_the_table(role, need, in_care, glass, access, outcome):
    if outcome == OK:
        assert decide(role, need, in_care_team=in_care, break_glass=glass) == access
        return
    with pytest.raises(outcome) as raised:
        decide(role, need, in_care_team=in_care, break_glass=glass)
    # BreakGlassRequired is a PermissionDenied; a plain refusal must not offer the glass.
    assert type(raised.value) is outcome


def test_the_table_covers_every_role_and_situation():
    roles = [None, *Role]
    assert sorted((str(r), c, g) for r, c, g, *_ in RULES) == sorted(
        (str(r), c, g) for r, c, g in product(roles, (False, True), (False, True))
    )
    assert set(NEEDS) == set(Need)


def test_a_colleague_outside_the_care_team_must_give_a_reason_to_read_clinical_content():
    with pytest.raises(BreakGlassRequired):
        decide(Role.THERAPIST, Need.CLINICAL_READ, in_care_team=False, break_glass=False)


def test_broken_glass_lets_a_colleague_read_but_never_write_clinical_content():
    access = decide(Role.THERAPIST, Need.CLINICAL_READ, in_care_team=False, break_glass=True)
    assert access.basis == Basis.BREAK_GLASS
    with pytest.raises(PermissionDenied):
        decide(Role.THERAPIST, Need.CLINICAL_WRITE, in_care_team=False, break_glass=True)


def test_clerical_staff_cannot_break_the_glass_even_with_a_grant():
    access = decide(Role.CLERICAL, Need.CONTACT_READ, in_care_team=False, break_glass=True)
    assert not access.clinical
    assert not access.can_break_glass
