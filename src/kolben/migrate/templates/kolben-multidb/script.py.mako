<%!
from kolben import current_app


def database_names():
    engines = current_app.extensions["migrate"].db.engines
    default = [""] if None in engines else []
    return default + [key for key in engines if key is not None]
%>"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}

"""
from alembic import op
import sqlalchemy as sa
${imports if imports else ""}

# revision identifiers, used by Alembic.
revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}


def upgrade(engine_name):
    step = globals().get(f"upgrade_{engine_name}")
    if step is not None:
        step()


def downgrade(engine_name):
    step = globals().get(f"downgrade_{engine_name}")
    if step is not None:
        step()
## An upgrade_<name>() and a downgrade_<name>() for each database: the
## default one is "", the binds are named by their keys.
% for name in database_names():


def upgrade_${name}():
    ${context.get(f"{name}_upgrades", "pass")}


def downgrade_${name}():
    ${context.get(f"{name}_downgrades", "pass")}
% endfor
