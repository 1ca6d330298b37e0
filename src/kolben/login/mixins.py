"""What Flask-Login expects of user objects, as mixins to inherit."""

from __future__ import annotations

from typing import Any


class UserMixin:
    """Give a user class the properties and ``get_id`` the battery reads.

    Example::

        class User(db.Model, UserMixin):
            id: Mapped[int] = mapped_column(primary_key=True)
    """

    # Defining __eq__ would set __hash__ to None; users stay hashable.
    __hash__ = object.__hash__

    @property
    def is_active(self) -> bool:
        """Whether the account may log in; override to disable accounts."""
        return True

    @property
    def is_authenticated(self) -> bool:
        """Whether this is a logged-in user: an active one."""
        return self.is_active

    @property
    def is_anonymous(self) -> bool:
        """Whether this is the anonymous user; never, for a real user."""
        return False

    def get_id(self) -> str:
        """Return the id kept in the session: ``str(self.id)``.

        :raises NotImplementedError: the class has no ``id``; override this.
        """
        try:
            return str(self.id)  # type: ignore[attr-defined]
        except AttributeError:
            raise NotImplementedError("No `id` attribute - override `get_id`") from None

    def __eq__(self, other: object) -> bool:
        """Return whether both are users with the same ``get_id()``."""
        if isinstance(other, UserMixin):
            return self.get_id() == other.get_id()
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        """Return whether the users' ids differ."""
        equal = self.__eq__(other)
        if equal is NotImplemented:
            return NotImplemented
        return not equal


class AnonymousUserMixin:
    """The user no one is logged in as: ``current_user`` outside a login."""

    @property
    def is_authenticated(self) -> bool:
        """Whether this is a logged-in user: never."""
        return False

    @property
    def is_active(self) -> bool:
        """Whether the account is active: never."""
        return False

    @property
    def is_anonymous(self) -> bool:
        """Whether this is the anonymous user: always."""
        return True

    def get_id(self) -> Any:
        """Return ``None``: the anonymous user has no id."""
        return None
