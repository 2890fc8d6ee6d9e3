"""The report's charts: Altair specs (``specs``, ``matrices``, ``tariff_layers``), their look (``theme``,
``layout``) and offline rendering (``render``)."""
from .specs import (
                    enable_theme,
                    event_timeline,
                    outcome_chart,
                    participation_chart,
                    status_history_chart,
                    status_matrix_chart,
                    tariff_layers_chart,
                    tariff_step_chart,
)

__all__ = ["enable_theme", "event_timeline", "outcome_chart", "participation_chart", "status_history_chart",
           "status_matrix_chart", "tariff_layers_chart", "tariff_step_chart"]
