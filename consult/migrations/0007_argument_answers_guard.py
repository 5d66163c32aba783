"""A database guard for the rule Argument.clean() and the form check: an argument answers only an
argument on the other side of the same consultation, and an answered argument cannot later move to
its answer's side. Triggers, because a check constraint cannot look at another row. Written for
SQLite (the embedded default) and PostgreSQL (production); other databases rely on the form.
"""

from django.db import migrations

MESSAGE = "An argument can only answer one on the other side of the same consultation."

SQLITE_CONDITION = """
    (NEW.answers_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM consult_argument answered
        WHERE answered.id = NEW.answers_id AND answered.side <> NEW.side
          AND answered.consultation_id = NEW.consultation_id))
"""
SQLITE_REPLIES_CONDITION = """
    EXISTS (
        SELECT 1 FROM consult_argument reply
        WHERE reply.answers_id = NEW.id
          AND (reply.side = NEW.side OR reply.consultation_id <> NEW.consultation_id))
"""
SQLITE_FORWARD = [
    f"""CREATE TRIGGER argument_answers_guard_insert BEFORE INSERT ON consult_argument
    WHEN {SQLITE_CONDITION}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    f"""CREATE TRIGGER argument_answers_guard_update
    BEFORE UPDATE OF answers_id, side, consultation_id ON consult_argument
    WHEN {SQLITE_CONDITION} OR {SQLITE_REPLIES_CONDITION}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS argument_answers_guard_insert;",
    "DROP TRIGGER IF EXISTS argument_answers_guard_update;",
]

POSTGRESQL_FORWARD = [
    f"""CREATE FUNCTION consult_argument_answers_guard() RETURNS trigger AS $$
    BEGIN
        IF NEW.answers_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM consult_argument answered
            WHERE answered.id = NEW.answers_id AND answered.side <> NEW.side
              AND answered.consultation_id = NEW.consultation_id) THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
        END IF;
        IF TG_OP = 'UPDATE' AND EXISTS (
            SELECT 1 FROM consult_argument reply
            WHERE reply.answers_id = NEW.id
              AND (reply.side = NEW.side OR reply.consultation_id <> NEW.consultation_id)) THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER argument_answers_guard
    BEFORE INSERT OR UPDATE OF answers_id, side, consultation_id ON consult_argument
    FOR EACH ROW EXECUTE FUNCTION consult_argument_answers_guard();""",
]
POSTGRESQL_BACKWARD = [
    "DROP TRIGGER IF EXISTS argument_answers_guard ON consult_argument;",
    "DROP FUNCTION IF EXISTS consult_argument_answers_guard();",
]

STATEMENTS = {
    "sqlite": (SQLITE_FORWARD, SQLITE_BACKWARD),
    "postgresql": (POSTGRESQL_FORWARD, POSTGRESQL_BACKWARD),
}


def run(direction: int):
    def operation(apps, schema_editor) -> None:
        for statement in STATEMENTS.get(schema_editor.connection.vendor, ([], []))[direction]:
            schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("consult", "0006_consent_from_unsubscribe_links"),
    ]

    operations = [migrations.RunPython(run(0), run(1))]
