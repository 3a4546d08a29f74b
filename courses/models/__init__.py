from courses.models.pages import HomePage

__all__ = ["HomePage"]
