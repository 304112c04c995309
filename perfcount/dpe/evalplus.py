"""EvalPlus interoperability: MBPP input rules, and EvalPlus's evalperf result files.

**Input rules.** EvalPlus stores every input as JSON, which has no tuples, sets
or complex numbers, and turns the inputs of many MBPP tasks back into the
types their functions expect when it loads them (``mbpp_deserialize_inputs``;
EvalPerf profiles ``pe_input[0]`` after it). Without that step a correct
solution can fail: Mbpp/106's usual answer ``return tuple(list(b) + a)`` gets
``b`` as a list instead of a tuple and ``list + tuple`` raises TypeError.

Here that step is a *documented rule stored with the task*: the dataset column
``input_rule`` names one of :data:`RULES` (e.g. ``"evalplus-mbpp:tuple_each_arg"``).
:func:`perfcount.dpe.datasets.load_dataset` derives it for EvalPerf-layout rows
``Mbpp/N`` (:func:`rule_for_task`) and applies it to every argument list of
``pe_input`` and ``tests``; the converted values are stored in
:mod:`perfcount._util.plain` encoding (``{"$tuple": [...]}``), so runners get
plain Python values and need no special case. Every rule is idempotent (it
accepts its own output), so a dataset written with its converted inputs and
its ``input_rule`` reads back to the same values.

The rules, by MBPP task number (the same table as EvalPlus 0.3.1; each rule
maps one argument list to the argument list the function is called with):

======================================  =============================================
rule                                    MBPP tasks
======================================  =============================================
``tuple_each_arg``                      2 116 132 143 222 261 273 394 399 421 424 429
                                        470 560 579 596 616 630 726 740 744 809
``tuples_in_each_arg``                  63 64 70 94 120 237 272 299 400 409 417 438
                                        473 614 780
``tuples_in_first_arg``                 75 413 444 753
``tuple_second_arg``                    106 750
``sets_in_first_arg``                   115
``float_complex``                       124
``tuple_first_arg``                     250 307 405 446 617 720 763 808
``tuple_of_tuples_each_arg``            259 401 445
``tuple_first_arg_items_tuples``        278
``tuple_dict_values_first_arg``         722
``complex_arg``                         252
``tuple_all_lists``                     580 615 791
======================================  =============================================

(each rule's docstring says what it does.) Two things differ from EvalPlus in
form, not in effect: the argument list itself stays a list (EvalPlus makes it
a tuple for 124 and 580/615/791; either is splatted into the call), and
arguments a rule does not mention are kept (EvalPlus rebuilds the list from
the arguments these tasks have). ``sets_in_first_arg`` reproduces an EvalPlus
quirk on purpose: an *empty* item becomes ``{}``, an empty **dict**, not
``set()``; that is what the published EvalPerf numbers were measured with.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "RULES",
    "RULE_PREFIX",
    "InputRule",
    "apply_rule",
    "rule_for_task",
]

RULE_PREFIX = "evalplus-mbpp:"


# ------------------------------------------------------------------ the conversions


def _tuple(value: Any) -> tuple[Any, ...]:
    if isinstance(value, (str, bytes, dict)) or not isinstance(value, Iterable):
        raise TypeError(f"expected a list, got {type(value).__name__}")
    return tuple(value)


def _items_to_tuples(value: Any) -> list[Any]:
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"expected a list of lists, got {type(value).__name__}")
    return [_tuple(item) for item in value]


def _all_lists_to_tuples(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return tuple(_all_lists_to_tuples(v) for v in value)
    return value


def _first(args: list[Any], convert: Callable[[Any], Any]) -> list[Any]:
    if not args:
        raise TypeError("expected at least one argument")
    return [convert(args[0]), *args[1:]]


def _tuple_each_arg(args: list[Any]) -> list[Any]:
    """Each argument (a list) becomes a tuple."""
    return [_tuple(a) for a in args]


def _tuples_in_each_arg(args: list[Any]) -> list[Any]:
    """Each argument is a list of lists; it becomes a list of tuples."""
    return [_items_to_tuples(a) for a in args]


def _tuples_in_first_arg(args: list[Any]) -> list[Any]:
    """The first argument's items (lists) become tuples; the other arguments are unchanged."""
    return _first(args, _items_to_tuples)


def _tuple_second_arg(args: list[Any]) -> list[Any]:
    """The second argument becomes a tuple; the others are unchanged."""
    if len(args) < 2:
        raise TypeError(f"expected at least two arguments, got {len(args)}")
    return [args[0], _tuple(args[1]), *args[2:]]


def _set_or_empty_dict(item: Any) -> Any:
    if isinstance(item, (str, bytes)) or not isinstance(item, Iterable):
        raise TypeError(f"expected a list, got {type(item).__name__}")
    return set(item) if len(item) > 0 else {}  # EvalPlus: an empty item is {} (a dict)


