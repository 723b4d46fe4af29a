"""A session's roles from their names: each stage's optimizers, the validator, the evaluator."""

from typing import Any

from harness.agents import parse_agent
from harness.agents.optimizer import AgentOptimizer
from harness.agents.runner import Agent
from harness.agents.validator import AgentValidator
from harness.loop.base import Optimizer, Validator
from harness.loop.optimizer import LLMOptimizer
from harness.loop.settings import SessionSettings
from harness.loop.stages import plan
from harness.loop.validator import LLMValidator
from harness.providers import make_provider
from harness.verify.gate import Verifier


def roles(settings: SessionSettings) -> dict[str, Any]:
    """The optimizers of every stage, validator and evaluator `settings` name. The validator is
    None when its veto is off: it is then never called. A margin the settings name wins over
    the target's."""
    made: dict[tuple[str, float | None], Optimizer] = {}

    def optimizer(name: str, temperature: float | None) -> Optimizer:
        if (name, temperature) not in made:  # one per name and temperature, shared by stages
            made[name, temperature] = make_optimizer(name, temperature, settings)
        return made[name, temperature]

    stages = [
        {name: optimizer(name, stage.temperature_for(name)) for name in stage.optimizers}
        for stage in plan(settings)
    ]
    chosen = "min_gain" in settings.bench.model_fields_set
    evaluator = Verifier(settings.bench, settings.bench.min_gain if chosen else None)
    return {"stages": stages, "validator": _validator(settings), "evaluator": evaluator}


def make_optimizer(name: str, temperature: float | None, settings: SessionSettings) -> Optimizer:
    """`PROVIDER:MODEL` as a model answering prompts, `agent:NAME:MODEL` as a coding agent."""
    if name.startswith("agent:"):
        return AgentOptimizer(_agent(name, settings))
    provider = make_provider(name, base_url=settings.base_url, prices=settings.prices)
    return LLMOptimizer(provider, temperature, settings.max_tokens, settings.answer_format)


def _agent(name: str, settings: SessionSettings) -> Agent:
    recipe, model = parse_agent(name)
    agent = settings.agent
    chosen = agent.model_copy(update={"base_url": agent.base_url or settings.base_url})
    return Agent(name, recipe, model, chosen, settings.prices)


def _validator(settings: SessionSettings) -> Validator | None:
    if settings.validator_veto == "off":
        return None
    if settings.reviewer.startswith("agent:"):
        return AgentValidator(_agent(settings.reviewer, settings))
    provider = make_provider(settings.reviewer, base_url=settings.base_url, prices=settings.prices)
    return LLMValidator(provider, settings.reviewer_temperature(), settings.max_tokens)
