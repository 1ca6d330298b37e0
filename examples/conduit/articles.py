"""Articles (listed, filtered, the feed, by slug), favorites, comments, tags."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Annotated, Any

from sqlalchemy import (
    ColumnElement,
    bindparam,
    delete,
    exists,
    false,
    func,
    insert,
    select,
)
from sqlalchemy.orm import joinedload, selectinload

from kolben import Blueprint
from kolben.api import Query
from kolben.jwt import jwt_required

from . import schemas
from .errors import ERRORS, fail
from .models import (
    Article,
    Comment,
    Tag,
    User,
    article_tags,
    db,
    favorites,
    follows,
    now,
)
from .users import current_user, is_following, profile_of, viewer_id

bp = Blueprint("articles", __name__, url_prefix="/api")
ARTICLES = ["Articles"]
UNAUTHORIZED = {401: ERRORS}
NOT_FOUND = {404: ERRORS}
#: The answers of a request about someone's article or comment.
OWNED = {401: ERRORS, 403: ERRORS, 404: ERRORS}
Limit = Annotated[int, Query(ge=1, le=100, description="How many (20).")]
Offset = Annotated[int, Query(ge=0, le=2**31 - 1, description="How many to skip.")]
_NOT_WORD = re.compile(r"[^\w]+")


def slugify(title: str) -> str:
    """Return the slug of a title: ``How to train`` is ``how-to-train``."""
    text = unicodedata.normalize("NFKC", title).lower()
    return _NOT_WORD.sub("-", text).strip("-_")[:200] or "untitled"


# -- reading articles ----------------------------------------------------------------


def _select(signed_in: bool) -> Any:
    """Select articles with their author, tags, favorites and the viewer's view.

    The viewer is the ``viewer`` parameter, when ``signed_in``.
    """
    count = (
        select(func.count())
        .where(favorites.c.article_id == Article.id)
        .correlate(Article)
        .scalar_subquery()
    )
    favorited: ColumnElement[bool] = false()
    following: ColumnElement[bool] = false()
    if signed_in:
        viewer: Any = bindparam("viewer")
        favorited = exists().where(
            favorites.c.article_id == Article.id, favorites.c.user_id == viewer
        )
        following = exists().where(
            follows.c.follower_id == viewer, follows.c.followed_id == Article.author_id
        )
    return select(Article, count, favorited, following).options(
        joinedload(Article.author), selectinload(Article.tags)
    )


def _tagged() -> ColumnElement[bool]:
    tagged = select(article_tags.c.article_id).join(Tag)
    return Article.id.in_(tagged.where(Tag.name == bindparam("tag")))


def _by_author() -> ColumnElement[bool]:
    author = select(User.id).where(User.username == bindparam("author"))
    return Article.author_id == author.scalar_subquery()


def _favorited() -> ColumnElement[bool]:
    liked = select(favorites.c.article_id).join(User, User.id == favorites.c.user_id)
    return Article.id.in_(liked.where(User.username == bindparam("favorited")))


def _followed() -> ColumnElement[bool]:
    followed = select(follows.c.followed_id)
    return Article.author_id.in_(
        followed.where(follows.c.follower_id == bindparam("viewer"))
    )


#: The filters of article lists, each reading the parameter of its name (the
#: feed reads ``viewer``).
_FILTERS = {
    "tag": _tagged,
    "author": _by_author,
    "favorited": _favorited,
    "feed": _followed,
}


# PERF: a statement is built once per kind of query, and its values come as
# parameters; building one per request (and SQLAlchemy's cache key of it)
# was a quarter of a request's CPU time.
@functools.cache
def _list_statements(signed_in: bool, filters: tuple[str, ...]) -> tuple[Any, Any]:
    """Return the statements of a page of articles and of their total."""
    where = [_FILTERS[name]() for name in filters]
    # The total comes with the rows (a window count), one query fewer; only
    # a page past the end needs the query of its own.
    page = (
        _select(signed_in)
        .add_columns(func.count().over())
        .where(*where)
        .order_by(Article.created_at.desc(), Article.id.desc())
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )
    return page, select(func.count(Article.id)).where(*where)


@functools.cache
def _slug_statement(signed_in: bool) -> Any:
    """Return the statement of one article, by its ``slug`` parameter."""
    return _select(signed_in).where(Article.slug == bindparam("slug"))


def _article(row: Sequence[Any]) -> schemas.Article:
    article, count, favorited, following = row
    return schemas.Article(
        slug=article.slug,
        title=article.title,
        description=article.description,
        body=article.body,
        tagList=[tag.name for tag in article.tags],
        createdAt=article.created_at,
        updatedAt=article.updated_at,
        favorited=bool(favorited),
        favoritesCount=count,
        author=profile_of(article.author, bool(following)),
    )


def _summary(row: Sequence[Any]) -> schemas.ArticleSummary:
    article, count, favorited, following, _total = row
    return schemas.ArticleSummary(
        slug=article.slug,
        title=article.title,
        description=article.description,
        tagList=[tag.name for tag in article.tags],
        createdAt=article.created_at,
        updatedAt=article.updated_at,
        favorited=bool(favorited),
        favoritesCount=count,
        author=profile_of(article.author, bool(following)),
    )


def _page(
    filters: tuple[str, ...],
    values: dict[str, Any],
    viewer: int | None,
    limit: int,
    offset: int,
) -> schemas.MultipleArticlesResponse:
    """Return a page of the articles that pass ``filters``, newest first.

    :param filters: names in ``_FILTERS``.
    :param values: the parameters they read, but the viewer.
    """
    page, count = _list_statements(viewer is not None, filters)
    params = {**values, "viewer": viewer, "limit": limit, "offset": offset}
    rows = db.session.execute(page, params).all()
    if rows:
        total = rows[0][-1]
    else:
        total = db.session.scalar(count, params)
    return schemas.MultipleArticlesResponse(
        articles=[_summary(row) for row in rows], articlesCount=total or 0
    )


def _one(slug: str, viewer: int | None) -> schemas.SingleArticleResponse:
    params = {"slug": slug, "viewer": viewer}
    row = db.session.execute(_slug_statement(viewer is not None), params).first()
    if row is None:
        fail(404, "article", "not found")
    return schemas.SingleArticleResponse(article=_article(row))


def _find(slug: str) -> Article:
    article = db.session.scalar(select(Article).where(Article.slug == slug))
    if article is None:
        fail(404, "article", "not found")
    return article


@bp.get("/articles", tags=ARTICLES, responses=UNAUTHORIZED, operation_id="GetArticles")
@jwt_required(optional=True)
def list_articles(
    tag: str | None = None,
    author: str | None = None,
    favorited: str | None = None,
    limit: Limit = 20,
    offset: Offset = 0,
) -> schemas.MultipleArticlesResponse:
    """List the newest articles, by tag, author or who favorited them."""
    given = {"tag": tag, "author": author, "favorited": favorited}
    values = {name: value for name, value in given.items() if value is not None}
    return _page(tuple(values), values, viewer_id(), limit, offset)


@bp.get(
    "/articles/feed",
    tags=ARTICLES,
    responses=UNAUTHORIZED,
    operation_id="GetArticlesFeed",
)
@jwt_required()
def feed(limit: Limit = 20, offset: Offset = 0) -> schemas.MultipleArticlesResponse:
    """List the newest articles of the users you follow."""
    return _page(("feed",), {}, viewer_id(), limit, offset)


@bp.get(
    "/articles/<slug>", tags=ARTICLES, responses=NOT_FOUND, operation_id="GetArticle"
)
@jwt_required(optional=True)
def get_article(slug: str) -> schemas.SingleArticleResponse:
    """Show an article."""
    return _one(slug, viewer_id())


# -- writing articles ----------------------------------------------------------------


def _tags(names: Iterable[str]) -> list[Tag]:
    """Return the tags of ``names``, made when new."""
    wanted = list(dict.fromkeys(names))
    if not wanted:
        return []
    found = {
        t.name: t for t in db.session.scalars(select(Tag).where(Tag.name.in_(wanted)))
    }
    for name in wanted:
        if name not in found:
            found[name] = Tag(name=name)
            db.session.add(found[name])
    return [found[name] for name in wanted]


def _claim_slug(title: str, article_id: int | None) -> str:
    """Return the slug of ``title``; 409 when another article has it."""
    slug = slugify(title)
    other = db.session.scalar(select(Article.id).where(Article.slug == slug))
    if other is not None and other != article_id:
        fail(409, "title", "has already been taken")
    return slug


@bp.post(
    "/articles",
    status_code=201,
    tags=ARTICLES,
    responses={**UNAUTHORIZED, 409: ERRORS},
    operation_id="CreateArticle",
)
@jwt_required()
def create_article(body: schemas.NewArticleRequest) -> schemas.SingleArticleResponse:
    """Write an article; its slug comes from its title."""
    me = current_user()
    new = body.article
    article = Article(
        slug=_claim_slug(new.title, None),
        title=new.title,
        description=new.description,
        body=new.body,
        author=me,
        tags=_tags(new.tagList),
    )
    db.session.add(article)
    db.session.commit()
    return _one(article.slug, me.id)


def _own(slug: str) -> tuple[Article, User]:
    """Return the article and the current user, who must be its author."""
    me = current_user()
    article = _find(slug)
    if article.author_id != me.id:
        fail(403, "article", "forbidden")
    return article, me


@bp.put(
    "/articles/<slug>",
    tags=ARTICLES,
    responses={**OWNED, 409: ERRORS},
    operation_id="UpdateArticle",
)
@jwt_required()
def update_article(
    slug: str, body: schemas.UpdateArticleRequest
) -> schemas.SingleArticleResponse:
    """Change an article; a new title makes a new slug."""
    article, me = _own(slug)
    change = body.article.model_dump(exclude_unset=True, exclude_none=True)
    if "title" in change:
        article.slug = _claim_slug(change["title"], article.id)
    for field in ("title", "description", "body"):
        if field in change:
            setattr(article, field, change[field])
    if "tagList" in change:
        article.tags = _tags(change["tagList"])
    article.updated_at = now()
    db.session.commit()
    return _one(article.slug, me.id)


@bp.delete(
    "/articles/<slug>",
    status_code=204,
    tags=ARTICLES,
    responses=OWNED,
    operation_id="DeleteArticle",
)
@jwt_required()
def delete_article(slug: str) -> Any:
    """Delete an article, with its comments and favorites."""
    article, _ = _own(slug)
    # Explicit, since SQLite enforces no ON DELETE CASCADE by default.
    db.session.execute(delete(Comment).where(Comment.article_id == article.id))
    db.session.execute(delete(favorites).where(favorites.c.article_id == article.id))
    db.session.delete(article)
    db.session.commit()
    return ""


# -- favorites -----------------------------------------------------------------------


@bp.post(
    "/articles/<slug>/favorite",
    tags=["Favorites"],
    responses={**UNAUTHORIZED, **NOT_FOUND},
    operation_id="CreateArticleFavorite",
)
@jwt_required()
def favorite(slug: str) -> schemas.SingleArticleResponse:
    """Favorite an article (again: no change)."""
    me = current_user()
    article = _find(slug)
    done = exists().where(
        favorites.c.article_id == article.id, favorites.c.user_id == me.id
    )
    if not db.session.scalar(select(done)):
        db.session.execute(
            insert(favorites).values(user_id=me.id, article_id=article.id)
        )
        db.session.commit()
    return _one(slug, me.id)


@bp.delete(
    "/articles/<slug>/favorite",
    tags=["Favorites"],
    responses={**UNAUTHORIZED, **NOT_FOUND},
    operation_id="DeleteArticleFavorite",
)
@jwt_required()
def unfavorite(slug: str) -> schemas.SingleArticleResponse:
    """Stop favoriting an article."""
    me = current_user()
    article = _find(slug)
    db.session.execute(
        delete(favorites).where(
            favorites.c.article_id == article.id, favorites.c.user_id == me.id
        )
    )
    db.session.commit()
    return _one(slug, me.id)


# -- comments ------------------------------------------------------------------------


def _comment(comment: Comment, viewer: int | None) -> schemas.Comment:
    author = comment.author
    return schemas.Comment(
        id=comment.id,
        createdAt=comment.created_at,
        updatedAt=comment.updated_at,
        body=comment.body,
        author=profile_of(author, is_following(viewer, author.id)),
    )


@bp.get(
    "/articles/<slug>/comments",
    tags=["Comments"],
    responses={**UNAUTHORIZED, **NOT_FOUND},
    operation_id="GetArticleComments",
)
@jwt_required(optional=True)
def list_comments(slug: str) -> schemas.MultipleCommentsResponse:
    """List an article's comments, oldest first."""
    article = _find(slug)
    viewer = viewer_id()
    comments = db.session.scalars(
        select(Comment)
        .where(Comment.article_id == article.id)
        .options(joinedload(Comment.author))
        .order_by(Comment.id)
    )
    return schemas.MultipleCommentsResponse(
        comments=[_comment(c, viewer) for c in comments]
    )


