"""The floor of the report benchmark: the report's figures from one hand-written SQL statement.

One `WITH` query on PostgreSQL: the runs whose first session starts in the period, the places in them,
attendance per place; then every count of the report per dimension (GROUPING SETS over lab, municipality,
audience, format and age band, and the DigComp areas joined in), the certificates and badges issued in the
period likewise, all in one result. It does what the selector does in the cheapest form SQL allows, with no
ORM, no dataclasses and no labels.
"""

from datetime import datetime

from courses.models import Enrolment

ATTENDING = tuple(str(status) for status in Enrolment.ATTENDING)
SEAT_HOLDING = tuple(str(status) for status in Enrolment.SEAT_HOLDING)

DIMENSIONS = ("lab_id", "municipality", "audience", "format", "age_band")

SQL = """
WITH runs AS (
    SELECT r.id, r.lab_id, c.audience, c.format
    FROM courses_courserun r
    JOIN courses_coursepage c ON c.page_ptr_id = r.course_id
    JOIN courses_session s ON s.run_id = r.id
    WHERE r.lab_id = ANY(%(labs)s) AND r.status <> 'cancelled'
    GROUP BY r.id, r.lab_id, c.audience, c.format
    HAVING MIN(s.start) >= %(since)s AND MIN(s.start) < %(until)s
),
places AS (
    SELECT e.id, e.user_id, e.status, e.municipality, e.age_band, runs.lab_id, runs.audience, runs.format,
           e.status = ANY(%(attending)s) AS attending,
           (e.waitlisted_at IS NOT NULL AND e.confirmed_at IS NULL
            AND NOT e.status = ANY(%(holding)s)) AS unmet
    FROM courses_enrolment e JOIN runs ON runs.id = e.run_id
    WHERE e.status = ANY(%(attending)s)
       OR (e.waitlisted_at IS NOT NULL AND e.confirmed_at IS NULL AND NOT e.status = ANY(%(holding)s))
),
presence AS (
    SELECT a.enrolment_id, COUNT(*) FILTER (WHERE a.status = 'present') AS present, COUNT(*) AS recorded
    FROM courses_attendance a JOIN places p ON p.id = a.enrolment_id AND p.attending
    GROUP BY a.enrolment_id
),
areas AS (
    SELECT DISTINCT cc.coursepage_id, k.area_code
    FROM courses_coursepage_competences cc JOIN courses_competence k ON k.id = cc.competence_id
),
issued AS (
    SELECT 'c' AS kind, x.enrolment_id FROM certificates_certificate x
    WHERE x.issued_at >= %(since)s AND x.issued_at < %(until)s
    UNION
    SELECT 'b', y.enrolment_id FROM courses_badgeassertion y
    WHERE y.issued_on >= %(since)s AND y.issued_on < %(until)s
),
awarded AS (
    SELECT i.kind, e.municipality, e.age_band, r.lab_id, c.audience, c.format, r.course_id
    FROM issued i
    JOIN courses_enrolment e ON e.id = i.enrolment_id
    JOIN courses_courserun r ON r.id = e.run_id
    JOIN courses_coursepage c ON c.page_ptr_id = r.course_id
    WHERE r.lab_id = ANY(%(labs)s)
)
SELECT 'places' AS part, GROUPING(p.lab_id, p.municipality, p.audience, p.format, p.age_band) AS g,
       p.lab_id::text, p.municipality, p.audience, p.format, p.age_band, NULL AS area,
       COUNT(*) FILTER (WHERE p.attending) AS enrolments,
       COUNT(DISTINCT p.user_id) FILTER (WHERE p.attending)
         + COUNT(*) FILTER (WHERE p.attending AND p.user_id IS NULL) AS people,
       COUNT(*) FILTER (WHERE p.status = 'completed') AS completed,
       COUNT(*) FILTER (WHERE p.status = 'not_completed') AS not_completed,
       COUNT(*) FILTER (WHERE p.unmet) AS waitlist_unmet,
       COALESCE(SUM(pr.present), 0) AS present, COALESCE(SUM(pr.recorded), 0) AS recorded,
       0 AS certificates, 0 AS badges
FROM places p LEFT JOIN presence pr ON pr.enrolment_id = p.id
GROUP BY GROUPING SETS ((), (p.lab_id), (p.municipality), (p.audience), (p.format), (p.age_band))
UNION ALL
SELECT 'areas', 0, NULL, NULL, NULL, NULL, NULL, a.area_code,
       COUNT(*) FILTER (WHERE p.attending),
       COUNT(DISTINCT p.user_id) FILTER (WHERE p.attending)
         + COUNT(*) FILTER (WHERE p.attending AND p.user_id IS NULL),
       COUNT(*) FILTER (WHERE p.status = 'completed'),
       COUNT(*) FILTER (WHERE p.status = 'not_completed'),
       COUNT(*) FILTER (WHERE p.unmet),
       COALESCE(SUM(pr.present), 0), COALESCE(SUM(pr.recorded), 0), 0, 0
FROM places p
JOIN courses_enrolment e ON e.id = p.id
JOIN courses_courserun r ON r.id = e.run_id
LEFT JOIN areas a ON a.coursepage_id = r.course_id
LEFT JOIN presence pr ON pr.enrolment_id = p.id
GROUP BY a.area_code
UNION ALL
SELECT 'awarded', GROUPING(w.lab_id, w.municipality, w.audience, w.format, w.age_band),
       w.lab_id::text, w.municipality, w.audience, w.format, w.age_band, NULL,
       0, 0, 0, 0, 0, 0, 0,
       COUNT(*) FILTER (WHERE w.kind = 'c'), COUNT(*) FILTER (WHERE w.kind = 'b')
FROM awarded w
GROUP BY GROUPING SETS ((), (w.lab_id), (w.municipality), (w.audience), (w.format), (w.age_band))
"""


def floor_report(cursor, *, lab_ids: list[int], since: datetime, until: datetime) -> list[tuple]:
    cursor.execute(
        SQL,
        {
            "labs": lab_ids,
            "since": since,
            "until": until,
            "attending": list(ATTENDING),
            "holding": list(SEAT_HOLDING),
        },
    )
    return cursor.fetchall()


def floor_totals(rows: list[tuple]) -> dict[str, int]:
    """The overall figures from the floor's rows (the empty grouping set of each part)."""
    names = (
        "enrolments",
        "people",
        "completed",
        "not_completed",
        "waitlist_unmet",
        "present",
        "recorded",
        "certificates",
        "badges",
    )
    totals = dict.fromkeys(names, 0)
    for row in rows:
        part, grouping, *_dims = row[:8]
        if part != "areas" and grouping == 31:
            for name, value in zip(names, row[8:], strict=True):
                totals[name] += int(value)
    return totals
