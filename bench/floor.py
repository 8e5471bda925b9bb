"""The floor of the enrolment burst: the cheapest authenticated write the same server can answer.

Behind the same token authentication and the same middleware as `POST runs/{id}/enrol/`, it reads one row of
the run and inserts one row into a table of its own (`bench_floor`, created by the benchmark in its throwaway
database, so the platform needs no model or migration for it). It sends no mail and touches no table that
anything else reads.
"""

from django.db import connection
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from courses.models import CourseRun

CREATE_TABLE = """
    CREATE TABLE IF NOT EXISTS bench_floor (
        id bigserial PRIMARY KEY,
        run_id bigint NOT NULL,
        user_id bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
    )
"""


class FloorView(APIView):
    """One SELECT and one INSERT for a token-authenticated person."""

    permission_classes = [permissions.IsAuthenticated]

    def post(self, request, run_id: int):
        capacity = CourseRun.objects.filter(pk=run_id).values_list("capacity", flat=True).first()
        if capacity is None:
            return Response(status=status.HTTP_404_NOT_FOUND)
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO bench_floor (run_id, user_id) VALUES (%s, %s) RETURNING id",
                [run_id, request.user.pk],
            )
            (row_id,) = cursor.fetchone()
        return Response({"id": row_id, "run": run_id, "capacity": capacity}, status=status.HTTP_201_CREATED)