def _sets_in_first_arg(args: list[Any]) -> list[Any]:
    """The first argument's items become sets; an EMPTY item becomes ``{}``, an empty dict.

    (EvalPlus's quirk, kept so that scores match the published ones.)
    """
    return _first(args, lambda a: [_set_or_empty_dict(x) for x in _listish(a)])


def _float_complex(args: list[Any]) -> list[Any]:
    """The two arguments become ``float(a0), complex(a1)`` (a1 may be a string such as ``"1j"``)."""
    if len(args) != 2:
        raise TypeError(f"expected two arguments, got {len(args)}")
    return [float(args[0]), complex(args[1])]


def _tuple_first_arg(args: list[Any]) -> list[Any]:
    """The first argument becomes a tuple; the others are unchanged."""
    return _first(args, _tuple)


def _tuple_of_tuples_each_arg(args: list[Any]) -> list[Any]:
    """Each argument is a list of lists; it becomes a tuple of tuples."""
    return [tuple(_items_to_tuples(a)) for a in args]


def _tuple_first_arg_items_tuples(args: list[Any]) -> list[Any]:
    """The first argument becomes a tuple of its items, items that are lists becoming tuples."""
    return _first(
        args,
        lambda a: tuple(tuple(x) if isinstance(x, (list, tuple)) else x for x in _listish(a)),
    )


def _tuple_dict_values_first_arg(args: list[Any]) -> list[Any]:
    """The first argument is a dict; its values become tuples. The others are unchanged."""

    def convert(d: Any) -> dict[Any, Any]:
        if not isinstance(d, dict):
            raise TypeError(f"expected a dict, got {type(d).__name__}")
        return {k: _tuple(v) for k, v in d.items()}

    return _first(args, convert)


def _complex_arg(args: list[Any]) -> list[Any]:
    """The (single) argument becomes ``complex(a0)`` (a string such as ``"1+2j"`` or a number)."""
    return _first(args, complex)


def _tuple_all_lists(args: list[Any]) -> list[Any]:
    """Every list inside every argument, at any depth, becomes a tuple."""
    return [_all_lists_to_tuples(a) for a in args]


def _listish(value: Any) -> Sequence[Any]:
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"expected a list, got {type(value).__name__}")
    return value


@dataclass(frozen=True)
class InputRule:
    """One input rule: ``id`` (``"evalplus-mbpp:<name>"``), the MBPP task numbers it
    belongs to, what it does (``doc``) and the conversion of one argument list."""

    name: str
    tasks: tuple[int, ...]
    convert: Callable[[list[Any]], list[Any]]

    @property
    def id(self) -> str:
        return RULE_PREFIX + self.name

    @property
    def doc(self) -> str:
        return " ".join((self.convert.__doc__ or "").split())

    def __call__(self, args: Sequence[Any]) -> list[Any]:
        return self.convert(list(args))


# rule -> MBPP task numbers (the table in the module docstring)
_TABLE: tuple[tuple[Callable[[list[Any]], list[Any]], str], ...] = (
    (
        _tuple_each_arg,
        "2 116 132 143 222 261 273 394 399 421 424 429 470 560 579 596 616 630 726 740 744 809",
    ),
    (_tuples_in_each_arg, "63 64 70 94 120 237 272 299 400 409 417 438 473 614 780"),
    (_tuples_in_first_arg, "75 413 444 753"),
    (_tuple_second_arg, "106 750"),
    (_sets_in_first_arg, "115"),
    (_float_complex, "124"),
    (_tuple_first_arg, "250 307 405 446 617 720 763 808"),
    (_tuple_of_tuples_each_arg, "259 401 445"),
    (_tuple_first_arg_items_tuples, "278"),
    (_tuple_dict_values_first_arg, "722"),
    (_complex_arg, "252"),
    (_tuple_all_lists, "580 615 791"),
)

RULES: dict[str, InputRule] = {}
_BY_TASK: dict[int, InputRule] = {}
for _convert, _tasks in _TABLE:
    _rule = InputRule(_convert.__name__.lstrip("_"), tuple(map(int, _tasks.split())), _convert)
    RULES[_rule.id] = _rule
    for _n in _rule.tasks:
        assert _n not in _BY_TASK, _n  # one rule per task
        _BY_TASK[_n] = _rule
del _convert, _tasks, _rule, _n

_MBPP_ID = re.compile(r"Mbpp/(\d+)")


def rule_for_task(task_id: str) -> InputRule | None:
    """The input rule EvalPlus applies to ``Mbpp/N`` (None for other ids and other numbers)."""
    m = _MBPP_ID.fullmatch(task_id)
    return _BY_TASK.get(int(m.group(1))) if m else None


def apply_rule(rule_id: str, args: Sequence[Any]) -> list[Any]:
    """One argument list converted by the rule ``rule_id``.

    Raises ``KeyError`` for an unknown rule, ``TypeError``/``ValueError`` when the
    arguments do not have the shape the rule expects.
    """
    return RULES[rule_id](args)
