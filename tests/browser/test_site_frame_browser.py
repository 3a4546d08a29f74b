import pytest

from people.demo import PEOPLE, seed
from people.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_switch_language_and_sign_in_as_a_demo_learner(page, screenshot_dir):
    seed(out=lambda line: None)
    learner = User.objects.get(email=PEOPLE[3].email)
    learner.set_password(PASSWORD)
    learner.save(update_fields=["password"])

    page.goto("/")
    assert page.url.endswith("/fr/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("link", name="Se connecter").first.is_visible()

    page.get_by_role("link", name="EN", exact=True).click()
    page.wait_for_url("**/en/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Sign in").first.is_visible()

    page.get_by_role("link", name="FR", exact=True).click()
    page.wait_for_url("**/fr/")
    page.get_by_role("link", name="Se connecter").first.click()
    page.get_by_label("E-mail").fill(learner.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()

    page.wait_for_url("**/fr/ma-formation/")
    assert page.get_by_text(learner.full_name).first.is_visible()
    page.screenshot(path=screenshot_dir / "signed-in.png", full_page=True)
