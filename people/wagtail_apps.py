from wagtail.users.apps import WagtailUsersAppConfig


class PeopleUsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's user admin, with forms for our e-mail-and-full-name user model."""

    user_viewset = "people.admin_views.UserViewSet"
