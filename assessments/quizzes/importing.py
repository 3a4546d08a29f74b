"""Import and export of a question bank as a spreadsheet (XLSX or CSV), one row per question.

Columns (first row; the template downloadable from the admin has them):

    external_id   unique reference in the bank, e.g. C1M1Q1: a re-import updates that question
    category      e.g. a module code; quizzes draw by category
    type          single | multiple | true_false
    question_fr   question_en (English optional)
    choice_1_fr … choice_6_fr, choice_1_en … choice_6_en   at least two choices
    correct       the numbers of the right choices, e.g. « 1 » or « 1;3 »
    explanation_fr explanation_en source
    scenario_id   optional: the case scenario the question is asked about, e.g. CAS1
    scenario_title_fr scenario_title_en scenario_facts_fr scenario_facts_en
                  the case's title and facts, given on the first row of the case (later rows
                  of the same case leave them empty or repeat them identically); a case already
                  in the bank needs only its scenario_id (texts given update it)

The import is all or nothing: every row is checked first (dry run), each problem reported in
French with its row number; nothing is written while a single row is wrong.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import Locale

from assessments.models import CaseScenario, Choice, Question, QuestionBank, QuestionKind
from people import spreadsheets

MAX_CHOICES = 6
COLUMNS = [
    "external_id",
    "category",
    "type",
    "question_fr",
    "question_en",
    *[f"choice_{i}_fr" for i in range(1, MAX_CHOICES + 1)],
    *[f"choice_{i}_en" for i in range(1, MAX_CHOICES + 1)],
    "correct",
    "explanation_fr",
    "explanation_en",
    "source",
    "scenario_id",
    "scenario_title_fr",
    "scenario_title_en",
    "scenario_facts_fr",
    "scenario_facts_en",
]
SCENARIO_TEXTS = [
    "scenario_title_fr",
    "scenario_title_en",
    "scenario_facts_fr",
    "scenario_facts_en",
]
REQUIRED = ["external_id", "type", "question_fr", "correct"]
MAX_ROWS = 2000
MAX_BYTES = 5 * 1024 * 1024
# The names written on a file's first line (the export's and the template's, in French); a file
# with the columns' own names (`question_fr`) is read too.
HEADER_LABELS = {
    "external_id": "identifiant",
    "category": "catégorie",
    "type": "type",
    "question_fr": "question (fr)",
    "question_en": "question (en)",
    **{
        f"choice_{i}_{lang}": f"choix {i} ({lang})"
        for lang in ("fr", "en")
        for i in range(1, MAX_CHOICES + 1)
    },
    "correct": "bonnes réponses",
    "explanation_fr": "explication (fr)",
    "explanation_en": "explication (en)",
    "source": "source",
    "scenario_id": "cas",
    "scenario_title_fr": "titre du cas (fr)",
    "scenario_title_en": "titre du cas (en)",
    "scenario_facts_fr": "faits du cas (fr)",
    "scenario_facts_en": "faits du cas (en)",
}
HEADER = [HEADER_LABELS[column] for column in COLUMNS]
_HEADERS = {spreadsheets.fold(column): column for column in COLUMNS}
_HEADERS.update({spreadsheets.fold(label): column for column, label in HEADER_LABELS.items()})


class ImportFileError(Exception):
    """The file itself cannot be read; `message` is in French, for the editor."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class RowPlan:
    number: int
    external_id: str
    category: str
    kind: str
    text: dict[str, str]
    choices: dict[str, list[str]]
    correct: set[int]
    explanation: dict[str, str]
    source: str
    scenario_id: str = ""


@dataclass
class ScenarioPlan:
    external_id: str
    row: int
    title: dict[str, str]
    facts: dict[str, str]


