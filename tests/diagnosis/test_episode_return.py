"""A reinforcement-learning agent is judged by its return per episode, not by its TD loss.

A Q-learner's TD loss has no floor to fall to: its targets move with the network and the
environment's noise never leaves it, so it swings with no trend while the agent learns. What
says whether the agent learned is the return it collects (issue 13: such runs are judged by
their own curves, rewards should rise). The learning run is a real tabular Q-learner on a
slippery corridor, logged with torch's ``SummaryWriter``.
"""

from __future__ import annotations

import numpy as np
import pytest

from curvelint.diagnosis import Diagnosis, Verdict
from curvelint.names import direction, is_episode_return
from tests.diagnosis.helpers import diagnose_curves, judge_torch_script

# Eight cells, the goal at the end; a move slips the other way one time in five and every
# reward carries noise, so the TD error never vanishes. Epsilon decays over 150 episodes.
CORRIDOR = """
import sys
import numpy as np
import torch
from torch.utils.tensorboard import SummaryWriter

torch.manual_seed(0)
rng = np.random.default_rng(0)
cells, goal = 8, 7
q = torch.nn.Linear(cells, 2, bias=False)
torch.nn.init.zeros_(q.weight)
optimizer = torch.optim.SGD(q.parameters(), lr=0.1)
writer = SummaryWriter(sys.argv[1])
returns = []
for episode in range(300):
    epsilon = max(0.05, 1.0 - episode / 150)
    state, total, td = 0, 0.0, []
    for _ in range(30):
        values = q(torch.eye(cells)[state])
        action = int(rng.integers(2)) if rng.random() < epsilon else int(values.argmax())
        move = (1 if action else -1) * (-1 if rng.random() < 0.2 else 1)
        nxt = min(goal, max(0, state + move))
        reward = (1.0 if nxt == goal else -0.01) + float(rng.normal(0, 0.1))
        with torch.no_grad():
            target = reward + (0.0 if nxt == goal else 0.95 * q(torch.eye(cells)[nxt]).max())
        loss = (values[action] - target) ** 2
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        td.append(loss.item())
        total += reward
        state = nxt
        if state == goal:
            break
    returns.append(total)
    writer.add_scalar("train/td_loss", float(np.mean(td)), episode)
    writer.add_scalar("train/mean_reward_20", float(np.mean(returns[-20:])), episode)
writer.close()
"""


@pytest.fixture(scope="module")
def agent(tmp_path_factory: pytest.TempPathFactory) -> Diagnosis:
    return judge_torch_script(CORRIDOR, tmp_path_factory.mktemp("corridor"))


def test_an_agent_whose_return_rose_is_healthy_however_its_td_loss_swings(
    agent: Diagnosis,
) -> None:
    assert agent.verdict is Verdict.HEALTHY
    assert agent.findings[0].series == "mean_reward_20/train"
    assert agent.reason.startswith("mean_reward_20/train rose")
    assert not any(f.code == "unstable" for f in agent.findings)


def test_the_names_trainers_give_a_return_per_episode_rise() -> None:
    for name in ("episode_reward", "total_reward", "mean_reward_100", "ep_rew_mean", "mean_return"):
        assert is_episode_return(name) and direction(name) == 1, name
    # A preference trainer's reward family and other RL counters are not an episode's return.
    for name in ("rewards_chosen", "rewards_margins", "reward_std", "episode_length", "return"):
        assert not is_episode_return(name), name


def test_a_return_that_collapsed_is_said_to_have_fallen() -> None:
    """A running mean of the return at 1.0 while exploration found the goal, then 0 for the
    rest of the run: worse by falling, so the sentence says below, and its best is a high."""
    episodes = np.arange(200)
    returns = np.where(episodes < 40, 1.0, 0.0)
    td_loss = 0.02 * np.exp(-episodes / 50) + 0.001
    diagnosis = diagnose_curves(
        {"train/mean_reward_100": (episodes, returns), "train/td_loss": (episodes, td_loss)}
    )
    assert diagnosis.findings[0].series == "mean_reward_100/train"
    assert diagnosis.verdict is Verdict.DIVERGED
    assert diagnosis.reason == (
        "mean_reward_100/train ended at final level 0, 100 % below its start level 1 "
        "(after its trend high 1 near step 0)."
    )


def test_without_a_return_the_td_loss_is_still_what_is_judged() -> None:
    """A run that logs a loss and a per-step ``reward`` (CartPole's constant 1) is no agent
    judged by its return: the constant reward says nothing."""
    steps = np.arange(100)
    diagnosis = diagnose_curves(
        {
            "train/loss": (steps, 1.0 * np.exp(-steps / 8) + 0.05),
            "train/reward": (steps, np.ones(100)),
        }
    )
    assert diagnosis.findings[0].series == "loss/train"
    assert diagnosis.verdict is Verdict.HEALTHY
