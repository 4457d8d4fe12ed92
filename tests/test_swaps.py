"""A name or a figure put where the copied sentence has another (``cite.swaps``), with real spaCy.
The claims are written after dev rows of the claim benchmark (A-040, A-063, B-045, B-064) and the
paraphrases a correct answer makes."""

import pytest

from rag.cite.swaps import substituted

WHO = "The World Health Organization reports 1,240 cases of coronavirus, including 54 deaths."
FOOD = "This past month, partners distributed food assistance to 700,000 people across the governorate."
DEATHS = ("The Ministry reported 16,827 suspected cases and 18 associated deaths during epidemiological week 20 "
          "of 2019.")
ARRIVALS = ("The most rapid increase in new arrivals is in Bas Uele and North Ubangui provinces of the Democratic "
            "Republic of Congo where an estimated 74,000 individuals are being hosted.")


@pytest.mark.parametrize(("claim", "source"), [
    ("UNHCR reports 1,240 cases of coronavirus, including 54 deaths.", WHO),
    ("Over the past month, partners distributed food aid to 380,000 people across the governorate.", FOOD),
    ("The Ministry reported 16,827 suspected cases and 1,114 associated deaths during week 20 of 2019.", DEATHS),
    ("The fastest rise in new arrivals is in Cameroon, where an estimated 74,000 people are being hosted.", ARRIVALS),
    # the part of a name the stretch holds; one name for another whole, with one copied word after it
    ("Severe flooding in the site in Bentiu, Eastern Equatoria State, caused a sharp deterioration.",
     "Severe flooding in the site in Bentiu, Unity State, caused living conditions to deteriorate sharply."),
    ("Since late January, increased military activity in southern Idleb governorate has accelerated displacement.",
     "Since late January, increased military activity in western Aleppo governorate accelerated displacement."),
    # a name of the sentence in the place of another it drops
    ("The main movements have been Sudanese refugees arriving in Chad and South Sudan, and South Sudanese returning.",
     "The main movements have been Sudanese refugees arriving in Chad and Egypt, and South Sudanese returning to "
     "South Sudan."),
])
def test_a_name_or_figure_in_another_place_is_flagged(claim, source):
    assert substituted(claim, source)


@pytest.mark.parametrize(("claim", "source"), [
    ("WHO reports 1,240 cases of coronavirus, including 54 deaths.", WHO),  # initials of the name
    # a description that names its parent: "UN" stands against "World" with one copied word after it,
    # so it is no swap of one name for another
    ("The UN health agency reports 1,240 coronavirus cases, including 54 deaths.", WHO),
    ("Last month, partners distributed food assistance to 700,000 people across the governorate.", FOOD),
    ("The Ministry reported 16,827 suspected cases and eighteen deaths in week 20 of 2019.", DEATHS),
    ("The Red Sea mill holds enough food to feed three and a half million people for a month.",
     "The Red Sea mill has 45,000 metric tonnes of food inside, enough to feed 3.5 million people for a month."),
    ("Refugees fled into Chad, Cameroon and the Republic of Congo.",
     "Refugees fled into Cameroon, Chad and the Republic of Congo."),  # a list in another order
    ("One Peruvian peacekeeper was killed.", "One Peru peacekeeper was killed."),  # one stem
    ("Member States should support the UN as required.", "Member States should support the Organization as "
                                                         "required."),  # a description in capitals
])
def test_the_same_name_or_figure_written_otherwise_is_not(claim, source):
    assert substituted(claim, source) is None


def test_a_claim_that_rewrites_the_sentence_is_left_to_the_other_checks():
    # joining two sentences of the source: the stretch that differs is long, not a swapped word
    source = "Some 100,000 persons are internally displaced within CAR as a direct result of the violence."
    claim = "Besides the 105,000 who fled abroad, some 100,000 persons are internally displaced within CAR."
    assert substituted(claim, source) is None


MOVED = "Local authorities have relocated more than 7,000 people from Naikhongchhari to Kutupalong expansion site."
CHOLERA = ("Cholera was relatively contained in Central Equatoria and Upper Nile states, but continued spreading to "
           "new locations in Eastern Equatoria State.")


@pytest.mark.parametrize(("claim", "source", "flagged"), [
    ("Authorities moved more than 7,000 people from the Kutupalong expansion site to Naikhongchhari.", MOVED, True),
    ("Authorities moved more than 7,000 people from Naikhongchhari to the Kutupalong expansion site.", MOVED, False),
    ("Cholera was contained in Central Equatoria and Eastern Equatoria, but kept spreading to new locations in "
     "Upper Nile State.", CHOLERA, True),
    ("Cholera kept spreading to new locations in Eastern Equatoria State, but was contained in Central Equatoria "
     "and Upper Nile states.", CHOLERA, False),  # the same roles in another order
])
def test_two_names_with_their_roles_exchanged(claim, source, flagged):
    from rag.cite.swaps import exchanged

    assert bool(exchanged(claim, source)) is flagged


@pytest.mark.parametrize(("claim", "source"), [
    # spaCy tags "Mariupol" here as a person's name and leaves "Gwoza" untagged: after "in" each is a place
    ("In Kharkiv, local officials say about 60 per cent of the housing has been damaged.",
     "In Mariupol (Donetsk oblast), local officials say about 60 per cent of the housing has been damaged."),
    ("Three aid workers were killed on Thursday night in Gwoza town, Borno state, in an attack.",
     "Three aid workers were killed Thursday night in Rann town in Borno state, Nigeria, following an attack."),
])
def test_a_place_is_read_from_its_preposition_when_the_tagger_misreads_it(claim, source):
    assert substituted(claim, source)


def test_a_single_letter_is_no_name():
    claim = "Of the USD 26.4 million required, UNHCR had received USD 15.9 million, leaving USD 10.5 million."
    source = "USD 26.4 million are the requirements:\n- USD 15.9 M Received\n- USD 10.5 M Remaining needs"
    assert substituted(claim, source) is None


CASUALTIES = ("Between 24 February and 22 March, the UN Human Rights Office (OHCHR) recorded 2,571 civilian "
              "casualties, including 977 people killed.")
SUPPLIES = ("WHO is sending around 36 tons of medical supplies to Lviv, while UNFPA delivered 13 tons of "
            "reproductive health supplies to service providers.")


@pytest.mark.parametrize(("claim", "source", "flagged"), [
    ("The State Emergency Service recorded 2,571 civilian casualties, including 977 killed.", CASUALTIES, True),
    ("WHO has delivered 13 tons of reproductive health supplies to service providers.", SUPPLIES, True),  # "WHO"
    # the doer written otherwise, or not named by the source: a claim may name whom it describes
    ("The OHCHR recorded 2,571 civilian casualties between 24 February and 22 March.", CASUALTIES, False),
    ("UNFPA has delivered 13 tons of reproductive health supplies.", SUPPLIES, False),
    ("Guterres condemned the killing of three aid workers.",
     "The Secretary-General condemned the killing of three aid workers in Borno state.", False),
    ("WHO is sending 36 tons of medical supplies to Lviv.", SUPPLIES, False),
])
def test_an_action_given_to_another_doer(claim, source, flagged):
    from rag.cite.doers import reassigned

    assert bool(reassigned(claim, source)) is flagged
