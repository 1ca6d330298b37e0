"""Tests for kolben.http.multidict."""

from __future__ import annotations

import copy
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kolben.http.exceptions import BadRequestKeyError
from kolben.http.multidict import CombinedMultiDict, ImmutableMultiDict, MultiDict


def make() -> MultiDict[str, str]:
    return MultiDict([("a", "1"), ("b", "2"), ("a", "3")])


def test_construct_from_pairs_mapping_and_multidict():
    md = make()
    assert md.getlist("a") == ["1", "3"]
    from_mapping = MultiDict({"a": ["1", "3"], "b": "2", "c": ()})
    assert from_mapping == md
    assert "c" not in from_mapping
    assert MultiDict(md) == md
    assert MultiDict[str, str]({"t": ("x", "y")}).getlist("t") == ["x", "y"]
    assert len(MultiDict()) == 0


def test_getitem_returns_first_value_and_missing_raises_400_key_error():
    md = make()
    assert md["a"] == "1"
    with pytest.raises(BadRequestKeyError) as info:
        md["missing"]
    assert info.value.key == "missing"
    with pytest.raises(KeyError):
        md["missing"]


def test_get_with_default_and_type():
    md = MultiDict([("n", "42"), ("bad", "x")])
    assert md.get("n") == "42"
    assert md.get("missing") is None
    assert md.get("missing", "d") == "d"
    assert md.get("n", type=int) == 42
    assert md.get("bad", -1, type=int) == -1
    assert md.get("bad", type=int) is None


def test_getlist_with_type_skips_failures_and_returns_a_copy():
    md = MultiDict([("n", "1"), ("n", "x"), ("n", "3")])
    assert md.getlist("n", type=int) == [1, 3]
    assert md.getlist("missing") == []
    md.getlist("n").append("mutated")
    assert md.getlist("n") == ["1", "x", "3"]


def test_setitem_replaces_and_add_appends():
    md = make()
    md["a"] = "z"
    assert md.getlist("a") == ["z"]
    md.add("a", "y")
    assert md.getlist("a") == ["z", "y"]


def test_setlist_setdefault_setlistdefault():
    md = make()
    md.setlist("b", ["x", "y"])
    assert md.getlist("b") == ["x", "y"]
    assert md.setdefault("a", "no") == "1"
    assert md.setdefault("new", "yes") == "yes"
    assert md["new"] == "yes"
    stored = md.setlistdefault("list")
    stored.append("appended")
    assert md.getlist("list") == ["appended"]
    assert md.setlistdefault("b", ["ignored"]) == ["x", "y"]


def test_empty_list_key_behaves_as_missing_for_reads():
    md: MultiDict[str, str] = MultiDict()
    md.setlistdefault("k")
    assert "k" in md
    assert md.get("k", "d") == "d"
    with pytest.raises(BadRequestKeyError):
        md["k"]
    assert md.setdefault("k", "v") == "v"
    assert md.getlist("k") == ["v"]
    md.setlist("k", [])
    with pytest.raises(BadRequestKeyError):
        md.popitem()


def test_views_and_iteration():
    md = make()
    assert list(md) == ["a", "b"]
    assert len(md) == 2
    assert list(md.keys()) == ["a", "b"]
    assert list(md.values()) == ["1", "2"]
    assert list(md.items()) == [("a", "1"), ("b", "2")]
    assert list(md.items(multi=True)) == [("a", "1"), ("a", "3"), ("b", "2")]
    assert list(md.lists()) == [("a", ["1", "3"]), ("b", ["2"])]
    assert list(md.listvalues()) == [["1", "3"], ["2"]]
    assert dict(md) == {"a": "1", "b": "2"}


def test_to_dict():
    md = make()
    assert md.to_dict() == {"a": "1", "b": "2"}
    assert md.to_dict(flat=False) == {"a": ["1", "3"], "b": ["2"]}


def test_update_adds_values():
    md = make()
    md.update({"a": "4", "c": ["5", "6"]}, b="7")
    assert md.getlist("a") == ["1", "3", "4"]
    assert md.getlist("b") == ["2", "7"]
    assert md.getlist("c") == ["5", "6"]
    md.update([("d", "8")])
    md.update(MultiDict([("d", "9")]))
    assert md.getlist("d") == ["8", "9"]
    with pytest.raises(TypeError):
        md.update({}, {})


def test_pop_family():
    md = make()
    assert md.pop("a") == "1"
    assert "a" not in md
    assert md.pop("missing", "d") == "d"
    with pytest.raises(BadRequestKeyError):
        md.pop("missing")
    md = make()
    assert md.poplist("a") == ["1", "3"]
    assert md.poplist("a") == []
    md = make()
    assert md.popitem() == ("b", "2")
    assert md.popitemlist() == ("a", ["1", "3"])
    with pytest.raises(BadRequestKeyError):
        md.popitem()
    with pytest.raises(KeyError):
        md.popitemlist()


def test_delitem_and_clear():
    md = make()
    del md["a"]
    assert list(md) == ["b"]
    md.clear()
    assert not md


def test_copy_is_independent_and_deepcopy_copies_values():
    md: MultiDict[str, list[int]] = MultiDict([("a", [1])])
    shallow = md.copy()
    shallow.add("a", [2])
    assert md.getlist("a") == [[1]]
    assert shallow["a"] is md["a"]
    deep = md.deepcopy()
    assert deep["a"] == [1]
    assert deep["a"] is not md["a"]
    assert copy.copy(md) == md
    assert copy.deepcopy(md)["a"] is not md["a"]