@dataclass
class ImportReport:
    rows: list[RowPlan] = field(default_factory=list)
    scenarios: dict[str, ScenarioPlan] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def read_rows(content: bytes, filename: str) -> list[dict[str, str]]:
    """The file's non-empty rows as dicts of COLUMNS, read by the platform's one spreadsheet
    reader (its limits: size, rows, columns, unpacked size; UTF-8 CSV only)."""
    try:
        return spreadsheets.read_rows(
            ContentFile(content, name=filename),
            headers=_HEADERS,
            fields=COLUMNS,
            required=REQUIRED,
            missing_columns_message=lambda missing: (
                "Colonnes obligatoires absentes de la première ligne : "
                + ", ".join(f"« {HEADER_LABELS[column]} »" for column in missing)
                + "."
            ),
            max_rows=MAX_ROWS,
            max_bytes=MAX_BYTES,
        )
    except spreadsheets.SpreadsheetError as error:
        raise ImportFileError(error.message) from error


def _check_scenario(
    row: dict[str, str], index: int, report: ImportReport, known: set[str]
) -> tuple[str, list[str]]:
    """The case scenario of a row: its id, and the problems with its texts."""
    scenario_id = row.get("scenario_id", "").strip()
    texts = {name: row.get(name, "").strip() for name in SCENARIO_TEXTS}
    if not scenario_id:
        if any(texts.values()):
            return "", ["un titre ou des faits de cas sont donnés sans identifiant (scenario_id)"]
        return "", []
    plan = report.scenarios.get(scenario_id)
    if plan is None:
        given = any(texts.values())
        if not given and scenario_id not in known:
            return scenario_id, [
                f"le cas {scenario_id} n'existe pas dans la banque : donnez son titre et ses "
                "faits en français (scenario_title_fr, scenario_facts_fr)"
            ]
        if given and not (texts["scenario_title_fr"] and texts["scenario_facts_fr"]):
            return scenario_id, [
                f"le cas {scenario_id} : le titre et les faits en français sont obligatoires"
            ]
        report.scenarios[scenario_id] = ScenarioPlan(
            external_id=scenario_id,
            row=index,
            title={lang: texts[f"scenario_title_{lang}"] for lang in ("fr", "en")},
            facts={lang: texts[f"scenario_facts_{lang}"] for lang in ("fr", "en")},
        )
        return scenario_id, []
    expected = {
        **{f"scenario_title_{lang}": plan.title[lang] for lang in ("fr", "en")},
        **{f"scenario_facts_{lang}": plan.facts[lang] for lang in ("fr", "en")},
    }
    if any(value and value != expected[name] for name, value in texts.items()):
        return scenario_id, [
            f"le titre ou les faits du cas {scenario_id} diffèrent de ceux de la ligne {plan.row}"
        ]
    return scenario_id, []


def column_lengths() -> dict[str, int]:
    """The longest text each column may hold: the max_length of the model field it is saved in
    (what the database would refuse, checked in the dry run instead)."""
    question, choice, scenario = Question._meta, Choice._meta, CaseScenario._meta
    fields = {
        "external_id": question.get_field("external_id"),
        "category": question.get_field("category"),
        "source": question.get_field("source_reference"),
        "scenario_id": scenario.get_field("external_id"),
        **{f"question_{lang}": question.get_field("text") for lang in ("fr", "en")},
        **{f"explanation_{lang}": question.get_field("explanation") for lang in ("fr", "en")},
        **{f"scenario_title_{lang}": scenario.get_field("title") for lang in ("fr", "en")},
        **{f"scenario_facts_{lang}": scenario.get_field("facts") for lang in ("fr", "en")},
        **{
            f"choice_{i}_{lang}": choice.get_field("text")
            for i in range(1, MAX_CHOICES + 1)
            for lang in ("fr", "en")
        },
    }
    return {column: f.max_length for column, f in fields.items() if f.max_length}


def _too_long(row: dict[str, str], lengths: dict[str, int]) -> list[str]:
    return [
        _("column “%(column)s” is longer than %(max)s characters (%(length)s)")
        % {
            "column": HEADER_LABELS[column],
            "max": most,
            "length": len(row.get(column, "").strip()),
        }
        for column, most in lengths.items()
        if len(row.get(column, "").strip()) > most
    ]


