"""Cost per call from a price table (USD per million tokens), overridable in the settings.

The defaults are the providers' published list prices when this table was written; pass
`prices` in the session settings to correct or extend them. Unknown models count as costing 0,
so a session with a cost budget refuses them (`priced`).
"""

from collections.abc import Mapping

DEFAULT_PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o": (2.50, 10.00),
    "gpt-4o-mini": (0.15, 0.60),
    "claude-3-5-sonnet-latest": (3.00, 15.00),
    "claude-3-5-haiku-latest": (0.80, 4.00),
}
FREE_PROVIDERS = {"fake", "local"}


def priced(name: str, prices: Mapping[str, tuple[float, float]] | None = None) -> bool:
    """Whether calls to `PROVIDER:MODEL` have a known cost (free providers always do), or an
    agent's (`agent:NAME:MODEL`) when it does not report its own: its model's."""
    return named_cost(name, 0, 0, prices) is not None


def named_cost(
    name: str,
    input_tokens: int,
    output_tokens: int,
    prices: Mapping[str, tuple[float, float]] | None = None,
) -> float | None:
    """`cost_usd` of `PROVIDER:MODEL`, or of `agent:NAME:MODEL` priced as its model (a litellm
    name `openai/gpt-4o` as `openai:gpt-4o`)."""
    provider, _, model = name.partition(":")
    if provider == "agent":
        agent_model = model.partition(":")[2]
        provider, _, model = agent_model.rpartition("/")
        if not model:
            return None
    return cost_usd(provider, model, input_tokens, output_tokens, prices)


def cost_usd(
    provider: str,
    model: str,
    input_tokens: int,
    output_tokens: int,
    prices: Mapping[str, tuple[float, float]] | None = None,
) -> float | None:
    """The call's cost, or None when the model has no price."""
    if provider in FREE_PROVIDERS:
        return 0.0
    table = {**DEFAULT_PRICES, **(prices or {})}
    price = table.get(f"{provider}:{model}") or table.get(model)
    if price is None:
        return None
    return (input_tokens * price[0] + output_tokens * price[1]) / 1_000_000