def test_equality():
    assert make() == MultiDict([("b", "2"), ("a", "1"), ("a", "3")])
    assert make() != MultiDict([("a", "3"), ("a", "1"), ("b", "2")])
    assert MultiDict({"a": "1"}) == {"a": "1"}
    assert make() != {"a": "1", "b": "2"}
    assert MultiDict({"a": "1"}) != {"a": "1", "b": "2"}
    assert MultiDict({"a": "1"}) != {"b": "1"}
    assert make() != [("a", "1")]


def test_repr():
    assert repr(make()) == "MultiDict([('a', '1'), ('a', '3'), ('b', '2')])"


def test_pickle_round_trip():
    for cls in (MultiDict, ImmutableMultiDict):
        md = cls(make())
        restored = pickle.loads(pickle.dumps(md))
        assert type(restored) is cls
        assert list(restored.items(multi=True)) == list(md.items(multi=True))


def test_not_hashable_when_mutable():
    with pytest.raises(TypeError):
        hash(make())


@pytest.mark.parametrize(
    "mutate",
    [
        lambda md: md.__setitem__("a", "x"),
        lambda md: md.__delitem__("a"),
        lambda md: md.add("a", "x"),
        lambda md: md.setlist("a", []),
        lambda md: md.setdefault("a", "x"),
        lambda md: md.setlistdefault("a"),
        lambda md: md.update({"a": "x"}),
        lambda md: md.pop("a"),
        lambda md: md.poplist("a"),
        lambda md: md.popitem(),
        lambda md: md.popitemlist(),
        lambda md: md.clear(),
    ],
)
def test_immutable_multidict_refuses_every_mutator(mutate):
    md = ImmutableMultiDict(make())
    with pytest.raises(TypeError, match="'ImmutableMultiDict' objects are immutable"):
        mutate(md)
    assert md == make()


def test_immutable_multidict_is_hashable_and_copies_mutable():
    first = ImmutableMultiDict([("a", "1"), ("b", "2")])
    second = ImmutableMultiDict([("b", "2"), ("a", "1")])
    assert first == second
    assert hash(first) == hash(second)
    assert {first: 1}[second] == 1
    mutable = first.copy()
    assert type(mutable) is MultiDict
    mutable.add("a", "x")
    assert first.getlist("a") == ["1"]
    assert copy.copy(first) is first
    assert type(first.deepcopy()) is MultiDict


def test_combined_multidict_searches_in_order():
    args = MultiDict([("a", "1"), ("q", "x")])
    form = MultiDict([("a", "2"), ("f", "y")])
    combined = CombinedMultiDict([args, form])
    assert combined["a"] == "1"
    assert combined["f"] == "y"
    assert combined.get("f") == "y"
    assert combined.get("missing", "d") == "d"
    assert combined.get("a", type=int) == 1
    assert combined.get("q", -1, type=int) == -1
    assert combined.getlist("a") == ["1", "2"]
    assert combined.getlist("a", type=int) == [1, 2]
    assert "f" in combined
    assert "missing" not in combined
    assert list(combined) == ["a", "q", "f"]
    assert list(combined.keys()) == ["a", "q", "f"]
    assert len(combined) == 3
    assert list(combined.values()) == ["1", "x", "y"]
    assert list(combined.items()) == [("a", "1"), ("q", "x"), ("f", "y")]
    assert list(combined.items(multi=True)) == [
        ("a", "1"),
        ("a", "2"),
        ("q", "x"),
        ("f", "y"),
    ]
    assert list(combined.lists())[0] == ("a", ["1", "2"])
    assert list(combined.listvalues())[0] == ["1", "2"]
    assert combined.to_dict() == {"a": "1", "q": "x", "f": "y"}
    assert combined.to_dict(flat=False)["a"] == ["1", "2"]
    with pytest.raises(BadRequestKeyError):
        combined["missing"]


def test_combined_multidict_is_a_live_read_only_view():
    args: MultiDict[str, str] = MultiDict()
    combined = CombinedMultiDict([args])
    args.add("late", "v")
    assert combined["late"] == "v"
    with pytest.raises(TypeError):
        combined["x"] = "y"
    copied = combined.copy()
    assert type(copied) is MultiDict
    assert copied == MultiDict({"late": "v"})
    assert hash(combined) == hash(ImmutableMultiDict({"late": "v"}))
    restored = pickle.loads(pickle.dumps(combined))
    assert restored["late"] == "v"
    assert repr(combined) == "CombinedMultiDict([MultiDict([('late', 'v')])])"


_keys = st.text(max_size=5)
_pairs = st.lists(st.tuples(_keys, st.text(max_size=5)), max_size=20)


@given(_pairs)
def test_multidict_keeps_every_value_in_order(pairs):
    md = MultiDict(pairs)
    for key in {k for k, _ in pairs}:
        assert md.getlist(key) == [v for k, v in pairs if k == key]
        assert md[key] == next(v for k, v in pairs if k == key)
    assert sorted(md.items(multi=True)) == sorted(pairs)
    assert MultiDict(md.to_dict(flat=False)) == md