def check_rows(
    rows: list[dict[str, str]], *, known_scenarios: set[str] | None = None
) -> ImportReport:
    """The dry run: every row's problems, in French, with its line number in the file.
    `known_scenarios`: external ids of the case scenarios already in the bank."""
    report = ImportReport()
    known = known_scenarios or set()
    seen: dict[str, int] = {}
    kinds = {k.value for k in QuestionKind}
    lengths = column_lengths()
    for index, row in enumerate(rows, start=2):
        problems = _too_long(row, lengths)
        external_id = row.get("external_id", "").strip()
        if not external_id:
            problems.append("l'identifiant (external_id) est vide")
        elif external_id in seen:
            problems.append(f"l'identifiant {external_id} figure déjà ligne {seen[external_id]}")
        else:
            seen[external_id] = index
        kind = row.get("type", "").strip().lower()
        if kind not in kinds:
            problems.append(f"type « {kind} » inconnu (single, multiple ou true_false)")
        if not row.get("question_fr", "").strip():
            problems.append("le texte de la question en français est vide")
        choices = {
            lang: [
                row.get(f"choice_{i}_{lang}", "").strip()
                for i in range(1, MAX_CHOICES + 1)
                if row.get(f"choice_{i}_{lang}", "").strip()
            ]
            for lang in ("fr", "en")
        }
        if len(choices["fr"]) < 2:
            problems.append("il faut au moins deux réponses en français")
        if choices["en"] and len(choices["en"]) != len(choices["fr"]):
            problems.append("les réponses anglaises ne correspondent pas aux françaises")
        if kind == QuestionKind.TRUE_FALSE and len(choices["fr"]) != 2:
            problems.append("une question vrai/faux a exactement deux réponses")
        correct: set[int] = set()
        for part in row.get("correct", "").replace(",", ";").split(";"):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit() or not 1 <= int(part) <= len(choices["fr"]):
                problems.append(f"bonne réponse « {part} » : donnez le numéro d'une réponse")
            else:
                correct.add(int(part))
        if not correct:
            problems.append("aucune bonne réponse indiquée (colonne correct)")
        elif kind != QuestionKind.MULTIPLE and len(correct) != 1:
            problems.append("une seule bonne réponse pour ce type de question")
        scenario_id, scenario_problems = _check_scenario(row, index, report, known)
        problems.extend(scenario_problems)
        if problems:
            report.errors.append(f"Ligne {index} : " + " ; ".join(problems) + ".")
            continue
        report.rows.append(
            RowPlan(
                number=index,
                external_id=external_id,
                category=row.get("category", "").strip(),
                kind=kind,
                text={lang: row.get(f"question_{lang}", "").strip() for lang in ("fr", "en")},
                choices=choices,
                correct=correct,
                explanation={
                    lang: row.get(f"explanation_{lang}", "").strip() for lang in ("fr", "en")
                },
                source=row.get("source", "").strip(),
                scenario_id=scenario_id,
            )
        )
    return report


def import_id(obj, prefix: str) -> str:
    """How a file names a question or a case: its external id, else (made in the admin without
    one) its prefix and number, e.g. Q12 or CAS3, as the export writes it."""
    return obj.external_id or f"{prefix}{obj.pk}"


def _by_import_id(objects, prefix: str) -> dict:
    """{(import id, locale id): object}; the original (first created) of a set of translations
    gives the set its id."""
    rows = list(objects.order_by("pk"))
    ids: dict = {}
    for obj in rows:
        ids.setdefault(obj.translation_key, import_id(obj, prefix))
    return {(ids[obj.translation_key], obj.locale_id): obj for obj in rows}


def _bank_questions(bank: QuestionBank) -> dict:
    return _by_import_id(Question.objects.filter(bank=bank).prefetch_related("choices"), "Q")


def bank_scenarios(bank: QuestionBank) -> dict:
    return _by_import_id(CaseScenario.objects.filter(bank=bank), "CAS")


