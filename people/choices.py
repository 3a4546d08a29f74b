"""Lists of values shared by the people app and the apps above it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Profession(models.TextChoices):
    JUDGE = "juge", _("Judge")
    PROSECUTOR = "procureur", _("Prosecutor / deputy prosecutor")
    INVESTIGATING_JUDGE = "juge_instruction", _("Investigating judge")
    JUDICIAL_POLICE_OFFICER = "opj", _("Judicial police officer")
    POLICE_OFFICER = "policier", _("Police officer")
    GENDARME = "gendarme", _("Gendarme")
    LABOUR_INSPECTOR = "inspecteur_travail", _("Labour inspector")
    SOCIAL_WORKER = "travailleur_social", _("Social worker")
    COURT_CLERK = "greffier", _("Court clerk")
    OTHER = "autre", _("Other")


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")


class Language(models.TextChoices):
    FRENCH = "fr", "Français"
    ENGLISH = "en", "English"


class InstitutionKind(models.TextChoices):
    TRIBUNAL = "tribunal", _("Court (tribunal)")
    COURT_OF_APPEAL = "cour_appel", _("Court of appeal")
    PROSECUTION = "parquet", _("Public prosecutor's office")
    SPECIALISED_POLE = "pole_specialise", _("Specialised judicial pole")
    INFJ = "infj", _("INFJ (national judicial training institute)")
    POLICE_SCHOOL = "ecole_police", _("Police school")
    GENDARMERIE_SCHOOL = "ecole_gendarmerie", _("Gendarmerie school")
    BRIGADE = "brigade", _("Brigade")
    MINISTRY = "ministere", _("Ministry")
    NGO = "ong", _("NGO")
    OTHER = "autre", _("Other")


class AppealJurisdiction(models.TextChoices):
    BAMAKO = "bamako", _("Bamako Court of Appeal")
    KAYES = "kayes", _("Kayes Court of Appeal")
    MOPTI = "mopti", _("Mopti Court of Appeal")


class MembershipRole(models.TextChoices):
    LEARNER = "learner", _("Learner")
    MANAGER = "manager", _("Manager")


class MembershipStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACTIVE = "active", _("Active")
