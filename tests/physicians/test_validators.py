import datetime

import pytest

from core.errors import ApplicationError
from physicians.validators import (
    check_id_card,
    id_card_check_digit,
    id_card_parse,
    id_card_with_check,
    licence_problem,
    mask_phone,
)


def test_the_check_character_follows_gb_11643():
    # given the standard's published example 11010519491231002X
    # when its check character is computed
    # then it is X
    assert id_card_check_digit("11010519491231002") == "X"
    assert id_card_parse("11010519491231002x")[0].number == "11010519491231002X"


def test_gender_and_birth_date_come_from_the_number():
    # given a number with an odd sequence code and one with an even code
    male = id_card_with_check("33010619800101123")
    female = id_card_with_check("33010619850202124")

    # when they are parsed
    m, f = check_id_card(male), check_id_card(female)

    # then gender and birth date are derived
    assert (m.gender, m.birth_date) == ("男", datetime.date(1980, 1, 1))
    assert (f.gender, f.birth_date) == ("女", datetime.date(1985, 2, 2))


@pytest.mark.parametrize(
    "value",
    [
        "",
        "3301061980010112",  # too short
        "33010619800101123A",  # not a digit or X at the end
        id_card_with_check("33010619800230123"),  # 30 February
        id_card_with_check("33010621000101123"),  # born in the future
    ],
)
def test_malformed_numbers_are_refused_on_the_id_card_field(value):
    # when a malformed number is checked
    with pytest.raises(ApplicationError) as caught:
        check_id_card(value)

    # then the error names the field and a stable code
    assert caught.value.attr == "id_card_number"
    assert caught.value.get_codes() == "invalid_id_card"


def test_a_wrong_check_character_is_refused():
    # given a valid number with its last character changed
    good = id_card_with_check("33010619800101123")
    bad = good[:17] + ("0" if good[17] != "0" else "1")

    # then it is refused and the good one accepted
    assert id_card_parse(bad)[1][0] == "invalid_id_card"
    assert id_card_parse(good)[1] is None


def test_licence_numbers_and_phones_are_sanity_checked():
    assert licence_problem("110330100000001") is None
    assert licence_problem("11 0330")[0] == "invalid_licence_number"
    assert licence_problem("12")[0] == "invalid_licence_number"
    assert mask_phone("13800001111") == "138****1111"