def _write_scenarios(*, bank: QuestionBank, report: ImportReport, fr, en) -> dict:
    """{(scenario external id, locale id): CaseScenario}: the file's cases created or updated
    (French original and English translation), with the bank's other cases it names."""
    scenarios = bank_scenarios(bank)
    for plan in report.scenarios.values():
        french = scenarios.get((plan.external_id, fr.pk))
        if plan.title["fr"]:
            french = french or CaseScenario(bank=bank, locale=fr, external_id=plan.external_id)
            french.title, french.facts = plan.title["fr"], plan.facts["fr"]
            french.save()
            scenarios[(plan.external_id, fr.pk)] = french
        if en is not None and plan.title["en"] and french is not None:
            english = scenarios.get((plan.external_id, en.pk)) or CaseScenario(
                bank=bank,
                locale=en,
                external_id=plan.external_id,
                translation_key=french.translation_key,
            )
            english.title = plan.title["en"]
            english.facts = plan.facts["en"] or plan.facts["fr"]
            english.save()
            scenarios[(plan.external_id, en.pk)] = english
    return scenarios


def _write_question(
    *,
    question: Question | None,
    plan: RowPlan,
    bank,
    locale,
    lang: str,
    keys: list[str],
    scenario: CaseScenario | None = None,
) -> Question:
    question = question or Question()
    question.scenario = scenario
    question.bank = bank
    question.locale = locale
    question.external_id = plan.external_id
    question.category = plan.category
    question.kind = plan.kind
    question.text = plan.text[lang]
    question.explanation = plan.explanation[lang] or plan.explanation["fr"]
    question.source_reference = plan.source
    texts = plan.choices[lang] or plan.choices["fr"]
    existing = list(question.choices.all()) if question.pk else []
    question.choices = [
        Choice(
            pk=existing[i].pk if i < len(existing) else None,
            key=keys[i],
            text=text,
            is_correct=(i + 1) in plan.correct,
            sort_order=i,
        )
        for i, text in enumerate(texts)
    ]
    question.save()
    return question


@transaction.atomic
def apply_rows(*, bank: QuestionBank, report: ImportReport) -> ImportReport:
    """Write the checked rows: a question per row in French, with its English translation when
    the row has one. A row whose external id is already in the bank updates that question."""
    if not report.ok:
        return report
    fr = Locale.objects.get(language_code="fr")
    en = Locale.objects.filter(language_code="en").first()
    scenarios = _write_scenarios(bank=bank, report=report, fr=fr, en=en)
    existing = _bank_questions(bank)
    for plan in report.rows:
        french = existing.get((plan.external_id, fr.pk))
        old_keys = [str(c.key) for c in french.choices.all()] if french else []
        keys = [
            old_keys[i] if i < len(old_keys) else str(uuid.uuid4())
            for i in range(len(plan.choices["fr"]))
        ]
        report.updated += french is not None
        report.created += french is None
        scenario_fr = scenarios.get((plan.scenario_id, fr.pk)) if plan.scenario_id else None
        french = _write_question(
            question=french,
            plan=plan,
            bank=bank,
            locale=fr,
            lang="fr",
            keys=keys,
            scenario=scenario_fr,
        )
        if en is not None and plan.text["en"]:
            english = existing.get((plan.external_id, en.pk))
            english = english or Question(translation_key=french.translation_key)
            scenario_en = (
                scenarios.get((plan.scenario_id, en.pk), scenario_fr) if plan.scenario_id else None
            )
            _write_question(
                question=english,
                plan=plan,
                bank=bank,
                locale=en,
                lang="en",
                keys=keys,
                scenario=scenario_en,
            )
    return report


def import_questions(
    *, bank: QuestionBank, content: bytes, filename: str, dry_run: bool
) -> ImportReport:
    """Check the file, and (unless `dry_run`) import it whole; a file with one bad row writes
    nothing. Raises ImportFileError when the file cannot be read at all."""
    known = {scenario_id for scenario_id, _locale in bank_scenarios(bank)}
    report = check_rows(read_rows(content, filename), known_scenarios=known)
    if dry_run or not report.ok:
        return report
    return apply_rows(bank=bank, report=report)


