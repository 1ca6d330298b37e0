# Alembic's settings for the app's migrations, read by every `kolben db`
# command. The database URL is not here: env.py takes it from the app.

[alembic]
# The name of revision files; the default is %%(rev)s_%%(slug)s.
# file_template = %%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s

# How lists of paths below (version_locations) are split: os.pathsep.
path_separator = os

# Run env.py for `kolben db revision` too, not only with --autogenerate.
# revision_environment = false

# The time zone of the dates in revision files (needs tzdata); local time
# when unset.
# timezone =


# The logging of the `kolben db` commands.
[loggers]
keys = root,sqlalchemy,alembic,alembic_plugins,kolben_migrate

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARNING
handlers = console
qualname =

[logger_sqlalchemy]
level = WARNING
handlers =
qualname = sqlalchemy.engine

[logger_alembic]
level = INFO
handlers =
qualname = alembic

# One line per autogenerate plugin, for each command, without this.
[logger_alembic_plugins]
level = WARNING
handlers =
qualname = alembic.runtime.plugins

[logger_kolben_migrate]
level = INFO
handlers =
qualname = kolben.migrate

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(levelname)-5.5s [%(name)s] %(message)s
datefmt = %H:%M:%S
