"""The setup's forms say what is wrong with what was sent, in the user's words."""

import pytest

from tests.journey import connect_tripletex, install, post_step, text_of


@pytest.fixture
def user(stack, browser):
    install(stack, browser)
    return browser


def test_a_refused_token_that_did_not_look_like_one_says_so_too(stack, user):
    page = connect_tripletex(stack, user, "my password 1234")  # spaces: not a token

    assert page.status_code == 422
    text = text_of(page.text)
    assert "Tripletex did not accept this token." in text
    assert "This does not look like a Tripletex token" in text


def test_a_refused_token_of_the_right_shape_gets_no_such_doubt(stack, user):
    page = connect_tripletex(stack, user, "demo-revoked-token")

    assert page.status_code == 422
    assert "This does not look like a Tripletex token" not in text_of(page.text)


@pytest.mark.parametrize("chosen", ["", "abc", "9999999"])
def test_an_accountant_must_choose_a_listed_company(stack, user, chosen):
    listing = connect_tripletex(stack, user, "demo-accountant-token")

    reply = post_step(stack, user, "/setup/tripletex/company", {"company_id": chosen}, listing)

    assert reply.status_code == 422
    assert text_of(reply.text).count("Choose one of the companies listed.") == 1
    assert 'name="company_id"' in reply.text  # the list is still there to choose


def test_a_plan_must_be_one_of_the_plans(stack, user):
    connect_tripletex(stack, user, "demo-employee-token")
    step = user.get(stack.app_url + "/setup/plan")

    reply = post_step(stack, user, "/setup/plan", {"plan": "gold"}, step)

    assert reply.status_code == 422
    assert text_of(reply.text).count("Choose one of the plans.") == 1


@pytest.mark.parametrize(
    "pasted, message",
    [
        ("", "Paste the token you created in Tripletex."),
        ("x" * 3000, "This is much longer than a Tripletex token. Copy just the token."),
    ],
)
def test_a_replacement_token_refused_on_a_connected_step_shows_why(auth, pasted, message):
    auth.sign_in()
    auth.connect_tripletex()

    reply = auth.post("/setup/tripletex", {"token": pasted})

    assert reply.status_code == 422
    assert message in text_of(reply.text)
    # The "Use a different token" section is opened on its message, not left folded over it.
    assert '<details class="replace" open>' in reply.text
