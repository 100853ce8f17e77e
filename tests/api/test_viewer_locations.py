"""query viewer { locations } — "my location": address, contact details, opening hours."""

from __future__ import annotations

from datetime import timedelta

from models import Role
from services import clock
from tests import factories

LOCATIONS = """
{ viewer { locations {
  id name phone email
  address { street postalCode city formatted }
  openingHours { weekday closed opens closes }
} } }"""


async def test_a_parent_sees_the_contact_details_of_their_childrens_location(db, gql):
    # given
    t = await factories.tenant()
    token = await factories.token_for(t.parent)
    # when
    result = await gql(LOCATIONS, token=token)
    # then
    [location] = result["data"]["viewer"]["locations"]
    assert location["name"] == "De Boomgaard"
    assert location["address"] == {
        "street": "Appelstraat 1",
        "postalCode": "3512 AB",
        "city": "Utrecht",
        "formatted": "Appelstraat 1, 3512 AB Utrecht",
    }
    assert (location["phone"], location["email"]) == ("030-1234567", "boomgaard@example.nl")
    hours = location["openingHours"]
    assert [h["weekday"] for h in hours] == [
        "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY",
    ]  # fmt: skip
    assert hours[0] == {"weekday": "MONDAY", "closed": False, "opens": "07:00:00",
                        "closes": "18:30:00"}  # fmt: skip
    assert hours[6] == {"weekday": "SUNDAY", "closed": True, "opens": None, "closes": None}


async def test_a_parent_does_not_see_locations_without_their_children(db, gql):
    # given
    t = await factories.tenant()
    elsewhere = await factories.location(t.org, "Het Klavertje")
    await factories.group(t.org, elsewhere, "Appeltjes")
    await factories.tenant("zonnestraal")
    token = await factories.token_for(t.parent)
    # when
    result = await gql(LOCATIONS, token=token)
    # then
    assert [loc["name"] for loc in result["data"]["viewer"]["locations"]] == ["De Boomgaard"]


async def test_a_parent_whose_children_left_has_no_locations(db, gql):
    # given
    t = await factories.tenant()
    leaver = await factories.user(t.org, Role.PARENT)
    await factories.child(
        t.org, guardians=[leaver], grp=t.babies, end=clock.today() - timedelta(days=1)
    )
    token = await factories.token_for(leaver)
    # when
    result = await gql(LOCATIONS, token=token)
    # then
    assert result["data"]["viewer"]["locations"] == []


async def test_a_planner_sees_every_location_of_their_organisation(db, gql):
    # given
    t = await factories.tenant()
    await factories.location(t.org, "Het Klavertje")
    await factories.tenant("zonnestraal")
    token = await factories.token_for(t.planner)
    # when
    result = await gql(LOCATIONS, token=token)
    # then
    names = [loc["name"] for loc in result["data"]["viewer"]["locations"]]
    assert names == ["De Boomgaard", "Het Klavertje"]