@bp.post(
    "/articles/<slug>/comments",
    status_code=201,
    tags=["Comments"],
    responses={**UNAUTHORIZED, **NOT_FOUND},
    operation_id="CreateArticleComment",
)
@jwt_required()
def create_comment(
    slug: str, body: schemas.NewCommentRequest
) -> schemas.SingleCommentResponse:
    """Comment on an article."""
    me = current_user()
    article = _find(slug)
    comment = Comment(body=body.comment.body, article_id=article.id, author=me)
    db.session.add(comment)
    db.session.commit()
    return schemas.SingleCommentResponse(comment=_comment(comment, me.id))


@bp.delete(
    "/articles/<slug>/comments/<int(max=2147483647):comment_id>",
    status_code=204,
    tags=["Comments"],
    responses=OWNED,
    operation_id="DeleteArticleComment",
)
@jwt_required()
def delete_comment(slug: str, comment_id: int) -> Any:
    """Delete your comment on an article."""
    me = current_user()
    article = _find(slug)
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.article_id != article.id:
        fail(404, "comment", "not found")
    if comment.author_id != me.id:
        fail(403, "comment", "forbidden")
    db.session.delete(comment)
    db.session.commit()
    return ""


# -- tags ----------------------------------------------------------------------------


@bp.get("/tags", tags=["Tags"], operation_id="GetTags")
def list_tags() -> schemas.TagsResponse:
    """List the tags of the articles there are, by name."""
    used = exists().where(article_tags.c.tag_id == Tag.id)
    names = db.session.scalars(select(Tag.name).where(used).order_by(Tag.name))
    return schemas.TagsResponse(tags=list(names))