def _bank_rows(bank: QuestionBank) -> list[list[str]]:
    questions = list(
        Question.objects.filter(bank=bank)
        .select_related("locale", "scenario")
        .prefetch_related("choices")
        .order_by("pk")
    )
    english = {q.translation_key: q for q in questions if q.locale.language_code == "en"}
    rows = []
    for question in questions:
        if question.locale.language_code != "fr":
            continue
        en = english.get(question.translation_key)
        choices_fr = [c.text for c in question.choices.all()]
        choices_en = [c.text for c in en.choices.all()] if en else []
        pad = lambda values: (values + [""] * MAX_CHOICES)[:MAX_CHOICES]  # noqa: E731
        rows.append(
            [
                import_id(question, "Q"),
                question.category,
                question.kind,
                question.text,
                en.text if en else "",
                *pad(choices_fr),
                *pad(choices_en),
                ";".join(
                    str(i) for i, c in enumerate(question.choices.all(), start=1) if c.is_correct
                ),
                question.explanation,
                en.explanation if en else "",
                question.source_reference,
                *_scenario_cells(question.scenario, en.scenario if en else None),
            ]
        )
    return rows


def _scenario_cells(french: CaseScenario | None, english: CaseScenario | None) -> list[str]:
    if french is None:
        return ["", "", "", "", ""]
    scenario_id = import_id(french, "CAS")
    english = english if english is not None and english.pk != french.pk else None
    return [
        scenario_id,
        french.title,
        english.title if english else "",
        french.facts,
        english.facts if english else "",
    ]


def to_xlsx(rows: list[list[str]]) -> bytes:
    """The import format: formula-like texts neutralised (and read back as they were)."""
    return spreadsheets.xlsx_bytes("questions", HEADER, rows)


def export_bank(bank: QuestionBank) -> bytes:
    """The bank in the import format (XLSX): exporting and importing again changes nothing."""
    return to_xlsx(_bank_rows(bank))


TEMPLATE_ROWS = [
    [
        "EX1",
        "C1M1",
        "single",
        "Quelle loi réprime la traite des personnes au Mali ?",
        "Which law punishes trafficking in persons in Mali?",
        "Loi n° 2012-023",
        "Code du travail",
        "",
        "",
        "",
        "",
        "Law No. 2012-023",
        "Labour Code",
        "",
        "",
        "",
        "",
        "1",
        "La loi n° 2012-023 du 12 juillet 2012.",
        "Law No. 2012-023 of 12 July 2012.",
        "Loi n° 2012-023, art. 1",
        "",
        "",
        "",
        "",
        "",
    ],
    [
        "EX2",
        "C1M1",
        "true_false",
        "Le consentement de la victime fait-il disparaître l'infraction ?",
        "Does the victim's consent remove the offence?",
        "Vrai",
        "Faux",
        "",
        "",
        "",
        "",
        "True",
        "False",
        "",
        "",
        "",
        "",
        "2",
        "Le consentement est indifférent lorsque des moyens de contrainte ont été employés.",
        "Consent is irrelevant where any of the means of coercion was used.",
        "Protocole de Palerme, art. 3 b)",
        "CAS1",
        "Le recrutement de Mariam",
        "Mariam's recruitment",
        "Mariam, 17 ans, est recrutée à Sikasso par une « tante » qui lui promet un travail "
        "de vendeuse à Bamako ; elle est logée chez un tiers et doit rembourser son voyage.",
        "Mariam, 17, is recruited in Sikasso by an 'aunt' promising her a job as a "
        "saleswoman in Bamako; she is housed by a third party and must repay her journey.",
    ],
]


def template_xlsx() -> bytes:
    return to_xlsx(TEMPLATE_ROWS)
