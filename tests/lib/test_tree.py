"""The thread layout, without a database: order, depth and the list markup around each entry."""

from dataclasses import dataclass

from ladle.lib.tree import build_thread, order_depth_first


@dataclass
class C:
    id: int
    parent_id: int | None


def render(thread) -> str:
    """Render the layout the way the template does, as a compact string."""
    out = ["<ol>"]
    for e in thread.entries:
        if e.opens_list:
            out.append("<ol>")
        if e.closes_item:
            out.extend("</li></ol>" for _ in e.closes)
            out.append("</li>")
        out.append(f"<li>{e.comment.id}")
    if thread.entries:
        out.extend("</li></ol>" for _ in thread.trailing_closes)
        out.append("</li>")
    out.append("</ol>")
    return "".join(out)


def test_depth_first_order_with_siblings_sorted():
    nodes = [C(1, None), C(2, None), C(3, 1), C(4, 3), C(5, 1), C(6, 2)]
    ordered = order_depth_first(nodes)
    assert [(n.id, d) for n, d in ordered] == [(1, 0), (3, 1), (4, 2), (5, 1), (2, 0), (6, 1)]


def test_sort_key_orders_siblings_at_every_depth():
    nodes = [C(1, None), C(2, None), C(3, 1), C(4, 1)]
    ordered = order_depth_first(nodes, sort_key=lambda n: -n.id)
    assert [n.id for n, _ in ordered] == [2, 1, 4, 3]


def test_layout_nests_lists_and_closes_everything():
    nodes = [C(1, None), C(2, 1), C(3, 2), C(4, None), C(5, 4)]
    assert render(build_thread(nodes)) == (
        "<ol><li>1<ol><li>2<ol><li>3</li></ol></li></ol></li><li>4<ol><li>5</li></ol></li></ol>"
    )


def test_layout_of_flat_siblings():
    assert render(build_thread([C(1, None), C(2, None)])) == "<ol><li>1</li><li>2</li></ol>"


def test_empty_thread_renders_an_empty_list():
    assert render(build_thread([])) == "<ol></ol>"


def test_subtree_from_a_root_leaves_out_other_branches():
    nodes = [C(1, None), C(2, 1), C(3, 2), C(4, 1)]
    ordered = order_depth_first([n for n in nodes if n.id != 1], root_id=1)
    assert [(n.id, d) for n, d in ordered] == [(2, 0), (3, 1), (4, 0)]


def test_orphans_are_left_out():
    assert order_depth_first([C(1, None), C(2, 99)]) == [(C(1, None), 0)]
