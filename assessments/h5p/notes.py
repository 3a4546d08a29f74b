"""What an import noticed without refusing the package, in the editor's words.

Notes are stored on the activity as data (`H5PActivity.import_notes`) and put into words here,
in the language of whoever reads them: at upload (a message) and on the preview page.
"""

from __future__ import annotations

from django.utils.translation import gettext as _


def describe(note: dict) -> str:
    kind = note.get("kind")
    if kind == "skipped_file":
        return _(
            "“%(file)s” was left out: files of this type (Flash) are never served, and the "
            "activity works without it."
        ) % {"file": note.get("file", "")}
    if kind == "external_media":
        host = note.get("host", "")
        sentences = {
            "video": _(
                "This activity uses a video hosted on %(host)s: it will not play. Only the media "
                "inside the package play here; put the video file in the package instead."
            ),
            "audio": _(
                "This activity uses a sound hosted on %(host)s: it will not play. Only the media "
                "inside the package play here; put the sound file in the package instead."
            ),
            "image": _(
                "This activity uses an image hosted on %(host)s: it will not be shown. Only the "
                "media inside the package are shown here; put the image in the package instead."
            ),
        }
        sentence = sentences.get(
            note.get("media"),
            _(
                "This activity uses a file hosted on %(host)s: it will not be loaded. Only the "
                "files inside the package are loaded here."
            ),
        )
        return sentence % {"host": host}
    return ""


def describe_all(notes: list[dict]) -> list[str]:
    return [text for text in (describe(note) for note in notes or []) if text]
