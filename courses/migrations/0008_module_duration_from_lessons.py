"""A module's duration is computed from its published lessons plus the minutes of its quiz.
The quiz's minutes of an existing module are what its typed duration had beyond its published
lessons (never less than zero); its duration is then computed."""

import django.core.validators
from django.db import migrations, models


def compute_durations(apps, schema_editor):
    ModulePage = apps.get_model("courses", "ModulePage")
    LessonPage = apps.get_model("courses", "LessonPage")
    for module in ModulePage.objects.all():
        lessons = (
            LessonPage.objects.filter(
                path__startswith=module.path, depth=module.depth + 1, live=True
            ).aggregate(total=models.Sum("estimated_minutes"))["total"]
            or 0
        )
        quiz = max(0, module.estimated_minutes - lessons)
        ModulePage.objects.filter(pk=module.pk).update(
            quiz_minutes=quiz, estimated_minutes=lessons + quiz
        )


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0007_add_quiz_block_to_lessons"),
    ]

    operations = [
        migrations.AddField(
            model_name="modulepage",
            name="quiz_minutes",
            field=models.PositiveSmallIntegerField(
                default=0,
                help_text="How long the module's quiz takes, in minutes (0 if it has none). The module's duration is this plus the durations of its published lessons.",
                validators=[django.core.validators.MaxValueValidator(600)],
                verbose_name="minutes for the quiz",
            ),
        ),
        migrations.RunPython(compute_durations, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="modulepage",
            name="estimated_minutes",
            field=models.PositiveSmallIntegerField(
                default=0,
                editable=False,
                help_text="How long the module takes, in minutes: its published lessons and its quiz (computed).",
                verbose_name="estimated minutes",
            ),
        ),
    ]
