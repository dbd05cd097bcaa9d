import math

import numpy as np
import pytest

from arc.trainers import AdvantageSums, mean_abs_advantage


def test_token_masked_mean_of_abs_advantage_per_arm_matches_hand_computation() -> None:
    # Four responses, three tokens each. Arm a: responses 0 and 2; arm b: 1 and 3.
    advantages = np.array(
        [
            [0.5, 0.5, 0.5],  # a, 2 tokens -> |A| sum 1.0
            [-1.0, -1.0, -1.0],  # b, 3 tokens -> 3.0
            [-2.0, -2.0, 9.0],  # a, 1 token  -> 2.0 (the 9 is padding)
            [0.25, 0.25, 0.25],  # b, 0 tokens -> nothing
        ]
    )
    mask = np.array([[1, 1, 0], [1, 1, 1], [1, 0, 0], [0, 0, 0]])
    rewards = mean_abs_advantage(advantages, mask, ["a", "b", "a", "b"])
    assert rewards == {"a": pytest.approx(3.0 / 3), "b": pytest.approx(3.0 / 3)}

    rewards = mean_abs_advantage(advantages[:3], mask[:3], ["a", "b", "c"])
    assert rewards == {"a": pytest.approx(1.0 / 2), "b": pytest.approx(1.0), "c": pytest.approx(2.0)}


def test_one_advantage_per_response_is_weighted_by_its_length() -> None:
    # GRPO with G = 4 and rewards 1, 0, 0, 0: sample std 0.5, A = (1.5, -0.5, -0.5, -0.5)
    rewards = np.array([1.0, 0.0, 0.0, 0.0])
    a = (rewards - rewards.mean()) / (rewards.std(ddof=1) + 1e-6)
    mask = np.array([[1, 1, 1, 1], [1, 1, 0, 0], [1, 1, 0, 0], [1, 1, 0, 0]])
    got = mean_abs_advantage(a, mask, ["p"] * 4)
    expected = (abs(a[0]) * 4 + abs(a[1]) * 2 * 3) / 10  # (6 + 3) / 10 without eps
    assert got["p"] == pytest.approx(expected)
    assert got["p"] == pytest.approx(0.9, rel=1e-5)


def test_an_arm_with_no_tokens_gets_no_reward_and_sums_merge_across_batches() -> None:
    sums = AdvantageSums()
    assert not sums
    sums.add(np.array([1.0, 3.0]), np.array([[1, 1], [0, 0]]), ["x", "y"])
    other = AdvantageSums()
    other.add(np.array([-4.0]), np.array([[1, 0]]), ["x"])
    sums.merge(other)
    assert sums.means() == {"x": pytest.approx((2.0 + 4.0) / 3)}
    assert "y" not in sums.means()
    assert all(math.isfinite(v) for v in sums.means().values())


def test_shapes_that_do_not_describe_the_same_responses_are_refused() -> None:
    with pytest.raises(ValueError, match="do not describe the same responses"):
        mean_abs_advantage(np.zeros(3), np.ones((2, 4)), ["a", "b"])
