"""What the API reads and answers, in the shapes of the RealWorld spec.

Every body is wrapped in the name of what it holds (``{"user": {...}}``,
``{"article": {...}}``), as the spec has it. Request fields are checked by
pattern and length, so that the OpenAPI document says exactly what is
accepted; unknown fields are ignored, as RealWorld's clients send some.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

# Patterns are ones every regex engine reads alike (pydantic's, Python's, the
# ECMAScript of JSON Schema): explicit ranges, not \s, whose members differ.
#: Not blank: a character other than ASCII whitespace (tab to CR, space).
NOT_BLANK = r"[^\x09-\x0d\x20]"
Text = Annotated[str, StringConstraints(min_length=1, pattern=NOT_BLANK)]
Title = Annotated[
    str, StringConstraints(min_length=1, max_length=200, pattern=NOT_BLANK)
]
TagName = Annotated[
    str, StringConstraints(min_length=1, max_length=60, pattern=NOT_BLANK)
]
# Usernames are in URLs (/api/profiles/<username>): letters, digits, _ and -.
Username = Annotated[
    str, StringConstraints(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")
]
Email = Annotated[
    str,
    StringConstraints(
        max_length=254,
        pattern=r"^[^@\x00-\x20\x7f]+@[^@\x00-\x20\x7f]+\.[^@\x00-\x20\x7f]+$",
    ),
]
Password = Annotated[str, StringConstraints(min_length=8, max_length=200)]
Link = Annotated[str, StringConstraints(max_length=2000)]


# -- users ---------------------------------------------------------------------------


class LoginUser(BaseModel):
    """The credentials of an account."""

    email: Annotated[str, StringConstraints(min_length=1)]
    password: Annotated[str, StringConstraints(min_length=1)]


class LoginUserRequest(BaseModel):
    """``POST /api/users/login``."""

    user: LoginUser


class NewUser(BaseModel):
    """A new account."""

    username: Username
    email: Email
    password: Password


class NewUserRequest(BaseModel):
    """``POST /api/users``."""

    user: NewUser


class UpdateUser(BaseModel):
    """What may change in the current user; every field is optional."""

    email: Email | None = None
    username: Username | None = None
    password: Password | None = None
    bio: Link | None = None
    image: Link | None = None


class UpdateUserRequest(BaseModel):
    """``PUT /api/user``."""

    user: UpdateUser


class User(BaseModel):
    """The current user, with a token for the ``Authorization`` header."""

    email: str
    token: str
    username: str
    bio: str | None
    image: str | None


class UserResponse(BaseModel):
    """An answer holding the current user."""

    user: User


class Profile(BaseModel):
    """A user as others see them."""

    model_config = ConfigDict(from_attributes=True)
    username: str
    bio: str | None
    image: str | None
    following: bool


class ProfileResponse(BaseModel):
    """An answer holding a profile."""

    profile: Profile


# -- articles ------------------------------------------------------------------------


class NewArticle(BaseModel):
    """A new article; its slug is made from its title."""

    title: Title
    description: Text
    body: Text
    tagList: list[TagName] = Field(default_factory=list, max_length=20)


class NewArticleRequest(BaseModel):
    """``POST /api/articles``."""

    article: NewArticle


class UpdateArticle(BaseModel):
    """What may change in an article; a new title makes a new slug."""

    title: Title | None = None
    description: Text | None = None
    body: Text | None = None
    tagList: list[TagName] | None = Field(default=None, max_length=20)


class UpdateArticleRequest(BaseModel):
    """``PUT /api/articles/<slug>``."""

    article: UpdateArticle


class ArticleSummary(BaseModel):
    """An article in a list: everything but its body."""

    slug: str
    title: str
    description: str
    tagList: list[str]
    createdAt: dt.datetime
    updatedAt: dt.datetime
    favorited: bool
    favoritesCount: int
    author: Profile


class Article(ArticleSummary):
    """An article, with its body."""

    body: str


class SingleArticleResponse(BaseModel):
    """An answer holding one article."""

    article: Article


class MultipleArticlesResponse(BaseModel):
    """A page of articles, and how many there are in all."""

    articles: list[ArticleSummary]
    articlesCount: int


# -- comments and tags ---------------------------------------------------------------


class NewComment(BaseModel):
    """A new comment."""

    body: Text


class NewCommentRequest(BaseModel):
    """``POST /api/articles/<slug>/comments``."""

    comment: NewComment


class Comment(BaseModel):
    """A comment on an article."""

    id: int
    createdAt: dt.datetime
    updatedAt: dt.datetime
    body: str
    author: Profile


class SingleCommentResponse(BaseModel):
    """An answer holding one comment."""

    comment: Comment


class MultipleCommentsResponse(BaseModel):
    """An article's comments, oldest first."""

    comments: list[Comment]


class TagsResponse(BaseModel):
    """Every tag in use."""

    tags: list[str]


class GenericErrorModel(BaseModel):
    """An error: the messages about each field or thing that went wrong."""

    errors: dict[str, list[str]]
