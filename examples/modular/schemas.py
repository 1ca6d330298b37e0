"""What the API takes and answers: pydantic models, validated by kolben.api."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

#: A title as the API stores it: trimmed, 1 to 200 characters.
Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)
]


class TaskIn(BaseModel):
    """A new task."""

    title: Title
    done: bool = False


class TaskChange(BaseModel):
    """A change to a task: only the fields sent change."""

    title: Title | None = None
    done: bool | None = None


class TaskOut(BaseModel):
    """A task as the API shows it, read from the model's attributes."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    done: bool
    created: datetime = Field(description="When the task was added, in UTC.")
    uri: str = Field(description="The task's URL in the API.")


class TaskPage(BaseModel):
    """One page of tasks, with the URLs of its neighbours."""

    items: list[TaskOut]
    page: int
    per_page: int
    total: int
    pages: int
    next: str | None
    prev: str | None


class Stats(BaseModel):
    """How many tasks there are."""

    total: int
    done: int
    open: int


class Message(BaseModel):
    """An error of the API's own (a 404, a 405), as Flask-RESTful answers it."""

    message: str
