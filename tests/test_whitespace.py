import pytest
from hypothesis import given
from hypothesis import strategies as st

from tools.whitespace import median, median_without, wallet_allocation_share, whitespace_cells


def test_wallet_allocation_rule_by_hand():
    # (1 - rank / (n + 1)) * 2 / n
    assert wallet_allocation_share(1, 1) == pytest.approx(1.0)
    assert wallet_allocation_share(1, 3) == pytest.approx(0.5)
    assert wallet_allocation_share(2, 3) == pytest.approx(1 / 3)
    assert wallet_allocation_share(3, 3) == pytest.approx(1 / 6)


@given(st.integers(min_value=1, max_value=60))
def test_wallet_allocation_shares_make_the_whole_wallet(suppliers):
    shares = [wallet_allocation_share(rank, suppliers) for rank in range(1, suppliers + 1)]
    assert sum(shares) == pytest.approx(1.0)
    assert shares == sorted(shares, reverse=True)


@pytest.mark.parametrize("rank, suppliers", [(0, 3), (4, 3), (1, 0)])
def test_wallet_allocation_rule_refuses_impossible_ranks(rank, suppliers):
    with pytest.raises(ValueError):
        wallet_allocation_share(rank, suppliers)


@given(st.lists(st.integers(min_value=0, max_value=1000), min_size=1), st.data())
def test_median_without_one_value(values, data):
    values = sorted(values)
    left_out = data.draw(st.sampled_from(values))
    rest = list(values)
    rest.remove(left_out)
    assert median_without(values, left_out) == pytest.approx(median(rest))


def hand_built_group():
    # A buys X; B and C buy X and Y; D buys Y only. Totals: A 100, B 250, C 370, D 90.
    revenue = {
        "A": {"X": 100.0},
        "B": {"X": 200.0, "Y": 50.0},
        "C": {"X": 300.0, "Y": 70.0},
        "D": {"Y": 90.0},
    }
    return revenue, dict.fromkeys(revenue, "group")


def cells_by_key(cells):
    return {(cell.account, cell.category): cell for cell in cells}


def test_whitespace_and_expected_revenue_by_hand():
    revenue, groups = hand_built_group()
    cells = cells_by_key(whitespace_cells(revenue, groups, min_share=0.4, almost_nothing=0.05))
    # A and Y: B, C and D buy it (3 of 3); median 70; the buyers' median total is 250,
    # A is 100: scale 0.4, expected 28
    a_y = cells["A", "Y"]
    assert (a_y.state, a_y.peer_count, a_y.peer_total) == ("whitespace", 3, 3)
    assert a_y.peer_median == pytest.approx(70)
    assert a_y.scale == pytest.approx(0.4)
    assert a_y.expected_revenue == pytest.approx(28)
    # D and X: A, B, C buy it; median 200; buyers' median total 250; D is 90: 72
    assert cells["D", "X"].expected_revenue == pytest.approx(72)
    # what an account buys is bought, compared with the other buyers only
    a_x = cells["A", "X"]
    assert (a_x.state, a_x.peer_count, a_x.revenue) == ("bought", 2, 100)
    assert a_x.peer_median == pytest.approx(250)
    assert a_x.expected_revenue == 0
    assert len(cells) == 8


def test_too_few_peers_buying_is_no_whitespace():
    revenue, groups = hand_built_group()
    cells = cells_by_key(whitespace_cells(revenue, groups, min_share=0.9, almost_nothing=0.05))
    assert cells["A", "Y"].state == "whitespace"  # 3 of 3
    revenue["C"].pop("Y")
    cells = cells_by_key(whitespace_cells(revenue, groups, min_share=0.9, almost_nothing=0.05))
    assert ("A", "Y") not in cells  # 2 of 3 peers: not enough
    assert cells["B", "Y"].state == "bought"


def test_almost_nothing_is_whitespace():
    revenue, groups = hand_built_group()
    revenue["D"]["X"] = 5.0  # the others' median in X is 200: 5 is below 5 % of it
    cells = cells_by_key(whitespace_cells(revenue, groups, min_share=0.4, almost_nothing=0.05))
    assert cells["D", "X"].state == "whitespace"
    assert cells["D", "X"].revenue == 5.0
    revenue["D"]["X"] = 20.0
    cells = cells_by_key(whitespace_cells(revenue, groups, min_share=0.4, almost_nothing=0.05))
    assert cells["D", "X"].state == "bought"


def test_groups_do_not_mix_and_credit_notes_net_out():
    revenue, groups = hand_built_group()
    revenue["E"] = {"Z": 500.0}
    revenue["F"] = {"Z": -20.0}  # credited more than invoiced: does not buy it
    groups.update(E="other", F="other")
    cells = cells_by_key(whitespace_cells(revenue, groups, min_share=0.4, almost_nothing=0.05))
    assert ("A", "Z") not in cells
    assert cells["F", "Z"].state == "whitespace"
    assert cells["F", "Z"].scale == 1.0  # no revenue of its own: not scaled
    assert cells["F", "Z"].expected_revenue == pytest.approx(500)


@given(
    st.dictionaries(
        st.integers(min_value=1, max_value=12),
        st.dictionaries(
            st.integers(min_value=1, max_value=6),
            st.floats(min_value=-100, max_value=10_000, allow_nan=False),
            max_size=6,
        ),
        min_size=1,
    ),
    st.floats(min_value=0.01, max_value=1),
)
def test_cells_are_consistent(revenue, min_share):
    groups = {account: account % 3 for account in revenue}
    for cell in whitespace_cells(revenue, groups, min_share, almost_nothing=0.05):
        assert cell.peer_count <= cell.peer_total
        assert cell.expected_revenue >= 0
        if cell.state == "whitespace":
            assert cell.peer_count / cell.peer_total >= min_share
        else:
            assert cell.revenue > 0
