import pytest

from courses.models import CoursePage
from people.demo import PEOPLE
from people.demo import seed as seed_people
from people.models import User
from tests.factories import PASSWORD, course_with_lessons

pytestmark = pytest.mark.django_db(transaction=True)


def _sign_in(page, user):
    page.goto("/fr/accounts/login/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url("**/fr/ma-formation/")


def test_enrol_complete_two_lessons_sign_out_and_resume_at_the_third(page, screenshot_dir):
    seed_people(out=lambda line: None)
    learner = User.objects.get(email=PEOPLE[3].email)
    learner.set_password(PASSWORD)
    learner.save(update_fields=["password"])
    course, _modules, lessons = course_with_lessons(
        modules=2, lessons=2, title="La loi n° 2012-023"
    )
    assert CoursePage.objects.count() == 1

    _sign_in(page, learner)
    page.goto(course.url)
    page.get_by_role("button", name="S'inscrire à ce cours").click()
    page.get_by_text("Vous êtes inscrit. Bonne formation !").wait_for()

    page.get_by_role("link", name="Reprendre").click()
    page.wait_for_url(f"**{lessons[0].url}")
    page.get_by_role("button", name="J'ai terminé cette leçon").click()
    page.get_by_text("Vous avez terminé cette leçon.").wait_for()
    page.locator("#completion").get_by_role("link", name="Leçon suivante").click()
    page.wait_for_url(f"**{lessons[1].url}")
    page.get_by_role("button", name="J'ai terminé cette leçon").click()
    page.get_by_text("Vous avez terminé cette leçon.").wait_for()

    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url("**/fr/")
    _sign_in(page, learner)
    assert page.get_by_text("2 leçons sur 4 terminées").is_visible()
    page.screenshot(path=screenshot_dir / "ma-formation.png", full_page=True)
    page.get_by_role("link", name="Reprendre").click()
    page.wait_for_url(f"**{lessons[2].url}")
    assert page.locator("h1").inner_text() == lessons[2].title
